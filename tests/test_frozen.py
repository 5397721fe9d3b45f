"""wizard.frozen.Frozen behaves as the frozen dataclasses it replaces in wizard.request did."""

from __future__ import annotations

import pytest

from wizard.frozen import FrozenInstanceError
from wizard.request import OnboardRequest, Preset, Problem, SignInOptions, frozen_presets


def test_fields_cannot_change_after_construction() -> None:
    options = SignInOptions()
    with pytest.raises(FrozenInstanceError, match="'method'"):
        options.method = "device"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del options.timeout
    with pytest.raises(AttributeError):
        options.extra = 1  # type: ignore[attr-defined]
    assert options.method == "browser"


def test_equal_by_values_of_the_same_class_and_hashable() -> None:
    assert Preset(1, "--x") == Preset(1, "--x", "flag") and Preset(1, "--x") != Preset(1, "--x", "env")
    assert hash(Preset(1, "--x")) == hash(Preset(1, "--x", "flag"))
    assert Problem("a") != Preset("a", "") and Problem("a") != ("a", None)
    assert len({SignInOptions(), SignInOptions(), SignInOptions(method="paste")}) == 2
    assert OnboardRequest() == OnboardRequest(presets=frozen_presets({}), signin=SignInOptions())


def test_defaults_repr_and_replace() -> None:
    request = OnboardRequest(step="skills", skip=("hooks",))
    assert request.signin == SignInOptions() and request.presets == {} and request.interactive
    assert repr(Preset(1, "--x")) == "Preset(value=1, source='--x', origin='flag')"
    assert str(Problem("bad value", "channels.channels")) == "bad value"
    changed = SignInOptions(browser="none").with_method("device")
    assert changed == SignInOptions(method="device", browser="none")
    assert request.replace(step=None).skip == ("hooks",) and request.step == "skills"
    with pytest.raises(TypeError):
        request.replace(nonsense=1)
