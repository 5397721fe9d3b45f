"""The bundled skills catalog: what `openclaw onboard` offers in Skills Installation.

Python data rather than a TOML file: every onboarding builds the Skills step's options from it, and
reading TOML would load tomllib (about 4 ms) into a run that reads no other TOML.
"""

from __future__ import annotations

from wizard.frozen import Frozen
from wizard.i18n import M


class Skill(Frozen):
    __slots__ = ("name", "description", "requires")
    name: str
    description: str
    requires: tuple[str, ...]  # the programs it runs, looked up on PATH

    def __init__(self, name: str, description: str, requires: tuple[str, ...] = ()) -> None:
        self._set(name=name, description=description, requires=requires)


CATALOG: tuple[Skill, ...] = (
    Skill("github", M("Read issues and pull requests, open PRs"), ("gh",)),
    Skill("git", M("Inspect and commit to local repositories"), ("git",)),
    Skill("web-search", M("Search the web and read pages"), ()),
    Skill("weather", M("Forecasts for a place"), ("curl",)),
    Skill("tmux", M("Drive long-running terminal sessions"), ("tmux",)),
    Skill("docker", M("List, start and stop containers"), ("docker",)),
    Skill("summarize", M("Summarize files, pages and transcripts"), ()),
    Skill("apple-notes", M("Search and create Apple Notes (macOS)"), ("memo",)),
)
