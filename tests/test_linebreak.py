"""Japanese line breaking (wizard/linebreak.py): a line breaks between Japanese characters and between
Japanese and ASCII, never before a closing mark, small kana or ー, never after an opening bracket;
ASCII words stay whole. Rich lays the lines out the same way (measured with Rich's own cell widths here,
as the TUI does)."""

from __future__ import annotations

from hypothesis import assume, example, given
from hypothesis import strategies as st
from rich._wrap import divide_line
from rich.cells import cell_len, chop_cells

from wizard.linebreak import NOT_AT_LINE_END, NOT_AT_LINE_START, break_offsets, may_break, segments, wrap

# The brief's lists, written out again: the rules must keep at least these.
MUST_NOT_START = "、。，．）」』】〕〉》ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ！？：；"
MUST_NOT_END = "（「『【〔〈《"

SENTENCE = "ChatGPT でサインイン: ChatGPT のプランで OpenAI Codex を使う（ブラウザ、デバイスコード、貼り付け）"
KANJI_KANA = "設定ファイルを開くサインインのプラン認証情報でがはにとも"
CLOSING = "、。）」』】ーっャ！？："
OPENING = "（「『【"


def lines_of(text: str, width: int) -> list[str]:
    bounds = [0, *break_offsets(text, width, cells=cell_len, chop_cells=chop_cells), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


# A "token" is what a Japanese writer puts down: an ASCII word with a blank after it, or a Japanese
# character, maybe opened by a bracket, maybe closed by marks. No span of them is wider than 16 cells
# (a closed character, 8 cells, and an ASCII word of 8 that starts with ":" and so sticks to it).
ascii_word = st.text("abcxyzOpenAI.:-/", min_size=1, max_size=8).map(lambda word: word + " ")
japanese = st.tuples(st.sampled_from(["", *OPENING]), st.sampled_from(KANJI_KANA),
                     st.text(CLOSING, max_size=2)).map("".join)
sentences = st.lists(st.one_of(ascii_word, japanese), min_size=1, max_size=40).map("".join)


def test_the_rules_hold_every_listed_character():
    assert set(MUST_NOT_START) <= NOT_AT_LINE_START
    assert set(MUST_NOT_END) <= NOT_AT_LINE_END


@given(sentences, st.integers(min_value=16, max_value=100))
@example(SENTENCE, 44)
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(text, width):
    lines = lines_of(text, width)
    for before, after in zip(lines, lines[1:], strict=False):
        if before[-1].isspace():
            continue  # a break at a blank, as in English (": " may start a line there)
        assert after[0] not in NOT_AT_LINE_START, lines
        assert before[-1] not in NOT_AT_LINE_END, lines


@given(sentences, st.integers(min_value=16, max_value=100))
def test_ascii_words_stay_whole(text, width):
    lines = lines_of(text, width)
    for before, after in zip(lines, lines[1:], strict=False):
        assert not (before[-1].isascii() and not before[-1].isspace() and after[0].isascii()), lines


@given(st.text(KANJI_KANA + CLOSING + OPENING + "abc .:()\u3000", max_size=80), st.integers(min_value=2, max_value=60))
def test_lines_join_back_to_the_text_and_fit_the_width(text, width):
    lines = lines_of(text, width)
    assert "".join(lines) == text
    assert all(cell_len(line.rstrip()) <= width for line in lines), lines


@given(sentences, st.integers(min_value=16, max_value=100))
def test_a_line_is_as_full_as_the_rules_let_it_be(text, width):
    """Greedy: the next line's first span did not fit on this one."""
    lines = lines_of(text, width)
    for before, after in zip(lines, lines[1:], strict=False):
        first_span = next(after[a:b] for a, b in segments(after))
        assert cell_len(before + first_span.rstrip()) > width, lines


@given(st.text(st.characters(codec="ascii") | st.sampled_from("éü—…✓⏱→"), max_size=80),
       st.integers(min_value=1, max_value=60))
def test_text_without_japanese_breaks_where_rich_breaks_it(text, width):
    assume("\n" not in text)
    long_word_with_a_blank = any(cell_len(text[a:b].rstrip()) > width and text[a:b] != text[a:b].rstrip()
                                 for a, b in segments(text))
    assume(not long_word_with_a_blank)  # the one documented difference (tested below)
    assert break_offsets(text, width, cells=cell_len, chop_cells=chop_cells) == divide_line(text, width)


def test_a_word_wider_than_the_line_is_cut_and_keeps_its_blank():
    assert wrap("abcdefghij klm", 5) == ["abcde", "fghij", "klm"]
    assert divide_line("abcdefghij klm", 5) == [5, 10]  # Rich's: the blank starts the third line


def test_known_sentences():
    assert wrap(SENTENCE, 44) == ["ChatGPT でサインイン: ChatGPT のプランで",
                                  "OpenAI Codex を使う（ブラウザ、デバイスコー", "ド、貼り付け）"]
    assert wrap("一二三四五六七八九十。", 10) == ["一二三四五", "六七八九", "十。"]
    assert wrap("設定（「かっこ」）です", 8) == ["設定", "（「かっ", "こ」）で", "す"]
    # ファ and バッ stay together: small kana never start a line
    assert wrap("リセット: ファイルをバックアップして", 12) == ["リセット:", "ファイルを", "バックアップ", "して"]


def test_break_opportunities():
    assert may_break("定", "フ") and may_break("T", "で") and may_break("で", "O")
    assert not may_break("定", "。") and not may_break("（", "定") and not may_break("a", "b")
    assert not may_break("ン", "ー") and not may_break("「", "C") and not may_break("T", "）")
    assert not may_break("定", ":")  # an ASCII colon after Japanese stays on its line too
