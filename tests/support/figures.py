"""FIGURE lines: the numbers README's "Reliability" section quotes, printed by the tests that produce them.

Each figure is one line, `FIGURE <text>`, printed once, and README quotes <text> word for word;
`scripts/check_figures` runs the tests and compares. Only numbers a test asserts go into a figure (counts
that vary from run to run, such as how many random pastes happened to be accepted, go to DETAIL lines).
"""

from __future__ import annotations


def figure(text: str) -> None:
    print(f"FIGURE {text}", flush=True)


def detail(text: str) -> None:
    print(f"DETAIL {text}", flush=True)
