"""How text reaches the screen: in the user's language (wizard/i18n.py), a sentence with a capital letter.

Everything the TUI puts on screen goes through `localize()` (here or at the call): messages from
wizard/ and the TUI's own are `M(...)` values, English until shown.
"""

from __future__ import annotations

from wizard.i18n import M, language, localize


def sentence(text: str) -> str:
    """`text` in the user's language, starting with a capital letter in English.

    Japanese has no capitals: a Japanese sentence that starts with an id ("openai-codex に ...") keeps it
    as written."""
    shown = localize(text)
    if language() == "ja":
        return shown
    return shown[:1].upper() + shown[1:]


def screen_text(exc) -> str:
    """A WizardError on screen: its message and what to do here (command-line hints name flags: not shown)."""
    text = sentence(exc.message)
    if exc.details:
        text += "".join(f"\n  {localize(detail)}" for detail in exc.details)
    if exc.on_screen:
        text += "\n" + sentence(M("{what_to_do}.", what_to_do=exc.on_screen))
    return text
