"""Sign-in and credentials in Japanese (issue 13), with the real `openclaw` against the real OAuth test server.

What a person reads is Japanese when the locale says `ja`: the headless sign-in's lines, its errors and
hints, the loopback's browser pages (`<html lang="ja">`), the status words' surroundings. What scripts
read never changes: the authorize URL, the status words, the provider's own error codes, the `error:` /
`hint:` tags, commands and flags quoted in hints, and every byte of `--json`.
"""

from __future__ import annotations

import base64
import json
import re
import signal
import threading
import time

import pytest

from tests.conftest import json_lines
from tests.e2e.test_signin import LOGIN, Login, browser_get, codex_ports_free, query_of, stored  # noqa: F401  (codex_ports_free: test_signin.py's autouse fixture, used here too)

JA = {"LANG": "ja_JP.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
C = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
# The English sentences of the sign-in (wizard/auth/signin.py): none may be left in a Japanese run.
ENGLISH_SIGN_IN = ("Sign in to", "by opening this URL", "Waiting for sign-in", "Signed in to", "Credentials saved",
                   "Not opening a browser", "No browser opened here", "open the URL", "on any device",
                   "enter this code", "Not accepted", "Paste again", "nothing was stored", "run the command again")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture
def login(spawn_cli, oauth, point_codex_at):
    point_codex_at(oauth)

    def start(*args: str, env: dict[str, str] = JA, provider: str = "openai-codex") -> Login:
        return Login(spawn_cli(*LOGIN, "--provider", provider, *args, env=env))

    return start


def no_english_sentence(stderr: str) -> None:
    left = [sentence for sentence in ENGLISH_SIGN_IN if sentence in stderr]
    assert left == [], f"English left in a Japanese run: {left}\n{stderr}"


def page_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)">', page).group(1)


# --------------------------------------------------------------------------- headless sign-in


def test_a_headless_browser_sign_in_speaks_japanese_and_so_does_the_loopback_page(login, oauth, state_dir):
    run = login("--no-browser")
    run.wait_for(r"^ブラウザでこの URL を開いて OpenAI Codex（ChatGPT でサインイン） にサインインしてください:$")
    url = run.authorize_url()  # the URL itself, alone on its line, as in English
    assert url.startswith(f"{oauth.issuer}/oauth/authorize?") and query_of(url)["originator"] == "openclaw"
    run.wait_for(r"^ここではブラウザが開かれていません。サインインはこのコンピューターの "
                 r"127\.0\.0\.1:\d+ に戻ってきます。")
    run.wait_for(r"^  - または停止 \(Ctrl-C\) して、--method device（任意のデバイスでコードを入力）か "
                 r"--method paste で")
    run.wait_for(r"^サインインを待っています（最大 \d+ 秒、Ctrl-C でキャンセル）\.\.\.$")

    status, page = browser_get(oauth.authorize(url))  # the browser's return: the loopback's own page
    code, _, stderr = run.finish()

    assert (status, code) == (200, 0), stderr
    assert page_lang(page) == "ja"
    assert "<h1>OpenClaw にサインインしました</h1>" in page
    assert "<strong>dev@example.com</strong> として OpenAI Codex（ChatGPT でサインイン） にサインインしました。" in page
    assert "このタブを閉じて、ターミナルに戻ってください。" in page
    assert "Signed in" not in page and "close this tab" not in page
    path = state_dir / "credentials" / "openai-codex.json"
    assert (f"dev@example.com として OpenAI Codex（ChatGPT でサインイン） にサインインしました（プラン: plus）。"
            f"認証情報を {path} に保存しました。") in stderr
    no_english_sentence(stderr)
    assert stored(state_dir)["email"] == "dev@example.com"


def test_the_lang_flag_speaks_japanese_under_an_english_locale_and_english_pages_stay_english(login, oauth):
    run = login("--no-browser", "--lang", "ja", env=C)
    status, page = browser_get(oauth.authorize(run.authorize_url()))
    code, _, stderr = run.finish()
    assert (status, code) == (200, 0), stderr
    assert page_lang(page) == "ja" and "サインインしました" in page
    assert "サインインしました" in stderr

    english = login("--no-browser", env=C)
    status, page = browser_get(oauth.authorize(english.authorize_url()))
    code, _, stderr = english.finish()
    assert (status, code) == (200, 0), stderr
    assert page_lang(page) == "en" and "<h1>Signed in to OpenClaw</h1>" in page
    assert "You are signed in to OpenAI Codex (Sign in with ChatGPT) as <strong>dev@example.com</strong>." in page
    assert "Signed in to OpenAI Codex (Sign in with ChatGPT) as dev@example.com (plan: plus)." in stderr
    assert not JAPANESE.search(stderr + page)


def test_device_code_instructions_in_japanese_keep_the_code_and_the_address(login, oauth, state_dir):
    run = login("--method", "device")
    match = run.wait_for(r"^OpenAI Codex（ChatGPT でサインイン） にサインインするには、任意のデバイスで (\S+) を開き、"
                         r"次のコードを入力してください:$")
    assert match.group(1) == f"{oauth.issuer}/codex/device"
    user_code = run.wait_for(r"^    ([A-Z]{4}-[A-Z]{4})$").group(1)
    run.wait_for(r"^サインインを待っています")
    oauth.approve_device(user_code)
    code, _, stderr = run.finish()
    assert code == 0, stderr
    assert "にサインインしました（プラン: plus）。" in stderr
    no_english_sentence(stderr)
    assert stored(state_dir)["plan"] == "plus"


def test_pasted_addresses_are_refused_in_japanese_state_mismatch_included(login, oauth, state_dir, codex_ports):
    run = login("--method", "paste", "--no-browser")
    url = run.authorize_url()
    run.wait_for(r"^サインインすると、ブラウザは読み込めないアドレスに移動します。そのアドレス全体（http://127\.0\.0\.1:"
                 rf"{codex_ports[0]}/auth/callback で始まります）をコピーしてここに貼り付け、Enter を押してください。$")
    location = oauth.authorize(url)

    run.paste("garbage")
    run.wait_for(r"^受け付けませんでした: ブラウザの移動先のアドレスでも認可コードでもありません。")
    run.paste(location.replace(query_of(location)["state"], "someone-elses-state"))
    mismatch = run.wait_for(r"^受け付けませんでした: そのアドレスは別のサインインの試みのものです"
                            r"（state が一致しません）。(.*)。もう一度貼り付けてください。$")
    assert "上に表示した URL を開き" in mismatch.group(1)
    run.paste(location)
    code, _, stderr = run.finish()
    assert code == 0, stderr
    no_english_sentence(stderr)
    assert "garbage" not in stderr


# --------------------------------------------------------------------------- errors


def test_the_providers_refusal_is_japanese_with_its_own_error_code_and_page(login, oauth, state_dir):
    oauth.deny_next_authorize("access_denied", "The user denied access")
    run = login("--no-browser")
    status, page = browser_get(oauth.authorize(run.authorize_url()))
    code, _, stderr = run.finish()

    assert code == 1
    lines = stderr.splitlines()
    assert "error: プロバイダーがサインインを完了しませんでした: access_denied: The user denied access" in lines
    assert "hint: もう一度サインインを始めて再試行してください" in lines
    assert status == 400 and page_lang(page) == "ja"
    assert "<h1>サインインは完了しませんでした</h1>" in page and "access_denied: The user denied access" in page
    assert "次に何をすればよいかは、ターミナルで確認してください。" in page
    assert not (state_dir / "credentials" / "openai-codex.json").exists()


@pytest.mark.parametrize(("fault", "error", "hint"), [
    ("400", "error: トークンエンドポイントがリクエストを拒否しました: invalid_grant: injected failure (HTTP 400)",
     None),
    ("500", "error: トークンエンドポイントがリクエストを拒否しました: server_error: injected failure (HTTP 500)",
     None),
    ("html", "error: トークンエンドポイントの応答: HTTP 200（JSON ではなく HTML のページ）",
     "hint: プロキシ、ファイアウォール、キャプティブポータルなどが間に入っている可能性があります。もう一度試すか、"
     "別のネットワークから試してください"),
])
def test_a_token_endpoint_error_is_japanese_and_keeps_the_servers_code(login, oauth, state_dir, fault, error, hint):
    oauth.fail_next_token(fault)
    run = login("--no-browser")
    browser_get(oauth.authorize(run.authorize_url()))
    code, _, stderr = run.finish()
    assert code == 1
    lines = stderr.splitlines()
    assert error in lines, stderr
    assert hint is None or hint in lines, stderr
    assert not (state_dir / "credentials" / "openai-codex.json").exists()


def test_an_unreachable_provider_is_a_japanese_network_error(run_cli, state_dir, point_codex_at):
    from tests.support.ports import free_ports

    class Nowhere:
        issuer = f"http://127.0.0.1:{free_ports(1)[0]}"  # nothing listens there

    point_codex_at(Nowhere)
    result = run_cli(*LOGIN, "--provider", "localidp", "--no-browser", env=JA)
    assert result.returncode == 1
    host = Nowhere.issuer.removeprefix("http://")
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"error: localidp のディスカバリードキュメント ({host}) に接続できませんでした: "), lines
    assert "hint: ネットワーク接続（とプロキシの設定）を確認して、もう一度お試しください" in lines
    assert "could not reach" not in result.stderr


def test_a_timeout_is_japanese_and_its_hint_keeps_the_flags(login, state_dir):
    run = login("--no-browser", "--timeout", "1")
    code, _, stderr = run.finish(timeout=20)
    assert code != 0
    lines = stderr.splitlines()
    assert "error: 1 秒以内にサインインが完了しませんでした。何も保存していません" in lines
    assert ("hint: もう一度コマンドを実行してください（--timeout S で待ち時間を延ばせます）。"
            "ブラウザがこのコンピューターに戻れない環境では "
            "--method device か --method paste を使ってください") in lines
    no_english_sentence(stderr)


def test_a_signal_during_the_code_exchange_is_told_in_japanese(login, oauth, state_dir):
    """The notice signals.py prints itself (not through Output) and the Cancelled error it ends with."""
    run = login("--no-browser")
    url = run.authorize_url()
    oauth.delay_next_token_answer(2.0)
    pages: list[tuple[int, str]] = []
    browser = threading.Thread(target=lambda: pages.append(browser_get(oauth.authorize(url))), daemon=True)
    browser.start()
    deadline = time.monotonic() + 10
    while oauth.stats["token_authorization_code"] < 1:
        assert time.monotonic() < deadline, "the code exchange never started"
        time.sleep(0.01)
    time.sleep(0.5)  # the code is spent: the answer must be stored before the run stops
    run.proc.send_signal(signal.SIGTERM)
    code, _, stderr = run.finish(timeout=20)
    browser.join(10)

    assert code == 130, stderr
    lines = stderr.splitlines()
    assert "SIGTERM を受け取りました: 新しいサインインのトークンを先に保存してから停止します..." in lines
    assert ("error: SIGTERM によりキャンセルしました。"
            "新しいサインインのトークンは先に保存したため、何も失われていません") in lines
    assert "Traceback" not in stderr and "received: storing" not in stderr
    assert oauth.is_access_token_valid(stored(state_dir)["access_token"])
    assert pages and pages[0][0] == 200 and page_lang(pages[0][1]) == "ja"


# --------------------------------------------------------------------------- JSON never changes


def _masked(events: list[dict], oauth) -> list[dict]:
    """The events with what differs from run to run (the state, the PKCE challenge, the expiry) masked."""
    masked = []
    for event in events:
        event = dict(event)
        if event["event"] == "authorize_url":
            params = query_of(event["url"])
            event["url"] = event["url"].replace(params["state"], "STATE").replace(params["code_challenge"], "PKCE")
        if event["event"] == "signed_in":
            assert isinstance(event.pop("expires_at"), int)
        if event["event"] == "waiting":
            assert event.pop("timeout") in (599, 600)
        masked.append(event)
    return masked


def _sign_in_with_a_rejected_paste(login, oauth, env: dict[str, str]) -> tuple[str, str]:
    run = login("--no-browser", "--json", env=env)
    location = oauth.authorize(run.authorize_url())
    run.paste("garbage")
    run.wait_for(r"garbage|ガーベジ|受け付けませんでした|Not accepted")
    run.paste(location)
    code, stdout, stderr = run.finish()
    assert code == 0, stderr
    return stdout, stderr


def test_sign_in_json_events_are_the_same_in_japanese(login, oauth):
    english, english_err = _sign_in_with_a_rejected_paste(login, oauth, C)
    japanese, japanese_err = _sign_in_with_a_rejected_paste(login, oauth, JA)

    assert JAPANESE.search(japanese_err) and not JAPANESE.search(english_err)  # the humans got their languages
    assert english.isascii() and japanese.isascii()
    english_events, japanese_events = json_lines(english), json_lines(japanese)
    assert [e["event"] for e in japanese_events] == ["authorize_url", "waiting", "paste_rejected", "signed_in"]
    assert _masked(japanese_events, oauth) == _masked(english_events, oauth)
    rejected = japanese_events[2]["reason"]
    assert rejected.startswith("that is neither the address the browser landed on nor an authorization code")


@pytest.mark.parametrize("args", [
    ("--timeout", "0"),
    ("--callback-port", "9"),  # not a port registered with openai-codex
    ("--method", "paste"),  # stdin is /dev/null: refused at once
    ("--browser", "'unclosed"),  # a --browser command that cannot be parsed
])
def test_sign_in_error_events_are_byte_identical_in_japanese(run_cli, oauth, point_codex_at, args):
    point_codex_at(oauth)
    argv = (*LOGIN, "--provider", "openai-codex", "--json", *args)
    english = run_cli(*argv, env=C, input=None)
    japanese = run_cli(*argv, env=JA, input=None)
    assert (english.returncode, english.stdout) == (japanese.returncode, japanese.stdout)
    assert english.returncode != 0 and json_lines(english.stdout)[-1]["event"] == "error"
    assert JAPANESE.search(japanese.stderr) and not JAPANESE.search(english.stderr)
    assert japanese.stderr.startswith("error: ") and english.stderr.startswith("error: ")


# --------------------------------------------------------------------------- models auth status


def _jwt(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


@pytest.fixture
def credentials_of_every_kind(state_dir, tmp_path):
    """Stored credentials whose status needs words around it and never a clock: a sign-in the provider
    revoked, an unreadable file, an API key from the environment, the Codex CLI holding an API key."""
    creds = state_dir / "credentials"
    creds.mkdir(mode=0o700)
    revoked = {"provider": "openai-codex", "type": "oauth", "access_token": "opaque-access",
               "refresh_token": "opaque-refresh", "email": "dev@example.com", "plan": "plus",
               "revoked": {"at": 1, "error": "invalid_grant", "description": "refresh token reused"}}
    (creds / "openai-codex.json").write_text(json.dumps(revoked))
    (creds / "anthropic.json").write_text("{not json")
    for path in creds.iterdir():
        path.chmod(0o600)
    codex_home = tmp_path / "home" / ".codex"
    codex_home.mkdir(parents=True)
    (codex_home / "auth.json").write_text(json.dumps({"auth_mode": "apikey", "OPENAI_API_KEY": "sk-codex"}))
    return {"OPENAI_API_KEY": "sk-from-env"}


def test_models_auth_status_json_is_byte_identical_in_japanese(run_cli, credentials_of_every_kind):
    env = credentials_of_every_kind
    english = run_cli("models", "auth", "status", "--json", env={**env, **C})
    japanese = run_cli("models", "auth", "status", "--json", env={**env, **JA})
    assert english.returncode == japanese.returncode == 0
    assert english.stdout == japanese.stdout and english.stdout.isascii()
    rows = {row["profile"]: row for row in json.loads(japanese.stdout)["profiles"]}
    assert rows["openai-codex:default"]["error"] == ("the provider rejected the refresh token (invalid_grant: "
                                                     "refresh token reused): this sign-in was revoked")
    assert rows["anthropic:default"]["status"] == "invalid"


def test_models_auth_status_reads_japanese_around_unchanged_status_words(run_cli, credentials_of_every_kind):
    """The table and its notes: status words, profile ids, commands and the fix:/error:/note: tags as they
    are; the phrases from the credentials (errors, hints, notes, expiry) in Japanese."""
    env = credentials_of_every_kind
    result = run_cli("models", "auth", "status", env={**env, **JA})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for row, word in (("openai-codex:default", "expired"), ("anthropic:default", "invalid"),
                      ("openai-api-key:env", "static"), ("openai-api-key:codex-cli", "static")):
        assert re.search(rf"^{re.escape(row)}\s+{word}\s", out, re.M), out
    assert re.search(r"^openai-codex:default\s+expired\s+取り消し済み\s", out, re.M), out  # the expiry column
    assert ("error: プロバイダーがリフレッシュトークンを拒否しました (invalid_grant: refresh token reused)。"
            "このサインインは取り消されています") in out
    assert "fix:" in out and "openclaw models auth login --provider openai-codex" in out
    assert ("note: Codex CLI は ChatGPT ではなく API キーでサインインしています: "
            "openai-api-key:codex-cli を参照してください") in out
    assert "は正しい JSON ではありません" in out
    for english in ("the provider rejected", "is not valid JSON", "signed in with an API key", "sign in again"):
        assert english not in out, out


def test_status_words_never_translate_even_in_a_japanese_detail(run_cli, credentials_of_every_kind):
    env = credentials_of_every_kind
    result = run_cli("models", "auth", "status", "--provider", "openai-codex", env={**env, **JA})
    assert result.returncode == 0, result.stderr
    detail = result.stdout.split("\n\nopenai-codex:default\n", 1)[1]  # the block after the table
    assert re.search(r"^  \S+\s+expired\b", detail, re.M), detail  # the Status line keeps its word
    assert "プロバイダーがリフレッシュトークンを拒否しました (invalid_grant: refresh token reused)" in detail
    assert "openclaw models auth login --provider openai-codex" in detail
    english = run_cli("models", "auth", "status", "--provider", "openai-codex", env={**env, **C})
    assert "  Status:    expired (revoked)" in english.stdout
    assert not JAPANESE.search(english.stdout + english.stderr)


def test_status_phrases_are_messages_that_scripts_read_in_english(monkeypatch):
    """In process: the phrase a table shows is Japanese, the value (JSON, comparisons) stays English."""
    from wizard import i18n
    from wizard.auth import status as st

    monkeypatch.setattr(i18n, "_catalog", i18n._load("ja"))
    now = 1_800_000_000_000
    row = st.describe("openai-codex:default", "openai-codex",
                      {"provider": "openai-codex", "type": "oauth", "access_token": "x", "refresh_token": "y",
                       "expires_at": now + 10 * 86400 * 1000}, "/tmp/x.json", now)
    phrase = st.expiry_phrase(row)
    assert phrase == "expires in 10d" and i18n.localize(phrase) == "期限まで 10d"
    assert row.status == "ok" and type(row.status) is str  # a status word is never a message
    expired = st.describe("p:default", "p", {"provider": "p", "type": "token", "access_token": "x",
                                             "expires_at": now - 3 * 3600 * 1000}, "/tmp/x.json", now)
    assert (expired.status, i18n.localize(st.expiry_phrase(expired))) == ("expired", "3h 前に期限切れ")


def test_the_usage_line_keeps_its_format_and_numbers_in_japanese(monkeypatch):
    from wizard import i18n
    from wizard.auth import usage

    monkeypatch.setattr(i18n, "_catalog", i18n._load("ja"))
    now = 1_800_000_000_000
    windows, _ = usage.parse({"rate_limit": {
        "primary_window": {"used_percent": 0, "limit_window_seconds": 18000, "reset_after_seconds": 4 * 3600 + 59 * 60},
        "secondary_window": {"used_percent": 47, "limit_window_seconds": 86400,
                             "reset_after_seconds": 2 * 86400 + 15 * 3600}}}, now)
    line = usage.Usage("openai-codex", "openai-codex:default", now, windows=windows).line()
    assert line == "openai-codex usage: 5h 100% left ⏱4h 59m · Day 53% left ⏱2d 15h"  # the seed's line
    assert i18n.localize(line) == "openai-codex の使用状況: 5h 100% 残り ⏱4h 59m · 1日 53% 残り ⏱2d 15h"
    offline = usage.unavailable("openai-codex", None, usage.no_answer(2.0))
    assert i18n.localize(offline.line()) == "openai-codex の使用状況: 取得できません（2 秒以内に応答がありません）"
    assert offline.as_dict()["summary"] == "unavailable (no answer within 2 s)"
