"""The command line in Japanese: help (argparse's own words too), usage errors, `models` tables aligned by
terminal cells, completion descriptions; and what scripts read never changes with the language.

The real `openclaw` runs as a subprocess with LANG=ja_JP.UTF-8 or `--lang ja` (the locale need not be
installed); English runs are compared with the same commands under LANG=C.UTF-8.
"""

from __future__ import annotations

import argparse
import re
import subprocess

import pytest

from tests.conftest import openclaw_argv
from wizard import i18n, steps
from wizard.cli import COMPLETION_INSTALL, build_parser
from wizard.i18n import localize
from wizard.render import cell_width, table

JA = {"LANG": "ja_JP.UTF-8", "COLUMNS": "100"}
EN = {"LANG": "C.UTF-8", "COLUMNS": "100"}
HELP_COMMANDS = [(), ("onboard",), ("models",), ("models", "auth"), ("models", "auth", "login"),
                 ("models", "auth", "status"), ("models", "auth", "refresh"), ("models", "auth", "logout"),
                 ("models", "auth", "import"), ("models", "status"), ("models", "list"), ("models", "invoke"),
                 ("completion",)]
# Four or more English words in a row, space-separated: a sentence. Values listed with commas, flags,
# metavars and short commands (`openclaw completion bash`) are not.
ENGLISH_RUN = re.compile(r"(?<![\w-])[a-z][a-z'’]*(?: [a-z][a-z'’]*){3,}(?![\w-])")


def flags_of(argv: tuple[str, ...]) -> set[str]:
    """Every option string of the command `argv` names, from the parser itself."""
    parser = build_parser(list(argv), full=bool(argv) and argv[0] == "onboard")
    for word in argv:
        parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[word]
    return {flag for action in parser._actions for flag in action.option_strings}


def untranslated_field_texts() -> list[str]:
    """The step fields' English help sentences the catalog has no Japanese for yet (they are the core part's
    messages: test_i18n requires every one translated, and once it is, it may not show in English here)."""
    i18n.use("ja")
    try:
        texts = [t for f in steps.all_fields() for t in (f.help, f.flag_note, f.label) if t]
        return [" ".join(str(t).split()) for t in texts if localize(t) == str(t)]
    finally:
        i18n.use("en")


def unwrapped(text: str) -> str:
    """Wrapped lines joined again: a space where English or code meets the break, none inside Japanese
    (a line may break between two Japanese characters, where there was no space)."""
    joined = ""
    for line in text.split():
        joined += " " + line if joined and (joined[-1].isascii() or line[0].isascii()) else line
    return joined


def english_left(help_text: str, allowed: list[str]) -> list[str]:
    """The English sentences in a help text past its usage lines (which hold the command's own words)."""
    body = help_text.split("\n\n", 1)[1]
    return [run for run in ENGLISH_RUN.findall(unwrapped(body)) if not any(run in text for text in allowed)]


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize("argv", [(), ("onboard",), ("models", "auth", "login")])
@pytest.mark.parametrize("how", ["LANG", "--lang"])
def test_help_is_japanese_with_every_flag_listed(run_cli, argv, how):
    if how == "LANG":
        result = run_cli(*argv, "--help", env=JA)
    else:
        result = run_cli(*argv, "--help", "--lang", "ja", env=EN)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith(f"使い方: openclaw {' '.join(argv)}".rstrip() + " ")
    assert "\nオプション:\n" in text and "このヘルプを表示して終了します" in text
    assert "usage:" not in text and "options:" not in text and "show this help" not in text
    for flag in flags_of(argv):
        assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text), flag
    assert english_left(text, untranslated_field_texts()) == []


def test_every_commands_help_is_japanese(run_cli):
    allowed = untranslated_field_texts() + [f"{shell} {code}" for shell, code in COMPLETION_INSTALL.items()]
    for argv in HELP_COMMANDS:
        result = run_cli(*argv, "--help", env=JA)
        assert result.returncode == 0 and result.stdout.startswith("使い方: openclaw"), argv
        assert english_left(result.stdout, allowed) == [], argv


def test_the_probe_finds_english_help():
    english = subprocess.run(openclaw_argv("models", "auth", "login", "--help"), capture_output=True, text=True,
                             env=EN, timeout=60).stdout
    assert "never open a browser; print the URL" in english
    assert {"never open a browser", "show this help message and exit"} <= set(english_left(english, []))


def test_onboard_help_keeps_every_env_var_value_and_code_unchanged(run_cli):
    text = unwrapped(run_cli("onboard", "--help", env=JA).stdout)
    assert "回答（OPENCLAW_* 環境変数と --answers でも指定できます）:" in text
    for field in steps.all_fields():
        assert f"[環境変数 {field.env}]" in text, field.flag
        if field.options:
            assert ", ".join(field.option_values()) in text, field.flag
    login = unwrapped(run_cli("models", "auth", "login", "--help", env=JA).stdout)
    assert "auto|none|default|macos-open|wsl-launch|<command>" in login and "%s の位置" in login
    completion = run_cli("completion", "--help", env=JA).stdout
    for line in ('  bash  eval "$(openclaw completion bash)"   # ~/.bashrc に',
                 '  zsh   eval "$(openclaw completion zsh)"    # ~/.zshrc の compinit の後に',
                 "  fish  openclaw completion fish > ~/.config/fish/completions/openclaw.fish"):
        assert line in completion.splitlines()


def test_japanese_help_lines_fit_the_terminal_in_cells(run_cli):
    for columns in (60, 100):
        for argv in (("onboard",), ("models", "auth", "login"), ()):
            out = run_cli(*argv, "--help", env=dict(JA, COLUMNS=str(columns))).stdout
            # argparse wraps to COLUMNS - 2; a flag or metavar longer than a line is never cut
            too_wide = [line for line in out.splitlines() if cell_width(line) > columns - 2
                        and not line.lstrip().startswith(("-", "[", "使い方"))]
            assert too_wide == [], (columns, argv)


def test_english_help_is_what_it_was(run_cli):
    """--lang en under a Japanese locale gives English byte for byte, and English is ASCII (not a word of the
    catalog leaks into it)."""
    for argv in HELP_COMMANDS:
        english = run_cli(*argv, "--help", env=EN)
        chosen = run_cli(*argv, "--help", "--lang", "en", env=JA)
        assert english.stdout == chosen.stdout, argv
        assert english.stdout.startswith("usage: openclaw") and english.stdout.isascii(), argv
    text = " ".join(run_cli("models", "auth", "login", "--help", env=EN).stdout.split())
    assert "-h, --help show this help message and exit" in text
    assert "--no-browser never open a browser; print the URL" in text


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(("argv", "words"), [
    (("models", "auth", "login"), "error: 次の引数が必要です: --provider"),
    (("models", "nope"),
     "error: 引数 COMMAND: 無効な選択肢です: 'nope'（'auth', 'status', 'list', 'invoke' から選んでください）"),
    (("models", "list", "--provider"), "error: 引数 --provider: 値を 1 つ指定してください"),
    (("models", "auth", "status", "--json=1"), "error: 引数 --json: 値 '1' は指定できません"),
    (("completion", "tcsh"), "無効な選択肢です: 'tcsh'（'bash', 'zsh', 'fish' から選んでください）"),
    (("models", "list", "--bogus"), "error: 認識できない引数です: --bogus"),
    (("models", "auth", "import", "--provider", "openai"),
     "error: 引数 --file --from-codex-cli stdin のいずれかが必要です"),
])
def test_a_usage_error_is_japanese_and_exits_2(run_cli, argv, words):
    for result in (run_cli(*argv, env=JA), run_cli("--lang", "ja", *argv, env=EN)):
        assert result.returncode == 2
        assert result.stderr.startswith("使い方: openclaw")
        assert words in result.stderr, result.stderr
        assert result.stdout == ""


def test_a_command_error_is_japanese_with_its_tags_and_code(run_cli):
    result = run_cli("models", "invoke", "--prompt", "hi", "--model", "nothing/x", env=JA)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: 'nothing/x' を提供するプロバイダーがありません",
        "hint: --provider P を指定してください"
        "（openai-codex, openai-api-key, anthropic-api-key, anthropic のいずれか）"]
    english = run_cli("models", "invoke", "--prompt", "hi", "--model", "nothing/x", "--json", env=EN)
    japanese = run_cli("models", "invoke", "--prompt", "hi", "--model", "nothing/x", "--json", env=JA)
    assert japanese.stdout == english.stdout and '"code": "USAGE"' in english.stdout


# --------------------------------------------------------------------------- models tables


def column_starts(line: str) -> dict[int, str]:
    """cell offset -> the character there, for each character that starts a word after two blanks."""
    starts: dict[int, str] = {}
    offset, blanks = 0, 2
    for char in line:
        if char != " " and blanks >= 2:
            starts[offset] = char
        blanks = blanks + 1 if char == " " else 0
        offset += cell_width(char)
    return starts


def assert_aligned(lines: list[str]) -> None:
    """Every row's columns start at the heading's columns, counted in terminal cells."""
    heading = sorted(column_starts(lines[0]))
    assert len(heading) >= 5, lines[0]
    for line in lines[1:]:
        starts = set(column_starts(line))
        assert starts <= set(heading), (line, sorted(starts), heading)
        assert len(starts) >= len(heading) - 1, line  # at most the last cell is blank-separated text


def test_a_table_with_japanese_headings_and_cells_aligns_by_cells():
    text = table(["モデル", "入力", "Ctx", "ローカル", "認証"],
                 [["openai/gpt-5.2", "text", "400k", "いいえ", "static"],
                  ["ollama/llama3.3", "テキスト＋画像", "131k", "はい", "-"],
                  ["x", "text+image", "1k", "no", "期限切れ"]])
    lines = text.splitlines()
    assert_aligned(lines)
    second_column = [line[:line.index(word)] for line, word in zip(lines, ("入力", "text", "テキスト"), strict=False)]
    assert [cell_width(head) for head in second_column] == [17] * 3  # 15 cells of the widest model id + 2
    assert len(second_column[0]) < len(second_column[1])  # the heading's padding is shorter in characters


@pytest.fixture
def stored_key(run_cli):
    result = run_cli("models", "auth", "login", "--provider", "openai-api-key", input="sk-test-0123456789abcdef\n")
    assert result.returncode == 0, result.stderr


def test_models_list_in_japanese_is_aligned_by_cells(run_cli, stored_key):
    result = run_cli("models", "list", env=JA)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["モデル", "入力", "コンテキスト", "ローカル", "認証", "タグ"]
    assert any("いいえ" in line for line in lines) and any("はい" in line for line in lines)
    assert any(line.split()[4:] == ["static", "-"] for line in lines[1:])  # status words and tags as they are
    assert_aligned(lines)
    assert [line.split()[0] for line in lines[1:]] == [
        line.split()[0] for line in run_cli("models", "list", env=EN).stdout.splitlines()[1:]]


def test_models_status_in_japanese_is_aligned_by_cells(run_cli, stored_key):
    result = run_cli("models", "status", env=JA)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    labels = lines[:3]
    assert [line.split()[0] for line in labels] == ["設定ファイル:", "デフォルトモデル:", "認証の順序:"]
    assert len({cell_width(line[:len(line) - len(line.split(None, 1)[1])]) for line in labels}) == 1
    assert "（見つかりません: `openclaw onboard` を実行してください）" in lines[0]
    assert "OAuth/トークンのステータス" in lines
    start = lines.index(next(line for line in lines if line.startswith("プロファイル")))
    rows = [line for line in lines[start:] if not line.startswith("  ")]
    assert rows[0].split() == ["プロファイル", "ステータス", "有効期限", "アカウント", "保存場所"]
    assert_aligned(rows)
    assert "  fix: openclaw models auth login --provider openai-codex" in lines
    notes = lines[lines.index("  fix: codex login") + 1]
    assert notes == "       （任意: Codex CLI を使う場合のみ）"  # under the command, past `fix: `


def test_models_auth_status_detail_block_labels_align_by_cells(run_cli, stored_key):
    lines = run_cli("models", "auth", "status", "--provider", "openai-api-key", env=JA).stdout.splitlines()
    block = lines[lines.index("openai-api-key:default") + 1:]
    assert [line.split()[0] for line in block] == ["プロバイダー:", "ステータス:", "有効期限:", "スコープ:",
                                                   "アカウント:", "プラン:", "保存場所:"]
    assert {cell_width(line[:line.index(line.split()[1])]) for line in block} == {cell_width("  プロバイダー:  ")}
    assert "  ステータス:    static" in block and "  有効期限:      有効期限なし" in block


@pytest.mark.parametrize("argv", [("models", "list", "--json"), ("models", "status", "--json"),
                                  ("models", "auth", "status", "--json"),
                                  ("models", "auth", "status", "--provider", "openai-api-key", "--json")])
def test_json_is_byte_identical_in_every_language(run_cli, stored_key, argv):
    english = run_cli(*argv, env=EN)
    for japanese in (run_cli(*argv, env=JA), run_cli(*argv, "--lang", "ja", env=EN)):
        assert japanese.returncode == english.returncode == 0
        assert japanese.stdout.encode() == english.stdout.encode()
    assert english.stdout.isascii() and english.stdout.startswith("{")


def test_result_lines_are_japanese(run_cli, state_dir):
    stored = run_cli("models", "auth", "login", "--provider", "openai-api-key", input="sk-test-0123456789abcdef\n",
                     env=JA)
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout.startswith("openai-api-key:default を ")
    assert "に保存しました（モード 0600）: static、" in stored.stdout
    logout = run_cli("models", "auth", "logout", "--provider", "openai-api-key", env=JA)
    assert logout.returncode == 0, logout.stderr
    assert "openai-api-key には取り消し用のエンドポイントがありません" in logout.stdout
    assert logout.stdout.splitlines()[-1].endswith("openai-api-key.json を削除しました")
    again = run_cli("models", "auth", "logout", "--provider", "openai-api-key", env=JA)
    assert again.stdout.startswith("openai-api-key には何も保存されていません（")
    assert not (state_dir / "credentials" / "openai-api-key.json").exists()


# --------------------------------------------------------------------------- shell completion


def fish_answers(line: str, env: dict, tmp_path) -> list[str]:
    """What `openclaw` answers fish's completion request for `line`: `value<TAB>description` lines."""
    out = tmp_path / "fish.txt"
    env = dict(env, _ARGCOMPLETE="1", _ARGCOMPLETE_SHELL="fish", COMP_LINE=line, COMP_POINT=str(len(line)),
               _ARGCOMPLETE_STDOUT_FILENAME=str(out), _ARGCOMPLETE_SUPPRESS_SPACE="1", _ARGCOMPLETE_DFS="\t",
               _ARGCOMPLETE_IFS="\n")
    result = subprocess.run(openclaw_argv(), capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return sorted(w for w in out.read_text().split("\n") if w)


def test_completion_descriptions_are_japanese_and_the_words_unchanged(cli_env, tmp_path):
    ja, en = dict(cli_env, OPENCLAW_LANG="ja"), dict(cli_env, OPENCLAW_LANG="en")
    for line in ("openclaw models auth login --no-b", "openclaw onboard --channels tel", "openclaw models ",
                 "openclaw models auth login --method "):
        japanese, english = fish_answers(line, ja, tmp_path), fish_answers(line, en, tmp_path)
        assert [w.split("\t")[0] for w in japanese] == [w.split("\t")[0] for w in english], line
    login = fish_answers("openclaw models auth login --no-b", ja, tmp_path)
    assert "--no-browser\tブラウザを開かず、URL を表示します" in login
    assert "telegram,\tさらに追加" in fish_answers("openclaw onboard --channels tel", ja, tmp_path)
    assert "telegram,\tand more" in fish_answers("openclaw onboard --channels tel", en, tmp_path)


# --------------------------------------------------------------------------- cost


def imported_modules(env: dict, *argv: str) -> set[str]:
    result = subprocess.run(openclaw_argv(*argv), capture_output=True, text=True,
                            env=dict(env, PYTHONPROFILEIMPORTTIME="1"), timeout=60)
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


def test_english_never_loads_the_japanese_argparse_and_status_never_loads_argparse(cli_env):
    english_help = imported_modules(dict(cli_env, **EN), "models", "auth", "login", "--help")
    assert "argparse" in english_help and "wizard.argparse_ja" not in english_help  # the probe is real
    japanese_help = imported_modules(dict(cli_env, **JA), "models", "auth", "login", "--help")
    assert "wizard.argparse_ja" in japanese_help
    status = imported_modules(dict(cli_env, **JA), "models", "auth", "status")
    assert "wizard.commands.models" in status and not status & {"argparse", "wizard.argparse_ja", "textwrap"}


# --------------------------------------------------------------------------- models invoke


def test_invoke_shows_the_reply_as_it_came_and_the_usage_line_in_japanese(run_cli, state_dir, oauth, point_codex_at):
    from tests.e2e.test_models import _stored_server_tokens

    point_codex_at(oauth)
    _stored_server_tokens(state_dir, oauth, refresh=False)
    prompt = "{reply} %s {0} 日本語"  # the reply is data: never read as a message or a format
    argv = ("models", "invoke", "--provider", "openai-codex", "--model", "openai-codex/gpt-5.2", "--prompt", prompt)
    result = run_cli(*argv, env=JA)
    assert result.returncode == 0, result.stderr
    reply, usage = result.stdout.splitlines()
    assert reply == f"echo: {prompt}"
    counts = re.fullmatch(r"トークン: 入力 (\d+)、出力 (\d+)、合計 (\d+) \(gpt-5\.2, openai-codex\)", usage)
    english = run_cli(*argv, env=EN).stdout.splitlines()
    assert counts, usage
    assert english == [reply, "tokens: {} in, {} out, {} total (gpt-5.2, openai-codex)".format(*counts.groups())]
