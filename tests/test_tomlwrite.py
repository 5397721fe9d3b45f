"""A new config's text from wizard.tomlwrite is byte for byte what tomlkit writes (onboarding writes a
first config without importing tomlkit): checked on the patches the steps make and on generated
ones, including removals, values after sub-tables, and every character a string may hold."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard import config
from wizard.tomlwrite import fresh

ONBOARDING_DEFAULTS = {
    "wizard.flow": "quickstart", "wizard.accepted_risk": True, "gateway.port": 18789, "gateway.bind": "loopback",
    "gateway.auth": "token", "gateway.token": {"secret": "gateway.token"}, "channels.enabled": [],
    "skills.enabled": [], "hooks.enabled": ["session-memory"], "agent.name": "main",
    "agent.workspace": "/home/u/.openclaw/workspace", "agent.persona": "A calm, precise assistant.",
    "models.auth_choice": "skip",
}
EVERY_STEP = {
    **ONBOARDING_DEFAULTS, "channels.enabled": ["telegram", "signal", "whatsapp"],
    "channels.telegram.paired": True, "channels.telegram.token": {"secret": "channels.telegram.token"},
    "channels.discord": None, "channels.signal.number": "+1 555 0100", "channels.whatsapp.paired": False,
    "hooks.webhook.url": "https://hooks.example.com/x?a=1&b=\"2\"", "hooks.webhook.secret": {"secret": "h"},
    "models.default": "openai-codex/gpt-5.2", "models.auth_order": ["openai-codex:default", "openai-codex:codex-cli"],
    "agent.persona": "Says \"hi\"\tand\\or\nmore — ünïcode \x1b[31m \x7f \u2028",
}


def outcome(render, *args, **kwargs) -> str | type[Exception]:  # noqa: ANN001
    """The text, or the type of what it raised (tomlkit refuses some patches: a value used as a table)."""
    try:
        return render(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001
        return type(exc)


def by_tomlkit(patch: dict) -> str | type[Exception]:
    return outcome(config.render_with_tomlkit, None, patch)


def by_render(patch: dict) -> str | type[Exception]:
    return outcome(config.render, None, patch)


@pytest.mark.parametrize("patch", [ONBOARDING_DEFAULTS, EVERY_STEP, {},
                                   {"hooks.webhook.url": "u", "hooks.webhook": None},
                                   {"a.b.c.d": 1, "a.x": 2, "a.b.y": 3}, {"a.b.c": 1, "a.b": None, "a.x": 1}])
def test_the_steps_patches_are_written_as_tomlkit_writes_them(patch: dict) -> None:
    text = fresh(config.HEADER, patch)
    assert text is not None  # the probe is real: these go without tomlkit
    assert text == by_tomlkit(patch)
    tomllib.loads(text)


def test_what_it_does_not_do_goes_to_tomlkit() -> None:
    for patch in ({"top": 1}, {"a.b": 1.5}, {"a.b": [[1]]}, {"a.b": {"x": {"y": 1}}}, {"a.\"q\"": 1},
                  {"a.b": 1, "a.b.c": 2}, {"a.b.c": 1, "a.b": 2}, {"a.b": {"k y": "v"}}, {"a.b": (1, 2)}):
        assert fresh(config.HEADER, patch) is None, patch
        assert by_render(patch) == by_tomlkit(patch)


PART = st.sampled_from(["a", "b", "c", "d-e", "f_1", "0"])
KEY = st.lists(PART, min_size=2, max_size=4).map(".".join)  # one part (a top-level value) goes to tomlkit
SCALAR = st.one_of(st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70), st.text(max_size=12),
                   st.sampled_from(["\x00\x1b\x7f\x9f", '"""', "\\u0041", "\r\n", "é\u2028\U0001f600"]))
VALUE = st.one_of(st.none(), SCALAR, st.lists(SCALAR, max_size=4),
                  st.dictionaries(st.sampled_from(["x", "secret", "k-1"]), SCALAR, max_size=3))
PATCH = st.dictionaries(KEY, VALUE, max_size=10)


@settings(max_examples=600)
@given(PATCH)
def test_generated_patches_are_written_as_tomlkit_writes_them(patch: dict) -> None:
    assert by_render(patch) == by_tomlkit(patch)


@given(PATCH)
def test_a_reset_writes_the_same_as_a_new_file(patch: dict) -> None:
    old = "# mine\n[gateway]\nport = 1\n"
    assert outcome(config.render, old, patch, reset=True) == outcome(config.render_with_tomlkit, old, patch, reset=True)


# The default model a plan warns about is read from the patch when the config is the patch alone (a first
# config, or Reset): it must be what parsing the written config back gives.
MODEL_KEY = st.lists(st.sampled_from(["models", "default", "x"]), min_size=1, max_size=3).map(".".join)
MODEL_PATCH = st.dictionaries(st.one_of(MODEL_KEY, KEY), VALUE, max_size=6)


@settings(max_examples=300)
@given(MODEL_PATCH, st.sampled_from([None, "# mine\n[models]\ndefault = \"old/model\"\n"]))
def test_the_default_model_read_from_a_patch_is_the_written_configs(patch: dict, before: str | None) -> None:
    from pathlib import Path

    from wizard.plan import Plan, default_model

    text = outcome(config.render, before, patch, reset=before is not None)
    if not isinstance(text, str):
        return  # a patch that cannot be written (a value used as a table): no plan is made of it
    plan = Plan(config_path=Path("/nowhere/openclaw.toml"), before=before, after=text, reset=before is not None)
    parsed = tomllib.loads(text).get("models", {})
    assert default_model(plan, patch) == (parsed.get("default") if isinstance(parsed, dict) else None)


def test_the_default_model_of_an_edited_config_comes_from_its_text() -> None:
    from pathlib import Path

    from wizard.plan import Plan, default_model

    before = "[models]\ndefault = \"old/model\"\n"
    plan = Plan(config_path=Path("/nowhere/openclaw.toml"), before=before, after=before + "[x]\ny = 1\n")
    assert default_model(plan, {"x.y": 1}) == "old/model"  # kept from the file: the patch does not name it
    assert default_model(plan, {"models.default": "new/model"}) == "old/model"  # the text, not the patch, decides
