"""Where a line of Japanese may break: the kinsoku rules, shared by the command line's help and the TUI.

Japanese has no spaces between words: a line may break between any two Japanese characters, and between
a Japanese character and an ASCII word, except before a closing mark, a small kana or the long vowel mark
(a line must not start with them) and after an opening bracket (a line must not end with one). ASCII
words stay whole and break at their spaces, as English does.

`break_offsets` lays a line out the way Rich's `divide_line` does (the greedy fill that Textual and Rich
use to wrap every text), with these break opportunities added; one difference: a word cut because it is
wider than a line keeps its trailing blank (Rich moves the blank to the start of the next line).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from wizard.render import cell_width

# A line may not begin with these (closing marks, small kana, the long vowel and iteration marks,
# punctuation; the ASCII ones matter only next to Japanese: ASCII never breaks inside a word) ...
NOT_AT_LINE_START = frozenset(
    "、。，．・：；？！ー―）」』】〕〉》〙〗］｝”’々ゝゞヽヾ"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    "),.:;!?%]}"
)
# ... nor end with these (opening brackets and quotes).
NOT_AT_LINE_END = frozenset("（「『【〔〈《〘〖［｛“‘([{")

# The scripts whose characters a line may break between: CJK punctuation, kana, ideographs, Hangul and
# the full-width forms. Anything else (letters, digits, symbols, emoji) sticks to its neighbours as ASCII
# does. Code point ranges rather than a regular expression: compiling a character class with these ranges
# costs about 14 ms, which every Japanese run would pay at start.
_CJK_RANGES = ((0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x2FF0, 0x303F), (0x3040, 0x31FF), (0x3200, 0x9FFF),
               (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
               (0x20000, 0x3FFFF))


def is_cjk(char: str) -> bool:
    """Whether `char` belongs to a script a line may break inside (Japanese, Chinese, Korean)."""
    code = ord(char)
    return code >= 0x1100 and any(low <= code <= high for low, high in _CJK_RANGES)


def has_cjk(text: str) -> bool:
    """Whether `text` holds a character of those scripts (else it breaks only at blanks, as English)."""
    return not text.isascii() and any(is_cjk(char) for char in text)


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """`text` as (start, end) pieces: a run of blanks, one CJK character, or a run of anything else."""
    index, length = 0, len(text)
    while index < length:
        start, char = index, text[index]
        index += 1
        if char.isspace():
            while index < length and text[index].isspace():
                index += 1
        elif not is_cjk(char):
            while index < length and not text[index].isspace() and not is_cjk(text[index]):
                index += 1
        yield start, index


def may_break(before: str, after: str) -> bool:
    """Whether a line may break between the characters `before` and `after` (neither a blank)."""
    if before in NOT_AT_LINE_END or after in NOT_AT_LINE_START:
        return False
    return is_cjk(before) or is_cjk(after)


def segments(text: str) -> Iterator[tuple[int, int]]:
    """`text` as (start, end) spans no line break may fall inside, each with the blanks that follow it.

    Blanks at the very start belong to the first span (as Rich's words do)."""
    start = 0
    previous = ""  # the last piece of the current span; empty until the span holds more than blanks
    for piece_start, piece_end in _pieces(text):
        piece = text[piece_start:piece_end]
        if piece.isspace():
            previous = previous and piece
            continue
        if previous and (previous.isspace() or may_break(previous[-1], piece[0])):
            yield start, piece_start
            start = piece_start
        previous = piece
    if previous:
        yield start, len(text)


def chop(text: str, width: int, cells: Callable[[str], int] = cell_width) -> list[str]:
    """`text` cut into pieces of at most `width` cells (a character wider than `width` alone on its piece)."""
    pieces: list[str] = []
    piece = ""
    used = 0
    for char in text:
        size = cells(char)
        if piece and used + size > width:
            pieces.append(piece)
            piece, used = "", 0
        piece += char
        used += size
    if piece:
        pieces.append(piece)
    return pieces


def break_offsets(text: str, width: int, fold: bool = True, *, cells: Callable[[str], int] = cell_width,
                  chop_cells: Callable[[str, int], list[str]] | None = None) -> list[int]:
    """The character offsets at which to break `text` (one line, no newline) to fit `width` cells.

    Rich's `divide_line` with Japanese break opportunities: a span goes to the next line when it does not
    fit the rest of this one; a span wider than a whole line is cut by cells if `fold`, else left to be
    cropped. `cells` and `chop_cells` measure and cut (Rich's own, when laying out for Rich)."""
    cut = chop_cells or (lambda piece, size: chop(piece, size, cells))
    offsets: list[int] = []
    used = 0
    for start, end in segments(text):
        word = text[start:end]
        word_length = cells(word.rstrip())
        if width - used >= word_length:
            used += cells(word)
        elif word_length > width:
            if fold:
                body = word.rstrip()  # the blanks after it stay at the end of its last piece
                pieces = cut(body, width)
                pieces[-1] += word[len(body):]
                for index, piece in enumerate(pieces):
                    if start:
                        offsets.append(start)
                    if index == len(pieces) - 1:
                        used = cells(piece)
                    else:
                        start += len(piece)
            else:
                if start:
                    offsets.append(start)
                used = cells(word)
        elif used and start:
            offsets.append(start)
            used = cells(word)
    return offsets


def wrap(text: str, width: int) -> list[str]:
    """`text` (one line) as lines of at most `width` cells, blanks at the breaks dropped."""
    bounds = [0, *break_offsets(text, width), len(text)]
    return [text[a:b].rstrip() for a, b in zip(bounds, bounds[1:], strict=False)]
