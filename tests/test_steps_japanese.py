"""The step definitions hold messages (wizard.i18n.M) wherever a person reads them, so every driver can show
them in the reader's language: titles, summaries, labels, help, options, placeholders, notes, validation
messages and the advice for screen and headless. Ids, keys, flags and env names stay plain and ASCII."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wizard import i18n, steps
from wizard.i18n import Msg, localize
from wizard.machine import Machine
from wizard.steps.base import Context, SecretValue

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Names of products and places shown as they are in every language (option labels that are not messages).
PROPER_NAMES = {"Telegram", "Discord", "Slack", "Signal", "WhatsApp", "Anthropic", "OpenAI Codex"}
SAME_IN_JAPANESE = {"LAN", "Tailnet", "Webhook URL"}  # messages whose Japanese is written the same way


@pytest.fixture
def japanese():
    i18n.use("ja")
    yield
    i18n.use("en")


def _people_text() -> list[tuple[str, str]]:
    found = []
    for step in steps.STEPS:
        found += [(f"{step.id} title", step.title), (f"{step.id} summary", step.summary)]
        if step.applies_when:
            found.append((f"{step.id} applies_when", step.applies_when))
        for fld in step.fields:
            found += [(f"{fld.id} label", fld.label), (f"{fld.id} help", fld.help)]
            found += [(f"{fld.id} {name}", getattr(fld, name)) for name in ("applies_when", "placeholder", "flag_note")
                      if getattr(fld, name)]
            for option in fld.options:
                found.append((f"{fld.id}={option.value} help", option.help))
                if option.label not in PROPER_NAMES and option.label != option.value:
                    found.append((f"{fld.id}={option.value} label", option.label))
    return found


def test_every_text_a_person_reads_in_a_step_is_a_message_with_japanese(japanese):
    # The sign-in methods' own words come from wizard/auth/methods.py: the auth part's messages and tests.
    from wizard.auth.methods import NAMES

    texts = [(where, text) for where, text in _people_text()
             if not any(where.startswith(f"authorization.method={name} ") for name in NAMES)]
    assert len(texts) > 100
    plain = [where for where, text in texts if not isinstance(text, Msg)]
    assert plain == [], "wrap these in M() so that the TUI and the headless driver can show them translated"
    english_only = [where for where, text in texts if not JAPANESE.search(localize(text))]
    assert [where for where, text in texts if where in english_only and text not in SAME_IN_JAPANESE] == []


def test_step_titles_are_translated_but_ids_keys_flags_and_env_names_are_not(japanese):
    titles = {step.id: localize(step.title) for step in steps.STEPS}
    assert titles == {"quickstart": "クイックスタート", "existing": "既存の設定を使う", "channels": "チャンネル選択",
                      "skills": "スキルのインストール", "hooks": "フックの設定", "hatch": "エージェントの作成",
                      "authorization": "認証"}
    for step in steps.STEPS:
        assert str.__str__(step.title).isascii() and step.id.isascii()  # English underneath, for JSON
        for fld in step.fields:
            for name in (fld.id, fld.flag, fld.env, fld.metavar, *fld.option_values()):
                assert type(name) is str and name.isascii(), name


def _context(tmp_path: Path, *, interactive: bool) -> Context:
    return Context(state_dir=tmp_path, config_path=tmp_path / "openclaw.toml", existing=None, interactive=interactive)


def test_validation_messages_and_advice_are_japanese_on_screen_and_headless(japanese, tmp_path):
    for interactive in (True, False):
        machine = Machine(_context(tmp_path, interactive=interactive))
        _, errors = machine.check("quickstart", {"flow": "manual", "accept_risk": False, "gateway_port": "99999",
                                                 "gateway_bind": "lan", "gateway_auth": "none"})
        shown = {key: localize(message) for key, message in errors.items()}
        assert shown["gateway_port"] == "1〜65535 のポート番号にしてください（指定された値: 99999）"
        assert shown["gateway_auth"] == ("lan にバインドした認証なしのゲートウェイはネットワークに公開されます。"
                                         "token を選んでください")
        fix = ("Space キーで「リスクを理解しました」にチェックを入れてください" if interactive else
               "--accept-risk を渡すか、OPENCLAW_ACCEPT_RISK=1 を設定してください")
        assert shown["accept_risk"] == f"続けるにはリスクを承諾する必要があります（{fix}）"
        # The English underneath is what it always was (scripts, JSON and the existing tests read it).
        assert errors["gateway_port"] == "must be a port number between 1 and 65535, got 99999"


def test_a_secret_in_the_wrong_format_is_told_apart_on_screen_and_headless(japanese, tmp_path):
    token = SecretValue("not-a-token", "typed")
    on_screen = steps.get("channels").field("telegram_token").check(token, {}, _context(tmp_path, interactive=True))
    headless = steps.get("channels").field("telegram_token").check(token, {}, _context(tmp_path, interactive=False))
    assert localize(on_screen) == "Telegram のボットトークンには見えません。上の形式と見比べてください"
    assert localize(headless) == ("Telegram のボットトークンは 123456789:AAE...（35 文字）の形です。"
                                  "@BotFather で発行してください")
    assert headless == ("a Telegram bot token looks like 123456789:AAE...(35 characters); get one from @BotFather")


def test_a_value_error_keeps_its_message_through_the_machine_and_the_answers(japanese, tmp_path):
    machine = Machine(_context(tmp_path, interactive=False))
    _, errors = machine.check("channels", {"channels": ["signal"], "signal_number": "555 1234"})
    assert localize(errors["signal_number"]) == "国番号が必要です。+ で始めてください（例: +1 555 123 4567）"
    from wizard import answers

    _, problems = answers.collect({"--gateway-port": "http"}, {})
    assert [localize(p.text) for p in problems] == [
        "quickstart.gateway_port (--gateway-port): ポート番号（1〜65535）にしてください（指定された値: 'http'）"]


def test_what_the_skills_step_says_about_this_machine_is_one_message_however_many_skills_lack(japanese, tmp_path):
    ctx = Context(state_dir=tmp_path, config_path=tmp_path / "c.toml", existing=None, which=lambda name: None)
    note = steps.get("skills").note(ctx)
    assert note.startswith("Not found on this machine: github needs gh; git needs git;")  # English as before
    shown = localize(note)
    assert shown.startswith("このマシンに見つからないもの: github には gh が必要、git には git が必要、")
    assert "needs" not in shown and shown.endswith("。")
