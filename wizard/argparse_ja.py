"""argparse in Japanese: its own words from our catalog, our help texts localized, lines wrapped by cell.

Imported only when the language is Japanese and a parser is built (wizard/cli.py build_parser): an
English run never loads this module, and `models auth status` never builds a parser at all.

argparse writes its own words ("usage: ", "options", "the following arguments are required: %s"...)
through `_()` and `ngettext()`, names its module binds from gettext at import and looks up on every
call. `install()` points those two names at our catalog: nothing else in the process changes, and a
word argparse has that our catalog lacks stays English (the gettext fallback). The words are listed
below as messages so that scripts/i18n extracts them into cli.po with the rest of the command line.

Help texts are written as messages (wizard/cli.py); `localize_tree` shows them in Japanese once the
tree is built, and gives every parser a formatter that wraps by terminal cells: a Japanese character
takes two cells and a Japanese sentence has no spaces to break at, which textwrap assumes.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator

from wizard.i18n import M, Msg, localize
from wizard.render import cell_width

# argparse's own words, as Python 3.11's argparse spells them (its msgids: keep them byte for byte).
# Programming errors (a conflicting option string, a bad dest=) are for us, not users: left English.
ARGPARSE_WORDS = (
    M("usage: "),
    M("positional arguments"),
    M("options"),
    M("show this help message and exit"),
    M("argument %(argument_name)s: %(message)s"),
    M("unrecognized arguments: %s"),
    M("not allowed with argument %s"),
    M("ignored explicit argument %r"),
    M("the following arguments are required: %s"),
    M("one of the arguments %s is required"),
    M("expected one argument"),
    M("expected at most one argument"),
    M("expected at least one argument"),
    M("expected %s argument"),  # ngettext's singular: Japanese has one form for every count
    M("ambiguous option: %(option)s could match %(matches)s"),
    M("unexpected option string: %s"),
    M("invalid %(type)s value: %(value)r"),
    M("invalid choice: %(value)r (choose from %(choices)s)"),
    M("unknown parser %(parser_name)r (choices: %(choices)s)"),
    M("%(prog)s: error: %(message)s\n"),
)


def gettext(message: str | None) -> str | None:
    """argparse's `_`: its word in the chosen language (it passes None through for a missing description)."""
    return message if message is None else localize(Msg(message))


def ngettext(singular: str, plural: str, count: int) -> str:
    """argparse's `ngettext`: the catalog holds the singular only (Japanese does not inflect for number)."""
    translated = localize(Msg(singular))
    if translated != singular:
        return translated
    return singular if count == 1 else plural


def install() -> None:
    """argparse speaks our catalog from now on (in whichever language wizard.i18n has chosen)."""
    setattr(argparse, "_", gettext)  # noqa: B010  (the module's private name: no attribute in its stubs)
    setattr(argparse, "ngettext", ngettext)  # noqa: B010


# --------------------------------------------------------------------------- localizing a built tree


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """`parser` and every sub-command's parser under it."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):  # an alias names the same parser twice
                yield from parsers(child)


def localize_tree(parser: argparse.ArgumentParser) -> None:
    """Every help text, description and group title of the tree in the chosen language; wrapped by cell.

    Flags, metavars, choices and command names are left as they are: scripts type them."""
    for each in parsers(parser):
        each.description = _text(each.description)
        each.epilog = _text(each.epilog)
        each.formatter_class = _cell_formatter(each.formatter_class)
        for group in each._action_groups:
            group.title = _text(group.title)
            group.description = _text(group.description)
        for action in each._actions:
            action.help = _text(action.help)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:  # the sub-command list in the parent's help
                    choice.help = _text(choice.help)


def _text(text: str | None) -> str | None:
    return text if text is None else localize(text)


def _cell_formatter(formatter: object) -> type[argparse.HelpFormatter]:
    if formatter is argparse.RawDescriptionHelpFormatter:
        return RawDescriptionCellFormatter
    return CellFormatter


# --------------------------------------------------------------------------- wrapping by terminal cells


def wrap_cells(text: str, width: int) -> list[str]:
    """`text` (blanks already made single spaces) in lines of at most `width` cells: a line breaks at a
    space, or between Japanese characters where the kinsoku rules allow (wizard/linebreak.py); an ASCII
    word longer than a line is cut."""
    from wizard import linebreak  # only when help is printed: a run that prints none never loads it

    return linebreak.wrap(text, width) if text else []


class CellFormatter(argparse.HelpFormatter):
    """argparse's help layout, measured in terminal cells rather than characters."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_cells(self._whitespace_matcher.sub(" ", text).strip(), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = wrap_cells(self._whitespace_matcher.sub(" ", text).strip(), width - len(indent))
        return "\n".join(indent + line for line in lines)

    def _format_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None) -> str:
        # argparse indents wrapped usage lines by len(prefix): lay it out with a stand-in of the
        # Japanese prefix's width in cells, then put the prefix in its place.
        prefix = argparse._("usage: ") if prefix is None else prefix  # type: ignore[attr-defined]
        stand_in = "\0" * cell_width(prefix)
        text = super()._format_usage(usage, actions, groups, stand_in)
        return text.replace(stand_in, prefix, 1)


class RawDescriptionCellFormatter(CellFormatter):
    """CellFormatter that keeps a description's own lines (like argparse.RawDescriptionHelpFormatter)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "".join(indent + line for line in text.splitlines(keepends=True))
