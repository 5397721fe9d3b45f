"""Fuzzing headless onboarding with answers that can succeed: generated answers files and flag sets.

The generator builds a coherent set of answers from valid values (the formats README and `--help`
document), then, in some cases, injects known-invalid ones. Each case is rendered as a valid TOML
answers file (or as flags) and run through the real `openclaw onboard`, in-process, in a fresh state
dir (with or without an existing config), a share of them without `--dry-run` and with
`--accept-defaults`. The oracle:

- no injected problem and --accept-defaults: exit 0; without --dry-run the written config parses and
  holds every answer given (secrets in the credential store, the config only referring to them);
  with --dry-run nothing changes;
- injected problems: exit 2, an `error:` line, and every injected problem named in the report;
  nothing written;
- no injected problem and no --accept-defaults: exit 0, or exit 2 reporting only missing answers.

Invalid TOML and raw bytes are fed too (exit 2 naming the file). Every run also checks: no traceback,
no secret in the output.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import tomllib
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import snapshot_files
from tests.support.figures import detail, figure

# How many cases of each kind: valid answers that must be written, valid answers run with --dry-run or
# without --accept-defaults, answers with injected problems. Every case is judged on its own, so each
# count is exact (and printed as a figure).
FILE_CASES = {"write": 150, "other": 50, "invalid": 100}
FLAG_CASES = {"write": 100, "other": 30, "invalid": 70}
GARBAGE_CASES = 60

SKILLS = ["github", "git", "web-search", "weather", "tmux", "docker", "summarize", "apple-notes"]
CHANNELS = ["telegram", "discord", "slack", "signal", "whatsapp"]
HOOKS = ["boot-md", "command-logger", "session-memory"]
EXISTING_CONFIG = ('# hand-written, keep me\n[wizard]\naccepted_risk = true\nflow = "quickstart"\n\n'
                   '[agent]\nname = "old"\n')



# --------------------------------------------------------------------------- the case

@dataclass(frozen=True)
class Secret:
    """A secret answer: given by env var or file reference (or, as an injected problem, literally)."""

    value: str
    how: str  # env | file | literal | missing-file | path (a file reference to `value` itself)


@dataclass
class Case:
    answers: dict[str, dict[str, object]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # what the error report must name
    extra_tables: dict[str, dict] = field(default_factory=dict)  # unknown tables / keys (answers file only)
    existing: bool = False
    accept_defaults: bool = True
    dry_run: bool = False

    def put(self, table: str, key: str, value: object) -> None:
        self.answers.setdefault(table, {})[key] = value

    def given(self, table: str, key: str, default=None):
        return self.answers.get(table, {}).get(key, default)


def regex(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True)


TOKEN_FORMATS = {
    "telegram_token": regex(r"[0-9]{5,12}:[A-Za-z0-9_-]{30,40}"),
    "discord_token": regex(r"[A-Za-z0-9_-]{20,28}\.[A-Za-z0-9_-]{4,8}\.[A-Za-z0-9_-]{20,28}"),
    "slack_bot_token": regex(r"xoxb-[0-9A-Za-z-]{10,24}"),
    "slack_app_token": regex(r"xapp-[0-9A-Za-z-]{10,24}"),
}
CHANNEL_TOKENS = {"telegram": ["telegram_token"], "discord": ["discord_token"],
                  "slack": ["slack_bot_token", "slack_app_token"]}
PERSONAS = st.text(max_size=200).filter(lambda s: s.strip() and len(s.strip()) <= 500)
URLS = regex(r"https?://[a-z0-9-]{1,12}(\.[a-z]{2,5}){0,2}(:[0-9]{2,5})?(/[A-Za-z0-9._~%-]{0,10}){0,3}")
MODELS = regex(r"[a-z0-9-]{1,12}/[a-z0-9.-]{1,16}")


def secret(values: st.SearchStrategy[str]) -> st.SearchStrategy[Secret]:
    return st.builds(Secret, values, st.sampled_from(["env", "file"]))


@st.composite
def valid_case(draw, *, write: bool = False) -> Case:
    """Valid answers; `write` makes it a run that must write (--accept-defaults, no --dry-run)."""
    accept_defaults, dry_run = (True, False) if write else draw(st.sampled_from([(True, True), (False, False),
                                                                                  (False, True)]))
    case = Case(existing=draw(st.booleans()), accept_defaults=accept_defaults, dry_run=dry_run)
    if case.existing:
        case.put("existing", "existing", draw(st.sampled_from(["update", "reset"])))
    flow = draw(st.sampled_from(["quickstart", "manual"]))
    case.put("quickstart", "flow", flow)
    case.put("quickstart", "accept_risk", True)
    if flow == "manual":
        case.put("quickstart", "gateway_port", draw(st.integers(1, 65535)))
        bind = draw(st.sampled_from(["loopback", "lan", "tailnet"]))
        case.put("quickstart", "gateway_bind", bind)
        case.put("quickstart", "gateway_auth", draw(st.sampled_from(["token", "none"] if bind == "loopback"
                                                                    else ["token"])))
        if case.given("quickstart", "gateway_auth") == "token" and draw(st.booleans()):
            case.put("quickstart", "gateway_token", draw(secret(regex(r"[A-Za-z0-9_-]{16,40}"))))
    draw_channels(draw, case)
    if draw(st.booleans()):
        case.put("skills", "skills", draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=4)))
    if draw(st.booleans()):
        case.put("hooks", "hooks", draw(st.lists(st.sampled_from(HOOKS), unique=True, max_size=3)))
        if draw(st.booleans()):
            case.put("hooks", "webhook_url", draw(URLS))
    draw_hatch(draw, case)
    if write or draw(st.booleans()):  # without it, a run without --accept-defaults misses auth_choice
        draw_authorization(draw, case)
    return case


def draw_channels(draw, case: Case) -> None:
    if not draw(st.booleans()):
        return
    chosen = draw(st.lists(st.sampled_from(CHANNELS), unique=True, max_size=5))
    case.put("channels", "channels", chosen)
    with_tokens = [ch for ch in chosen if ch in CHANNEL_TOKENS]
    if with_tokens and draw(st.booleans()) and draw(st.booleans()):
        case.put("channels", "pair_later", True)
    elif with_tokens:
        if draw(st.booleans()):
            case.put("channels", "pair_later", False)
        for channel in with_tokens:
            for key in CHANNEL_TOKENS[channel]:
                case.put("channels", key, draw(secret(TOKEN_FORMATS[key])))
    if "signal" in chosen:
        case.put("channels", "signal_number", draw(regex(r"\+[1-9][0-9]{6,14}")))


def draw_hatch(draw, case: Case) -> None:
    if not draw(st.booleans()):
        return
    hatch = draw(st.booleans())
    case.put("hatch", "hatch", hatch)
    if not hatch:
        return
    case.put("hatch", "agent_name", draw(regex(r"[a-z0-9][a-z0-9_-]{0,31}")))
    case.put("hatch", "workspace", draw(st.sampled_from(["ws", "my work space", "wörk/späce", "deep/a/b/c"])))
    case.put("hatch", "persona", draw(PERSONAS))


def draw_authorization(draw, case: Case) -> None:
    choice = draw(st.sampled_from(["skip", "openai-api-key", "anthropic-api-key", "token"]))
    case.put("authorization", "auth_choice", choice)
    if choice == "skip":
        return
    prefix = {"openai-api-key": "sk-", "anthropic-api-key": "sk-ant-", "token": "sk-ant-oat01-"}[choice]
    case.put("authorization", "token", draw(secret(regex(r"[A-Za-z0-9_-]{16,40}").map(lambda s: prefix + s))))
    if choice == "token":
        case.put("authorization", "token_provider", "anthropic")
    if draw(st.booleans()):
        case.put("authorization", "model", draw(MODELS))


# Known-invalid answers: (table, key, values); every one must be named as "table.key" in the report.
INVALID = [
    ("quickstart", "gateway_port", [0, 65536, -1, "eighty", "80x", ""]),
    ("quickstart", "gateway_bind", ["everywhere", "LAN", "0.0.0.0", ""]),
    ("quickstart", "accept_risk", ["maybe", False]),
    ("channels", "channels", [["telegram", "irc"], ["matrix"], ["Slack"]]),
    ("channels", "signal_number", ["5551234567", "+0123456789", "phone", "+1 (55)"]),
    ("channels", "telegram_token", [Secret("12345", "env"), Secret("not-a-token", "file"),
                                    Secret("123456789:AAEhBOweik9ad9r_AbCdEfGhIjKlMnOpQrS", "literal"),
                                    Secret("", "missing-file")]),
    ("skills", "skills", [["git", "no-such-skill"], ["GIT"]]),
    ("hooks", "hooks", [["boot-md", "x"], ["webhook"]]),
    ("hooks", "webhook_url", ["ftp://example.com/hook", "http://", "not a url", "https://exa mple.com"]),
    ("hatch", "agent_name", ["Main", "-x", "a" * 33, "two words", "ünï"]),
    ("hatch", "persona", ["x" * 501, "y " * 300]),
    ("hatch", "hatch", ["perhaps"]),
    ("authorization", "auth_choice", ["chatgpt", "openai", ""]),
    ("authorization", "model", ["gpt-5", "openai/", "/gpt", "a b/c"]),
    ("authorization", "token", [Secret("", "missing-file"), Secret("sk-has space", "env")]),
    # A file reference to any path at all, "~0" (a user that does not exist) included.
    ("authorization", "token", st.builds(Secret, st.text(max_size=30) | st.sampled_from(["~0", "~nosuchuser/k"]),
                                         st.just("path"))),
]
FLAG_ONLY_SWITCHES = {("quickstart", "accept_risk"), ("hatch", "hatch")}  # flags are switches: no bad value


@st.composite
def invalid_case(draw, *, for_flags: bool = False) -> Case:
    """Valid answers with one to three known-invalid ones injected (run with or without a dry run)."""
    case = draw(valid_case(write=draw(st.booleans())))
    pool = [entry for entry in INVALID if not (for_flags and entry[:2] in FLAG_ONLY_SWITCHES)]
    for table, key, values in draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3,
                                            unique_by=lambda e: e[:2])):
        value = draw(values if isinstance(values, st.SearchStrategy) else st.sampled_from(values))
        if table == "authorization" and key in ("token", "model") and case.given("authorization", "auth_choice",
                                                                                  "skip") == "skip":
            # With auth_choice skip these answers are set aside with a note: choose a key so they are read.
            case.put("authorization", "auth_choice", "openai-api-key")
            if key == "model":
                case.put("authorization", "token",
                         draw(secret(regex(r"[A-Za-z0-9_-]{16,40}").map(lambda s: "sk-" + s))))
        case.put(table, key, value)
        case.problems.append(f"{table}.{key}")
    if not for_flags and draw(st.booleans()):
        table = draw(st.sampled_from(["channels", "hatch", "nope", "authorisation"]))
        key = draw(regex(r"zz_[a-z]{1,8}"))
        case.extra_tables.setdefault(table, {})[key] = draw(st.integers(0, 9))
        known = table in ("channels", "hatch")
        case.problems.append(f"unknown key [{table}] {key}" if known else f"unknown table [{table}]")
    return case


# --------------------------------------------------------------------------- rendering and running

class Run:
    """One case, materialised in its own directory: files for secrets, env vars, the state dir."""

    def __init__(self, case: Case, root: Path):
        self.case = case
        self.dir = Path(tempfile.mkdtemp(dir=root))
        self.state = self.dir / "state"
        self.state.mkdir(mode=0o700)
        self.env: dict[str, str] = {}
        self.secret_values: list[str] = []
        if case.existing:
            (self.state / "openclaw.toml").write_text(EXISTING_CONFIG)
            os.chmod(self.state / "openclaw.toml", 0o600)
        self.before = snapshot_files(self.state)

    def workspace(self, value: str) -> str:
        return str(self.dir / value)

    def secret_ref(self, name: str, value: Secret) -> tuple[str, str]:
        """(how, where) for a secret: an env var name or a file path."""
        if value.how == "path":
            return "file", value.value
        self.secret_values.append(value.value)
        if value.how == "env":
            self.env[f"FUZZ_{name.upper()}"] = value.value
            return "env", f"FUZZ_{name.upper()}"
        path = self.dir / f"{name}.secret"
        if value.how == "file":
            path.write_text(value.value + "\n")
        return "file", str(path)

    def toml_value(self, key: str, value: object) -> object:
        if isinstance(value, Secret):
            if value.how == "literal":
                return value.value
            how, where = self.secret_ref(key, value)
            return {how: where}
        if key == "workspace":
            return self.workspace(value)
        return value

    def answers_file(self) -> Path:
        doc = {table: {key: self.toml_value(key, value) for key, value in answers.items()}
               for table, answers in self.case.answers.items()}
        for table, extra in self.case.extra_tables.items():
            doc.setdefault(table, {}).update(extra)
        text = tomlkit.dumps(doc)
        assert tomllib.loads(text) == doc, "the generator wrote TOML that does not mean the answers"
        path = self.dir / "answers.toml"
        path.write_text(text, encoding="utf-8")
        return path

    def flags(self) -> list[str]:
        argv: list[str] = []
        for answers in self.case.answers.values():
            for key, value in answers.items():
                argv += self.flag(key, value)
        return argv

    def flag(self, key: str, value: object) -> list[str]:
        name = "--" + key.replace("_", "-")
        if isinstance(value, bool):
            if key == "accept_risk":
                return ["--accept-risk"] if value else []
            return [name] if value else ["--no-" + key.replace("_", "-")]
        if isinstance(value, Secret):
            if value.how == "literal":
                return [f"{name}={value.value}"]
            how, where = self.secret_ref(key, value)
            return [f"{name}={'env:' + where if how == 'env' else '@' + where}"]
        if key == "workspace":
            value = self.workspace(value)
        if isinstance(value, list):
            value = ",".join(value) if value else "none"
        return [f"{name}={value}"]

    def argv(self, source: list[str]) -> list[str]:
        argv = ["onboard", *source]
        if self.case.accept_defaults:
            argv.append("--accept-defaults")
        if self.case.dry_run:
            argv.append("--dry-run")
        return argv

    def run(self, argv: list[str]) -> tuple[int, str, str]:
        from wizard.cli import main

        environ = {"PATH": os.environ.get("PATH", ""), "HOME": str(self.dir / "home"),
                   "OPENCLAW_STATE_DIR": str(self.state), "NO_COLOR": "1", **self.env}
        out, err = io.StringIO(), io.StringIO()
        with mock.patch.dict(os.environ, environ, clear=True), redirect_stdout(out), redirect_stderr(err), \
                mock.patch("sys.stdin", io.StringIO("")):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse refusing a value
                code = exc.code
        return code, out.getvalue(), err.getvalue()

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------- the oracle

def check_clean_output(run: Run, code: int, out: str, err: str) -> None:
    assert code in (0, 2), f"exit {code}\n{err}"
    assert "Traceback" not in out + err, err
    leaked = [s for s in secrets_to_find(run) if s in out + err]
    assert not leaked, f"a secret reached the output:\n{err}"


def secrets_to_find(run: Run) -> list[str]:
    """The secret values worth looking for: long enough to mean something, and not also a plain answer
    (hypothesis shrinks a token and an agent name alike to "0000..."; printing the name is no leak)."""
    plain = " ".join(str(value) for answers in run.case.answers.values() for value in answers.values()
                     if not isinstance(value, Secret))
    return [s for s in run.secret_values if len(s) >= 8 and s not in plain]


def check_refusal(run: Run, err: str) -> None:
    assert any(line.startswith("error: ") or ": error: " in line for line in err.splitlines()), err
    for problem in run.case.problems:
        assert problem in err, f"the report does not name {problem}:\n{err}"
    assert snapshot_files(run.state) == run.before, "a refused run changed the state dir"


def check_only_missing(err: str) -> None:
    assert "missing" in err and "not valid" not in err, err
    details = [line.strip() for line in err.splitlines() if line.startswith("  ")]
    assert details and all(" - give it with " in line for line in details), err


def config_answers(case: Case, run: Run) -> dict[str, object]:
    """Dotted config keys and the values the answers given put there."""
    a = case.answers
    expected: dict[str, object] = {}
    q = a.get("quickstart", {})
    expected["wizard.flow"] = q["flow"]
    expected["wizard.accepted_risk"] = True
    for key, where in (("gateway_port", "gateway.port"), ("gateway_bind", "gateway.bind"),
                       ("gateway_auth", "gateway.auth")):
        if key in q:
            expected[where] = q[key]
    c = a.get("channels", {})
    if "channels" in c:
        expected["channels.enabled"] = c["channels"]
    if "signal_number" in c:
        expected["channels.signal.number"] = c["signal_number"]
    for table, key, where in (("skills", "skills", "skills.enabled"), ("hooks", "hooks", "hooks.enabled"),
                              ("hooks", "webhook_url", "hooks.webhook.url")):
        if key in a.get(table, {}):
            expected[where] = a[table][key]
    h = a.get("hatch", {})
    if h.get("hatch"):
        expected["agent.name"] = h["agent_name"]
        expected["agent.workspace"] = run.workspace(h["workspace"])
        expected["agent.persona"] = "\n".join(line.rstrip() for line in h["persona"].replace("\r\n", "\n")
                                               .split("\n")).strip()  # a multi-line answer, as typed
    auth = a.get("authorization", {"auth_choice": "skip"})
    expected["models.auth_choice"] = auth["auth_choice"]
    if "model" in auth:
        expected["models.default"] = auth["model"]
    return expected


def dotted(config: dict, key: str) -> object:
    node: object = config
    for part in key.split("."):
        assert isinstance(node, dict) and part in node, f"{key} is not in the written config"
        node = node[part]
    return node


SECRET_NAMES = {"telegram_token": "channels.telegram.token", "discord_token": "channels.discord.token",
                "slack_bot_token": "channels.slack.bot_token", "slack_app_token": "channels.slack.app_token",
                "gateway_token": "gateway.token"}


def check_written(run: Run) -> None:
    case = run.case
    text = (run.state / "openclaw.toml").read_text()
    config = tomllib.loads(text)
    for key, value in config_answers(case, run).items():
        assert dotted(config, key) == value, f"{key} in the config:\n{text}"
    secrets_file = run.state / "credentials" / "secrets.json"
    stored = json.loads(secrets_file.read_text())["secrets"] if secrets_file.exists() else {}
    for key, name in SECRET_NAMES.items():
        given = case.answers.get("channels", {}).get(key) or case.answers.get("quickstart", {}).get(key)
        if given is not None:
            assert stored[name] == given.value.strip()
            assert dotted(config, name) == {"secret": name}
    for value in secrets_to_find(run):
        assert value not in text, "a secret is in the config file"
    auth = case.answers.get("authorization", {"auth_choice": "skip"})
    if auth["auth_choice"] != "skip":
        provider = {"openai-api-key": "openai-api-key", "anthropic-api-key": "anthropic-api-key",
                    "token": "anthropic"}[auth["auth_choice"]]
        record = json.loads((run.state / "credentials" / f"{provider}.json").read_text())
        assert record["access_token"] == auth["token"].value
    if case.existing and case.answers["existing"]["existing"] == "update":
        assert text.startswith("# hand-written, keep me\n"), "the user's comment was lost"


def judge(run: Run, code: int, out: str, err: str, counts: dict) -> None:
    check_clean_output(run, code, out, err)
    case = run.case
    if case.problems:
        assert code == 2, f"injected {case.problems} but the run exited {code}:\n{err}"
        check_refusal(run, err)
        counts["refused"] += 1
    elif code == 2:
        assert not case.accept_defaults, f"valid answers with --accept-defaults failed:\n{err}"
        check_only_missing(err)
        assert snapshot_files(run.state) == run.before
        counts["missing"] += 1
    elif case.dry_run:
        assert snapshot_files(run.state) == run.before, "a dry run changed the state dir"
        counts["dry_run"] += 1
    else:
        check_written(run)
        counts["written"] += 1


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])


# --------------------------------------------------------------------------- the tests

CASE_KINDS = {"write": lambda for_flags: valid_case(write=True),
              "other": lambda for_flags: valid_case(),
              "invalid": lambda for_flags: invalid_case(for_flags=for_flags)}


def fuzz(kinds: dict[str, int], run_one, *, for_flags: bool) -> dict[str, int]:
    """Run `kinds[k]` generated cases of each kind through `run_one`; the outcome counts."""
    counts = dict.fromkeys(["cases", "written", "dry_run", "refused", "missing", "complete"], 0)
    for kind, examples in kinds.items():
        @fuzz_settings(examples)
        @given(CASE_KINDS[kind](for_flags))
        def one(case: Case) -> None:
            counts["cases"] += 1
            run_one(case, counts)

        one()
    detail(f"{'flag' if for_flags else 'answers-file'} fuzz outcomes: {counts}")
    assert counts["cases"] >= sum(kinds.values())
    assert counts["written"] >= kinds["write"] and counts["refused"] >= kinds["invalid"], counts
    return counts


def test_generated_answers_files_succeed_or_name_every_problem(tmp_path):
    def run_one(case: Case, counts: dict) -> None:
        run = Run(case, tmp_path)
        try:
            answers = run.answers_file()
            judge(run, *run.run(run.argv(["--non-interactive", "--answers", str(answers)])), counts)
        finally:
            run.cleanup()

    fuzz(FILE_CASES, run_one, for_flags=False)
    figure(f"{sum(FILE_CASES.values())} generated answers files (valid TOML): {FILE_CASES['write']} valid ones "
           "run with --accept-defaults were written, the config holding every answer and the secrets only in "
           f"the credential store; {FILE_CASES['other']} valid ones run as dry runs or without --accept-defaults "
           f"exited 0 or listed only missing answers; {FILE_CASES['invalid']} with known-invalid answers injected "
           "exited 2 naming every one, writing nothing")


def test_generated_flag_sets_succeed_or_name_every_problem(tmp_path):
    def run_one(case: Case, counts: dict) -> None:
        run = Run(case, tmp_path)
        try:
            judge(run, *run.run(run.argv(["--non-interactive", *run.flags()])), counts)
        finally:
            run.cleanup()

    fuzz(FLAG_CASES, run_one, for_flags=True)
    figure(f"{sum(FLAG_CASES.values())} generated flag sets: {FLAG_CASES['write']} written, "
           f"{FLAG_CASES['other']} dry runs or without --accept-defaults, {FLAG_CASES['invalid']} refused naming "
           "every injected problem")


GARBAGE = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).filter(lambda text: not parses_as_toml(text)),
    st.sampled_from(["[quickstart\nflow = 1", "a = [\n", "[x]\n[x]\n", "k = 'unterminated", "\ufeff[quickstart]",
                     "[quickstart]\nflow = \"a\"\nflow = \"b\"\n"]).map(str.encode),
)


def parses_as_toml(text: str) -> bool:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return True


def test_answers_files_that_are_not_toml_are_refused_naming_the_file(tmp_path):
    counts = {"cases": 0}

    @fuzz_settings(GARBAGE_CASES)
    @given(GARBAGE)
    def one(data) -> None:
        counts["cases"] += 1
        run = Run(Case(existing=True), tmp_path)
        try:
            path = run.dir / "answers.toml"
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
            if parses_as_toml_bytes(path.read_bytes()):
                return  # random bytes that happen to be TOML: the generated cases cover those
            code, out, err = run.run(["onboard", "--non-interactive", "--accept-defaults", "--answers", str(path)])
            assert code == 2 and "Traceback" not in err, err
            assert err.startswith("error: answers file ") and str(path) in err, err
            assert "not valid TOML" in err or "not UTF-8" in err, err
            assert snapshot_files(run.state) == run.before
        finally:
            run.cleanup()

    one()
    assert counts["cases"] >= GARBAGE_CASES
    figure(f"{GARBAGE_CASES} answers files of raw bytes or broken TOML exited 2 naming the file, writing nothing")


def parses_as_toml_bytes(data: bytes) -> bool:
    try:
        return parses_as_toml(data.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def test_the_generator_itself_makes_both_fresh_and_existing_configs_and_every_injection():
    """A guard on the oracle: the strategies still reach existing configs, unknown keys and each invalid field."""
    seen: set = set()

    @settings(max_examples=1000, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(invalid_case())
    def one(case: Case) -> None:
        seen.add(case.existing)
        seen.update(problem.split(" [")[0] for problem in case.problems)

    one()
    assert {True, False, "unknown key", "unknown table"} <= seen
    assert {f"{table}.{key}" for table, key, _ in INVALID} <= seen
