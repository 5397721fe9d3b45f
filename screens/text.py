"""How text from wizard/ reads on screen: a sentence starts with a capital letter."""

from __future__ import annotations


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def screen_text(exc) -> str:
    """A WizardError on screen: its message and what to do here (command-line hints name flags: not shown)."""
    text = sentence(exc.message)
    if exc.details:
        text += "".join(f"\n  {detail}" for detail in exc.details)
    if exc.on_screen:
        text += f"\n{sentence(exc.on_screen)}."
    return text
