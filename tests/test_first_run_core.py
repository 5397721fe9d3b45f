"""Issue 11's rules in the core, without any driver: defaults that lead to sign-in where a person answers,
a model that follows the auth choice, the review's credential warning, step-order Back and Skip, a
sign-in method answered again at the sign-in phase, messages worded per driver, phone numbers, a
config that is not valid TOML, network errors in words."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.auth.browser import why_no_browser
from wizard.errors import UsageError
from wizard.machine import SIGN_IN, Machine
from wizard.steps.base import Context
from wizard.steps.channels import normalise_phone

NO_DISPLAY = why_no_browser({}, "linux")  # the product's own words: "there is no display here (DISPLAY ...)"


def make_ctx(tmp_path: Path, existing: dict | None = None, *, interactive: bool = True,
             browser_blocked: str | None = None, stored: dict | None = None, problem: str | None = None,
             text: str | None = None) -> Context:
    return Context(state_dir=tmp_path, config_path=tmp_path / "openclaw.toml", existing=existing,
                   existing_text=text, interactive=interactive, browser_blocked=browser_blocked,
                   stored_credentials=stored or {}, config_problem=problem)


def at_authorization(ctx: Context) -> Machine:
    machine = Machine(ctx)
    machine.start_at("authorization")
    return machine


# --- defaults ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("interactive", "stored", "blocked", "choice", "method"), [
    (True, {}, None, "openai-codex", "browser"),  # the TUI leads to sign-in
    (True, {}, NO_DISPLAY, "openai-codex", "device"),  # ... by device code where no browser can open
    (True, {"openai-codex": "oauth"}, NO_DISPLAY, "openai-codex", "keep"),  # ... or keeps the stored one
    (False, {}, NO_DISPLAY, "skip", None),  # headless signs in only when told to
])
def test_authorization_defaults(tmp_path, interactive, stored, blocked, choice, method):
    machine = at_authorization(make_ctx(tmp_path, interactive=interactive, browser_blocked=blocked, stored=stored))
    values, _ = machine.resolve("authorization")
    assert values["auth_choice"] == choice
    assert values.get("method") == method


def test_headless_asked_for_chatgpt_keeps_the_browser_method(tmp_path):
    """A CI run told --auth-choice openai-codex gets what it got before (the URL to open, a paste on stdin)."""
    machine = at_authorization(make_ctx(tmp_path, interactive=False, browser_blocked=NO_DISPLAY))
    values, _ = machine.resolve("authorization", {"auth_choice": "openai-codex"})
    assert values["method"] == "browser"


def test_a_configured_choice_stays_the_default_and_a_skipped_one_does_not_in_the_tui(tmp_path):
    keyed = {"models": {"auth_choice": "openai-api-key", "default": "openai/gpt-5-mini"}}
    assert at_authorization(make_ctx(tmp_path, keyed)).resolve("authorization")[0]["auth_choice"] == "openai-api-key"
    skipped = {"models": {"auth_choice": "skip"}}
    assert at_authorization(make_ctx(tmp_path, skipped)).resolve("authorization")[0]["auth_choice"] == "openai-codex"
    headless = at_authorization(make_ctx(tmp_path, skipped, interactive=False))
    assert headless.resolve("authorization")[0]["auth_choice"] == "skip"


def test_the_method_note_says_why_device_code_and_names_no_env_var(tmp_path):
    machine = at_authorization(make_ctx(tmp_path, browser_blocked=NO_DISPLAY))
    values, _ = machine.resolve("authorization")
    fields = {f.key: f for f in machine.fields("authorization", values)}
    note = fields["method"].note_for(machine.answers("authorization", values), machine.ctx)
    assert note == "Device code is selected: no browser can open here (there is no display here)."
    desktop = at_authorization(make_ctx(tmp_path))
    values, _ = desktop.resolve("authorization")
    method = {f.key: f for f in desktop.fields("authorization", values)}["method"]
    assert method.note_for(desktop.answers("authorization", values), desktop.ctx) is None


# --- the default model ------------------------------------------------------------------------------

def test_the_default_model_follows_the_choice_until_edited(tmp_path):
    machine = at_authorization(make_ctx(tmp_path))
    codex = machine.prefill("authorization")
    assert codex["model"] == "openai-codex/gpt-5.2"
    api_key = machine.follow_defaults("authorization", codex, {**codex, "auth_choice": "openai-api-key"})
    assert api_key["model"] == "openai/gpt-5.2"
    edited = {**api_key, "model": "openai/gpt-5-mini"}
    again = machine.follow_defaults("authorization", edited, {**edited, "auth_choice": "anthropic-api-key"})
    assert again["model"] == "openai/gpt-5-mini"  # edited by the user: it stays


def test_keep_keeps_the_configured_model(tmp_path):
    """Even one another provider would serve (what an earlier bug wrote): Keep changes nothing."""
    existing = {"wizard": {"accepted_risk": True}, "models": {"auth_choice": "openai-api-key",
                                                            "default": "openai-codex/gpt-5.2"}}
    machine = Machine(make_ctx(tmp_path, existing, stored={"openai-api-key": "api_key"}))
    machine.next({"flow": "quickstart", "accept_risk": True})
    machine.next({"existing": "keep"})
    assert machine.current == "authorization"
    values, _ = machine.resolve("authorization")
    assert values["auth_choice"] == "openai-api-key" and values["model"] == "openai-codex/gpt-5.2"


# --- the review's warning -------------------------------------------------------------------------

@pytest.mark.parametrize(("interactive", "fix"), [
    (True, "go back to Authorization and choose how to reach it"),
    (False, "run again with --auth-choice openai-codex"),
])
def test_review_warns_when_the_default_model_has_no_credential(tmp_path, monkeypatch, interactive, fix):
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "no-codex"))
    text = '[models]\ndefault = "openai-codex/gpt-5.2"\nauth_choice = "openai-codex"\n'
    existing = {"models": {"default": "openai-codex/gpt-5.2", "auth_choice": "openai-codex"}}
    machine = Machine(make_ctx(tmp_path, existing, interactive=interactive, text=text))
    machine.start_at("hooks")
    machine.next({"hooks": [], "webhook_url": ""})
    plan = machine.plan()
    warning = (f"the default model openai-codex/gpt-5.2 has no credential yet, so the agent cannot use it ({fix})")
    assert plan.warnings == [warning]
    assert f"warning: {warning}" in plan.lines() and warning in plan.notes  # review, and both drivers' last lines


def test_no_warning_when_a_credential_serves_the_model(tmp_path, monkeypatch):
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "no-codex"))
    machine = at_authorization(make_ctx(tmp_path, stored={"anthropic": "token"}))
    values, missing = machine.resolve("authorization", {"auth_choice": "token", "token_provider": "anthropic"})
    assert not missing and values["token"].origin == "existing"
    machine.next(values)
    assert machine.plan().warnings == []
    signing_in = at_authorization(make_ctx(tmp_path))
    signing_in.next({"auth_choice": "openai-codex", "method": "device", "model": "openai-codex/gpt-5.2"})
    assert signing_in.plan().warnings == []  # the sign-in comes before anything is written


# --- Back and Skip in step order ---------------------------------------------------------------------

def test_back_goes_to_the_previous_step_in_order_whatever_the_path(tmp_path):
    machine = Machine(make_ctx(tmp_path))
    machine.next({"flow": "quickstart", "accept_risk": True})
    machine.jump("authorization")  # 1 -> 7
    assert machine.back() == "hatch"  # Esc: 6
    machine.jump("channels")  # 3
    machine.jump("authorization")  # 7
    assert machine.back() == "hatch"  # 6 again, not 3 (the history)
    assert machine.back() == "hooks"
    machine.jump("channels")
    assert machine.back() == "quickstart"  # existing does not apply: passed over
    assert machine.previous() is None


def test_back_passes_over_kept_steps(tmp_path):
    machine = at_authorization(make_ctx(tmp_path))
    assert machine.previous() is None  # --auth-choice: nothing before it is part of the run
    existing = {"wizard": {"accepted_risk": True}}
    kept = Machine(make_ctx(tmp_path, existing))
    kept.next({"flow": "quickstart", "accept_risk": True})
    kept.next({"existing": "keep"})
    assert kept.back() == "existing"


def test_skip_goes_to_the_next_step_in_order(tmp_path):
    machine = Machine(make_ctx(tmp_path))
    machine.next({"flow": "quickstart", "accept_risk": True})
    machine.next({"channels": []})
    machine.next({"skills": []})
    machine.next({"hooks": [], "webhook_url": ""})
    machine.next({"hatch": False})
    machine.jump("skills")
    assert machine.skip() == "hooks"  # not Authorization, the next pending one


def test_sign_in_and_review_go_back_to_the_last_step(tmp_path):
    machine = at_authorization(make_ctx(tmp_path))
    machine.next({"auth_choice": "openai-codex", "method": "paste", "model": "openai-codex/gpt-5.2"})
    assert machine.current == SIGN_IN and machine.previous() == "authorization"


# --- switching the sign-in method at the sign-in phase -----------------------------------------------

def test_the_sign_in_method_is_answered_again_through_the_machine(tmp_path):
    machine = at_authorization(make_ctx(tmp_path))
    machine.next({"auth_choice": "openai-codex", "method": "paste", "model": "openai-codex/gpt-5.2"})
    assert [value for value, _ in machine.sign_in_methods()] == ["browser", "device", "paste"]
    target = machine.change_sign_in_method("device")
    assert (target.provider, target.method) == ("openai-codex", "device")
    assert machine.values["authorization"]["method"] == "device" and machine.log[-1] == "sign-in-method:device"
    assert machine.plan().sign_in == ("openai-codex", "device")
    with pytest.raises(Exception, match="method"):
        machine.change_sign_in_method("carrier-pigeon")


# --- wording per driver, phone numbers ----------------------------------------------------------------

@pytest.mark.parametrize(("interactive", "expected"), [
    (True, "you must accept the risk to continue (tick “I understand the risk” with Space)"),
    (False, "you must accept the risk to continue (pass --accept-risk or set OPENCLAW_ACCEPT_RISK=1)"),
])
def test_the_risk_message_says_what_to_do_for_the_driver(tmp_path, interactive, expected):
    machine = Machine(make_ctx(tmp_path, interactive=interactive))
    assert machine.check("quickstart", {"flow": "quickstart", "accept_risk": False})[1] == {"accept_risk": expected}


def test_a_bad_telegram_token_on_screen_does_not_repeat_the_format(tmp_path):
    from wizard.steps.base import SecretValue

    values = {"channels": ["telegram"], "pair_later": False, "telegram_token": SecretValue("12345", "typed")}
    on_screen = Machine(make_ctx(tmp_path)).check("channels", values)[1]["telegram_token"]
    headless = Machine(make_ctx(tmp_path, interactive=False)).check("channels", values)[1]["telegram_token"]
    assert on_screen == "that does not look like a Telegram bot token; compare it with the format above"
    assert headless.startswith("a Telegram bot token looks like 123456789:AAE")


@pytest.mark.parametrize(("typed", "e164"), [
    ("+1 (555) 123-4567", "+15551234567"), ("+15551234567", "+15551234567"), ("0044 20 7946 0958", "+442079460958"),
    ("+49 30/1234.5678", "+493012345678"),
])
def test_phone_numbers_in_common_formats_become_e164(typed, e164):
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize(("typed", "message"), [
    ("555 123 4567", "needs its country code"), ("call me", "must be a phone number"), ("", "must be a phone number"),
])
def test_phone_numbers_that_cannot_be_read_say_why(typed, message):
    with pytest.raises(ValueError, match=message):
        normalise_phone(typed)


def test_the_signal_number_is_stored_in_e164(tmp_path):
    machine = Machine(make_ctx(tmp_path))
    machine.next({"flow": "quickstart", "accept_risk": True})
    machine.next({"channels": ["signal"], "signal_number": "+1 (555) 123-4567"})
    assert 'number = "+15551234567"' in machine.plan().after


# --- a config that is not valid TOML ------------------------------------------------------------------

def broken_machine(tmp_path: Path, interactive: bool = True) -> Machine:
    return Machine(make_ctx(tmp_path, interactive=interactive, text="[gateway\nport = 1\n",
                            problem="Expected ']' at the end of a table declaration (at line 1, column 9)"))


def test_a_broken_config_opens_on_existing_with_reset_alone(tmp_path):
    machine = broken_machine(tmp_path)
    assert machine.current == "existing"
    values, _ = machine.resolve("existing")
    assert values == {"existing": "reset"}
    assert [o.value for o in machine.fields("existing", values)[0].options] == ["reset"]
    note = machine.fields("existing", values)[0].note_for(machine.answers(), machine.ctx)
    assert "not valid TOML" in note and "line 1, column 9" in note and "timestamped backup" in note
    with pytest.raises(UsageError, match="cannot be skipped"):
        machine.skip()
    machine.next({"existing": "reset"})
    assert machine.current == "quickstart"  # Reset goes on to step 1, still to do


def test_a_broken_config_can_only_be_replaced_by_reset(tmp_path):
    machine = broken_machine(tmp_path)
    machine.start_at("hooks")
    assert machine.status["existing"] == "pending"  # --step does not keep what cannot be kept
    machine.next({"hooks": [], "webhook_url": ""})
    assert machine.current == "existing"
    machine.next({"existing": "reset"})
    plan = machine.plan()
    assert plan.reset and plan.before == "[gateway\nport = 1\n" and plan.after.startswith("# OpenClaw")


def test_network_errors_are_said_in_words():
    import socket

    import httpx2

    from wizard.errors import network_reason

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # a port nothing listens on (bound, never listening)
        port = sock.getsockname()[1]
        with pytest.raises(httpx2.ConnectError) as refused:
            httpx2.get(f"http://127.0.0.1:{port}/", timeout=5)
    assert network_reason(refused.value) == "the connection was refused (nothing is listening there)"
    assert "Errno" in str(refused.value)  # what it said before
    lookup = httpx2.ConnectError("[Errno -2] Name or service not known")
    lookup.__cause__ = socket.gaierror(-2, "Name or service not known")
    assert network_reason(lookup).startswith("the server's name could not be looked up")
    assert network_reason(OSError(99, "Cannot assign requested address")) == "Cannot assign requested address"
