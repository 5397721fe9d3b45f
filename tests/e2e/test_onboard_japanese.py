"""`openclaw onboard` headless in Japanese (issue 13): the real CLI, the locale from LANG alone.

People read Japanese; scripts read what they always read: the flags, env vars, answers-file keys, step ids
and tags in the human lines are the same as in English, and `--json` is byte for byte the same whatever
the locale.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import snapshot_files

JA = {"LANG": "ja_JP.UTF-8"}
C = {"LANG": "C.UTF-8"}
KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
ENV = re.compile(r"\b(?:OPENCLAW|OPENAI|ANTHROPIC)_[A-Z_]+\b")
FILE_KEY = re.compile(r"\[[a-z]+\] [a-z_]+")
FULL_ANSWERS = ("--accept-risk", "--auth-choice", "skip", "--channels", "telegram,whatsapp", "--pair-later",
                "--skills", "github,docker", "--hooks", "session-memory,boot-md")


@pytest.fixture(autouse=True)
def locale_from_lang_only(cli_env: dict) -> None:
    """LANG alone decides (no --lang): LC_ALL and LC_MESSAGES from the developer's shell would win over it."""
    for name in ("LC_ALL", "LC_MESSAGES", "OPENCLAW_LANG", "LANGUAGE"):
        cli_env.pop(name, None)


def named(text: str) -> dict[str, set[str]]:
    """The names a script or a person copies from the report: flags, env vars, answers-file keys."""
    return {"flags": set(FLAG.findall(text)), "env": set(ENV.findall(text)), "keys": set(FILE_KEY.findall(text))}


def ids() -> set[str]:
    """What is never translated: step ids, field keys, option values, names (Telegram, Slack ...)."""
    from wizard import steps
    from wizard.i18n import Msg

    found = {"OpenClaw", "main"} | set(steps.STEP_IDS)
    for fld in steps.all_fields():
        found |= {fld.key, *fld.option_values(), *(o.label for o in fld.options if not isinstance(o.label, Msg))}
    return found


def english_words(text: str) -> set[str]:
    """Words of three letters or more outside the names, ids, paths and code (what is left to translate)."""
    text = re.sub(r"`[^`]*`|'[^']*'|openclaw(?: [a-z-]+)+|\S*[/=_.@:\[\]-]\S*|\b[A-Z][A-Z0-9_]+\b", " ", text)
    return {w for w in re.findall(r"[A-Za-z]{3,}", text)} - ids()


def reset(state_dir: Path, files: dict[str, bytes]) -> None:
    """The state dir as it was before a run (the same paths in both runs, so their JSON can be compared)."""
    shutil.rmtree(state_dir)
    state_dir.mkdir(mode=0o700)
    for name, data in files.items():
        (state_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (state_dir / name).write_bytes(data)


# --------------------------------------------------------------------------- the missing-answers report

@pytest.mark.parametrize("args", [
    (),
    ("--auth-choice", "openai-api-key", "--channels", "telegram,slack,signal"),
    ("--flow", "manual", "--auth-choice", "token", "--channels", "discord"),
], ids=["first-run", "api-key-and-channels", "manual-token"])
def test_the_missing_answers_report_is_japanese_and_names_the_same_flags_env_and_keys(run_cli, args):
    english = run_cli("onboard", "--non-interactive", *args, env=C)
    japanese = run_cli("onboard", "--non-interactive", *args, env=JA)
    assert english.returncode == japanese.returncode == 2
    assert "answers are missing" in english.stderr or "answer is missing" in english.stderr
    assert named(japanese.stderr) == named(english.stderr)
    found = named(english.stderr)
    assert "--accept-risk" in found["flags"] and "OPENCLAW_ACCEPT_RISK" in found["env"]
    assert "[quickstart] accept_risk" in found["keys"]
    if "openai-api-key" in args:  # the provider's own variable and the file flag are named too
        assert {"OPENAI_API_KEY", "OPENCLAW_TOKEN"} <= found["env"] and "--token-file" in found["flags"]
        assert "[channels] slack_app_token" in found["keys"] and "OPENCLAW_SLACK_APP_TOKEN" in found["env"]
    # Line for line the same report; the tags and field ids at line starts are unchanged.
    en_lines, ja_lines = english.stderr.splitlines(), japanese.stderr.splitlines()
    assert len(ja_lines) == len(en_lines)
    for en, ja in zip(en_lines, ja_lines, strict=True):
        assert en.split(":", 1)[0] == ja.split(":", 1)[0]  # error / hint / the field id
    assert "足りない回答" in japanese.stderr and "何も書き込んでいません" in japanese.stderr
    report = "\n".join(line for line in ja_lines[1:])  # after the headless line, which quotes OPENCLAW_* env
    assert english_words(report) == set(), report


def test_an_answers_file_with_unknown_keys_is_reported_in_japanese_with_the_keys_as_written(run_cli, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text('[quickstart]\nflow = "manual"\ngateway_port = 99999\ncolour = "blue"\n[nope]\n'
                       '[channels]\nchannels = ["telegram"]\ntelegram_token = "123:abc"\n')
    english = run_cli("onboard", "--non-interactive", "--accept-risk", "--answers", str(answers), env=C)
    japanese = run_cli("onboard", "--non-interactive", "--accept-risk", "--answers", str(answers), env=JA)
    assert english.returncode == japanese.returncode == 2
    assert named(japanese.stderr) == named(english.stderr)
    for kept in ("[quickstart] colour", "[nope]", "gateway_port", "99999", "answers.toml [channels] telegram_token",
                 '{ env = "NAME" }'):
        assert kept in english.stderr and kept in japanese.stderr
    assert "不明なキー" in japanese.stderr and "不明なテーブル" in japanese.stderr
    assert "1〜65535 のポート番号にしてください" in japanese.stderr


# --------------------------------------------------------------------------- --json never changes

JSON_RUNS = {
    "dry-run": ("--dry-run", *FULL_ANSWERS),
    "writes": FULL_ANSWERS,
    "missing-answers": (),
    "invalid-answers": ("--accept-risk", "--auth-choice", "skip", "--flow", "manual", "--gateway-port", "0",
                        "--gateway-bind", "lan", "--gateway-auth", "none", "--workspace", "/dev/null/ws"),
    "unknown-step": ("--step", "nope"),
}


@pytest.mark.parametrize("name", list(JSON_RUNS))
def test_json_is_byte_identical_between_the_c_and_the_japanese_locale(run_cli, state_dir, name):
    before = snapshot_files(state_dir)
    english = run_cli("onboard", "--non-interactive", "--json", *JSON_RUNS[name], env=C)
    written = snapshot_files(state_dir)
    reset(state_dir, before)
    japanese = run_cli("onboard", "--non-interactive", "--json", *JSON_RUNS[name], env=JA)
    assert japanese.returncode == english.returncode
    assert japanese.stdout.encode() == english.stdout.encode()
    events = [json.loads(line) for line in english.stdout.splitlines()]
    assert events and events[-1]["event"] in ("done", "error")
    assert not KANA_OR_KANJI.search(english.stdout)
    assert KANA_OR_KANJI.search(japanese.stderr) and not KANA_OR_KANJI.search(english.stderr)
    assert set(snapshot_files(state_dir)) == set(written)  # the same run: the same files written (or none)
    if events[-1]["event"] == "error":
        assert english.returncode == 2 and events[-1]["hint"]


# --------------------------------------------------------------------------- a run that signs in

DRAWN = {"device_code": ("user_code",), "waiting": ("timeout",), "signed_in": ("expires_at",)}


def _device_sign_in(spawn_cli, oauth, lang: dict, *, deny: bool = False) -> tuple[int, list[str], str]:
    proc = spawn_cli("onboard", "--auth-choice", "openai-codex", "--method", "device", "--json", env=lang)
    lines = []
    while True:
        line = proc.stdout.readline()
        assert line, "the event stream ended early"
        lines.append(line)
        event = json.loads(line)
        if event["event"] == "device_code":
            (oauth.deny_device if deny else oauth.approve_device)(event["user_code"])
        if event["event"] in ("done", "error"):
            break
    code = proc.wait(timeout=20)
    return code, lines, proc.stderr.read()


def _without_drawn_values(lines: list[str]) -> list[str]:
    """Each line with the values this run drew (a fresh user code, the seconds left, the expiry) blanked;
    those are data, never words, so they are checked to be ASCII."""
    kept = []
    for line in lines:
        event = json.loads(line)
        for key in DRAWN.get(event["event"], ()):
            assert str(event[key]).isascii()
            event[key] = "<drawn>"
        kept.append(json.dumps(event))
    return kept


@pytest.mark.parametrize("deny", [False, True], ids=["signed-in", "denied"])
def test_json_of_a_run_that_signs_in_is_the_same_in_both_locales(spawn_cli, oauth, point_codex_at, state_dir, deny):
    point_codex_at(oauth)
    before = snapshot_files(state_dir)
    en_code, en_lines, en_err = _device_sign_in(spawn_cli, oauth, C, deny=deny)
    reset(state_dir, before)
    oauth.reset()
    ja_code, ja_lines, ja_err = _device_sign_in(spawn_cli, oauth, JA, deny=deny)
    assert ja_code == en_code == (1 if deny else 0)
    assert _without_drawn_values(ja_lines) == _without_drawn_values(en_lines)
    # Nothing but the drawn values differs: the other lines are the same bytes.
    same = [(en, ja) for en, ja in zip(en_lines, ja_lines, strict=True) if json.loads(en)["event"] not in DRAWN]
    assert all(en == ja for en, ja in same) and len(same) >= 9
    assert "[7/7] 認証: ChatGPT でサインイン (device)、モデル openai-codex/gpt-5.2" in ja_err
    assert "[7/7] Authorization: Sign in with ChatGPT (device), model openai-codex/gpt-5.2" in en_err
    if deny:
        assert json.loads(en_lines[-1])["event"] == "error"
        assert "--auth-choice skip" in ja_err and "何も書き込んでいません" in ja_err  # the headless hint, in Japanese
        assert not (state_dir / "openclaw.toml").exists()


# --------------------------------------------------------------------------- what a person reads

def test_a_headless_run_reports_its_steps_plan_and_writes_in_japanese(run_cli, state_dir):
    dry = run_cli("onboard", "--non-interactive", "--dry-run", *FULL_ANSWERS, env=JA)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("計画（ドライラン。何も書き込んでいません）:\n")
    assert f"  {state_dir}/openclaw.toml を作成\n" in dry.stdout
    assert "  シークレット gateway.token を保存\n" in dry.stdout
    assert "  note: telegram: 後で `openclaw onboard --step channels` でペアリングしてください\n" in dry.stdout
    assert "+enabled = [\"telegram\", \"whatsapp\"]" in dry.stdout  # the config itself is never translated
    assert not (state_dir / "openclaw.toml").exists()

    run = run_cli("onboard", "--non-interactive", *FULL_ANSWERS, env=JA)
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    assert lines[0] == ("openclaw onboard: ヘッドレスで実行します（--non-interactive）。"
                        "回答はフラグ、OPENCLAW_* 環境変数、--answers から読みます")
    assert lines[1:8] == ["[1/7] クイックスタート: quickstart: ゲートウェイはデフォルト値",
                          "[2/7] 既存の設定を使う: 対象外",
                          "[3/7] チャンネル選択: telegram, whatsapp",
                          "[4/7] スキルのインストール: github, docker",
                          "[5/7] フックの設定: session-memory, boot-md",
                          f"[6/7] エージェントの作成: エージェント main、ワークスペース {state_dir}/workspace",
                          "[7/7] 認証: スキップ"]
    assert f"{state_dir}/openclaw.toml を書き込みました" in lines
    assert "note: whatsapp: ゲートウェイの起動時に表示される QR コードを読み取ってください" in lines
    assert lines[-1] == "完了しました。次は `openclaw models status` でサインインを確認してください。"
    assert english_words("\n".join(lines[1:])) == set(), run.stderr

    again = run_cli("onboard", "--non-interactive", "--step", "channels", "--channels", "signal",
                    "--signal-number", "+1 555 123 4567", env=JA)  # a step id is the same in every language
    assert again.returncode == 0, again.stderr
    assert "[2/7] 既存の設定を使う: 既存の値のまま\n" in again.stderr
    assert "[3/7] チャンネル選択: signal" in again.stderr
    assert "[1/7] クイックスタート: 既存の値のまま（quickstart: ゲートウェイはデフォルト値）" in again.stderr


def test_errors_and_their_hints_are_japanese_and_keep_their_tags_ids_and_flags(run_cli, state_dir, tmp_path):
    unknown = run_cli("onboard", "--non-interactive", "--step", "nope", env=JA)
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines() == [
        "error: 不明なステップ 'nope' です",
        "hint: 使えるステップ: quickstart, existing, channels, skills, hooks, hatch, authorization"]

    (state_dir / "openclaw.toml").write_text("[gateway\nport = 1\n")
    broken = run_cli("onboard", "--non-interactive", "--accept-risk", "--auth-choice", "skip", env=JA)
    assert broken.returncode == 2
    assert f"error: {state_dir}/openclaw.toml は正しい TOML ではありません: " in broken.stderr
    assert "hint: ファイルを手動で修正するか、退避して（例: openclaw.toml.broken に名前を変更）から" in broken.stderr
    assert "--existing reset" in broken.stderr
    (state_dir / "openclaw.toml").unlink()

    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the state dir should be")
    storage = run_cli("onboard", "--non-interactive", "--accept-risk", "--auth-choice", "skip",
                      env={**JA, "OPENCLAW_STATE_DIR": str(blocked / "state")})
    assert storage.returncode == 1
    assert storage.stderr.splitlines() == [  # the system's reason too: "Not a directory" in English
        f"error: ディレクトリ {blocked}/state を使えません: ディレクトリではありません",
        "hint: OPENCLAW_STATE_DIR に自分だけが書き込めるディレクトリ（例: ~/.openclaw）を設定してください"]
    english = run_cli("onboard", "--non-interactive", "--accept-risk", "--auth-choice", "skip",
                      env={**C, "OPENCLAW_STATE_DIR": str(blocked / "state")})
    assert english.stderr.splitlines()[0] == f"error: cannot use directory {blocked}/state: Not a directory"

    skipped = run_cli("onboard", "--non-interactive", "--accept-risk", "--auth-choice", "skip", "--skip", "hooks",
                      "--hooks", "boot-md", env=JA)
    assert skipped.returncode == 2
    assert "  hooks.hooks (--hooks): 使われません。hooks ステップはスキップされています (--skip)。指定を外すか、" \
           "hooks をスキップしないでください" in skipped.stderr
