"""wizard.paths spells every place as text exactly as pathlib does (the status path avoids pathlib, and
what it prints must not change): checked against pathlib itself on generated paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from wizard import paths

# Paths made of the parts that pathlib treats specially: separators, `.`, `..`, `~`, empty parts.
PARTS = st.sampled_from(["", ".", "..", "~", "~root", "~nobody-here-xyz", "a", "b.json", " ", "~a", "x~"])
TEXTS = st.lists(PARTS, max_size=5).map("/".join) | st.text(alphabet="/.~ab", max_size=12)


@given(TEXTS)
@example("//a")
@example("///a")
@example("")
def test_spelled_is_str_of_path(text: str) -> None:
    assert paths.spelled(text) == str(Path(text))


def expanded_by_pathlib(text: str) -> str | type[RuntimeError]:
    try:
        return str(Path(text).expanduser())
    except RuntimeError:
        return RuntimeError


def expanded(text: str) -> str | type[RuntimeError]:
    try:
        return paths.expanded(text)
    except RuntimeError:
        return RuntimeError


@given(TEXTS)
@example("~")
@example("~/")
@example("~//x/./y")
def test_expanded_is_pathlib_expanduser(text: str) -> None:
    assert expanded(text) == expanded_by_pathlib(text)


@pytest.mark.parametrize("home", ["/home/u", "/home/u/", "/", "", "rel/dir", "//net"])
def test_expanded_with_odd_homes(monkeypatch: pytest.MonkeyPatch, home: str) -> None:
    monkeypatch.setenv("HOME", home)
    for text in ("~", "~/x", "~/./x/", "a/~"):
        assert expanded(text) == expanded_by_pathlib(text)
    assert paths.home_str() == str(Path.home())


@given(TEXTS, st.sampled_from(["credentials", "openai-codex.json", "a/./b.json", "/abs.json", "..", "x/"]))
def test_join_is_the_slash_operator(base: str, name: str) -> None:
    assert paths.join(paths.spelled(base), name) == str(Path(base) / name)


@given(TEXTS)
def test_parent_is_pathlib_parent(text: str) -> None:
    assert paths.parent(paths.spelled(text)) == str(Path(text).parent)


@pytest.mark.parametrize("state", [None, "/srv/state/", "~/st", "./rel//state", "//net/state", "."])
@pytest.mark.parametrize("config", [None, "~/cfg/openclaw.toml", "cfg//x.toml"])
@pytest.mark.parametrize("codex", [None, "~/.codex-2/", "rel"])
def test_every_place_as_text_is_the_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, state: str | None,
                                         config: str | None, codex: str | None) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name, value in (("OPENCLAW_STATE_DIR", state), ("OPENCLAW_CONFIG_PATH", config), ("CODEX_HOME", codex)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    old_state = Path(state).expanduser() if state else Path.home() / ".openclaw"  # what paths.py said before
    assert paths.state_dir() == old_state and paths.state_dir_str() == str(old_state)
    old_config = Path(config).expanduser() if config else old_state / "openclaw.toml"
    assert paths.config_path_str() == str(old_config) == str(paths.config_path())
    assert paths.credentials_dir_str() == str(old_state / "credentials") == str(paths.credentials_dir())
    assert paths.credential_path_str("openai-codex") == str(old_state / "credentials" / "openai-codex.json")
    assert paths.secrets_path_str() == str(old_state / "credentials" / "secrets.json") == str(paths.secrets_path())
    assert paths.providers_file_str() == str(old_state / "providers.toml") == str(paths.providers_file())
    old_codex = Path(codex).expanduser() if codex else Path.home() / ".codex"
    assert paths.codex_home_str() == str(old_codex) == str(paths.codex_home())
    assert os.fspath(paths.credential_path("x")) == paths.credential_path_str("x")
