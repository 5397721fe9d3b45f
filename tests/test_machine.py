"""The state machine's transitions and the plan, without any driver."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.machine import REVIEW, Machine, StepInvalid
from wizard.steps.base import Context, SecretValue


def make_ctx(tmp_path: Path, existing: dict | None = None, text: str | None = None) -> Context:
    return Context(state_dir=tmp_path, config_path=tmp_path / "openclaw.toml", existing=existing,
                   existing_text=text, which=lambda name: "/usr/bin/" + name if name == "git" else None)


def test_fresh_machine_skips_existing_and_walks_in_order(tmp_path):
    m = Machine(make_ctx(tmp_path))
    assert m.current == "quickstart"
    m.next({"flow": "quickstart", "accept_risk": True})
    assert m.current == "channels" and m.status["existing"] == "n/a"
    m.next({"channels": []})
    m.next({"skills": ["git"]})
    m.next({"hooks": [], "webhook_url": ""})
    m.next({"hatch": False})
    m.next({"auth_choice": "skip"})
    assert m.current == REVIEW
    assert [s for s in m.status.values()] == ["done", "n/a", "done", "done", "done", "done", "done"]


def test_next_refuses_invalid_values_with_messages(tmp_path):
    m = Machine(make_ctx(tmp_path))
    with pytest.raises(StepInvalid) as info:
        m.next({"flow": "manual", "accept_risk": False, "gateway_port": "99999", "gateway_bind": "lan",
                "gateway_auth": "none", "gateway_token": ""})
    errors = info.value.errors
    assert "accept the risk" in errors["accept_risk"]
    assert "between 1 and 65535" in errors["gateway_port"]
    assert "open to the network" in errors["gateway_auth"]
    assert m.current == "quickstart" and m.status["quickstart"] == "pending"


def test_manual_flow_reveals_gateway_fields(tmp_path):
    m = Machine(make_ctx(tmp_path))
    assert [f.key for f in m.fields("quickstart", {"flow": "quickstart"})] == ["flow", "accept_risk"]
    assert [f.key for f in m.fields("quickstart", {"flow": "manual", "gateway_auth": "token"})] == [
        "flow", "accept_risk", "gateway_port", "gateway_bind", "gateway_auth", "gateway_token"]
    assert "gateway_token" not in [f.key for f in m.fields("quickstart", {"flow": "manual", "gateway_auth": "none"})]


def test_back_jump_skip_and_start_at(tmp_path):
    m = Machine(make_ctx(tmp_path))
    m.next({"flow": "quickstart", "accept_risk": True})
    assert m.back() == "quickstart"
    m.jump("hooks")
    assert m.current == "hooks"
    m.skip()
    assert m.status["hooks"] == "skipped" and m.current == "hatch"
    m.next({"hatch": False})
    m.next({"auth_choice": "skip"})
    assert m.current == "channels"  # wraps round to the steps jumped over

    focused = Machine(make_ctx(tmp_path))
    focused.start_at("authorization")
    assert focused.current == "authorization"
    assert focused.status["quickstart"] == "kept" and focused.status["hatch"] == "kept"
    focused.next({"auth_choice": "skip"})
    assert focused.current == REVIEW


def test_existing_keep_marks_middle_steps_kept(tmp_path):
    existing = {"wizard": {"accepted_risk": True, "flow": "quickstart"}, "skills": {"enabled": ["git"]}}
    m = Machine(make_ctx(tmp_path, existing, "[wizard]\naccepted_risk = true\n"))
    m.next({"flow": "quickstart", "accept_risk": True})
    assert m.current == "existing"
    m.next({"existing": "keep"})
    assert m.current == "authorization"
    assert [m.status[s] for s in ("channels", "skills", "hooks", "hatch")] == ["kept"] * 4
    assert dict((s.id, d) for s, _, d in m.summary())["skills"] == "git"


def test_plan_lists_secret_names_never_values(tmp_path):
    m = Machine(make_ctx(tmp_path))
    m.next({"flow": "quickstart", "accept_risk": True})
    m.next({"channels": ["telegram"], "pair_later": False,
            "telegram_token": SecretValue("123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij", "typed")})
    plan = m.plan()
    text = "\n".join(plan.lines()) + plan.diff() + repr(plan.as_dict())
    assert "store secret channels.telegram.token" in text
    assert "ABCDEFGHIJ" not in text
    assert 'token = {secret = "channels.telegram.token"}' in plan.after


def test_generated_secret_is_stable_within_a_run(tmp_path):
    ctx = make_ctx(tmp_path)
    assert ctx.secret_default("gateway.token") is ctx.secret_default("gateway.token")
    assert str(ctx.secret_default("gateway.token")) == "<secret>"


def test_keep_then_back_then_update_walks_the_middle_steps_again(tmp_path):
    existing = {"wizard": {"accepted_risk": True, "flow": "quickstart"}}
    m = Machine(make_ctx(tmp_path, existing, "[wizard]\naccepted_risk = true\n"))
    m.next({"flow": "quickstart", "accept_risk": True})
    m.next({"existing": "keep"})
    assert m.current == "authorization" and m.status["channels"] == "kept"
    assert m.back() == "existing"
    m.next({"existing": "update"})
    assert m.current == "channels"
    assert [m.status[s] for s in ("channels", "skills", "hooks", "hatch")] == ["pending"] * 4


def test_reset_then_back_then_update_restores_the_old_defaults(tmp_path):
    existing = {"wizard": {"accepted_risk": True}, "skills": {"enabled": ["git"]}}
    m = Machine(make_ctx(tmp_path, existing, "[skills]\nenabled = [\"git\"]\n"))
    m.next({"flow": "quickstart", "accept_risk": True})
    m.next({"existing": "reset"})
    assert m.resolve("skills")[0] == {"skills": []}
    m.back()
    m.next({"existing": "update"})
    assert m.resolve("skills")[0] == {"skills": ["git"]}


def test_prefill_gives_hidden_fields_their_defaults(tmp_path):
    m = Machine(make_ctx(tmp_path))
    values = m.prefill("quickstart", {"flow": "quickstart"})
    assert values["gateway_port"] == 18789 and values["gateway_bind"] == "loopback"
    assert [f.key for f in m.fields("quickstart", values)] == ["flow", "accept_risk"]


def test_keep_after_editing_middle_steps_drops_those_edits(tmp_path):
    existing = {"wizard": {"accepted_risk": True}, "skills": {"enabled": ["git"]}}
    m = Machine(make_ctx(tmp_path, existing, '[skills]\nenabled = ["git"]\n'))
    m.next({"flow": "quickstart", "accept_risk": True})
    m.next({"existing": "update"})
    m.next({"channels": []})
    m.next({"skills": ["tmux"]})
    m.jump("existing")
    m.next({"existing": "keep"})
    assert m.status["skills"] == "kept" and "skills" not in m.values
    assert "tmux" not in m.plan().after


def test_start_at_a_skipped_step_is_refused(tmp_path):
    from wizard.errors import UsageError

    m = Machine(make_ctx(tmp_path))
    m.skip("hatch")
    with pytest.raises(UsageError, match="contradicts"):
        m.start_at("hatch")
