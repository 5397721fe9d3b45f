"""Help text wrapped by terminal cells (wizard/argparse_ja.py): Japanese has no spaces to break at and
takes two cells a character; a line never begins with a closing mark or ends with an opening one."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from wizard.argparse_ja import wrap_cells
from wizard.linebreak import NOT_AT_LINE_END, NOT_AT_LINE_START, segments
from wizard.render import cell_width

WORDS = ["サインイン", "します。", "（デフォルト:", "browser）", "、", "--provider", "env:NAME", "の", "を",
         "プロバイダー", "ok", "JSON", "「設定」", "ファイル", "x", "[環境変数", "OPENCLAW_MODEL]"]


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30), st.lists(st.booleans(), min_size=30, max_size=30),
       st.integers(min_value=12, max_value=80))
def test_lines_fit_keep_every_character_and_follow_the_kinsoku_rules(words, spaced, width):
    # Spaced as people write: never a blank before a closing mark or after an opening one.
    text = "".join(word + (" " if gap and word[-1] not in NOT_AT_LINE_END and after[0] not in NOT_AT_LINE_START
                           else "") for word, after, gap in zip(words, words[1:] + ["x"], spaced, strict=False))
    lines = wrap_cells(text, width)
    assert all(cell_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assume(all(cell_width(text[a:b].rstrip()) <= width for a, b in segments(text)))  # else a chunk is cut, anywhere
    for before, after in zip(lines, lines[1:], strict=False):
        assert after[0] not in NOT_AT_LINE_START and before[-1] not in NOT_AT_LINE_END, (before, after)
        assert not (before[-1].isascii() and after[0].isascii() and before + after in text), (before, after)


def test_a_japanese_sentence_breaks_between_characters_and_ascii_words_stay_whole():
    lines = wrap_cells("API キーとトークンのプロバイダー用: キーを @FILE、-（stdin）または env:NAME で指定します", 74)
    assert lines == ["API キーとトークンのプロバイダー用: キーを @FILE、-（stdin）または",
                     "env:NAME で指定します"]
    assert wrap_cells("一二三四五六七八九十。", 10) == ["一二三四五", "六七八九", "十。"]  # 。 never starts a line
    assert wrap_cells("abcdefghij klm", 5) == ["abcde", "fghij", "klm"]  # a word wider than a line is cut


def test_an_ascii_bracket_stays_with_the_japanese_it_opens():
    """argparse help ends with "[環境変数 OPENCLAW_WORKSPACE]": a line never ends with its "[" (found at
    80 columns, where "そのまま残します。[" ended a line)."""
    text = "エージェントが作業するフォルダーです。既存のファイルはそのまま残します。[環境変数 OPENCLAW_WORKSPACE]"
    for width in range(20, 80):
        lines = wrap_cells(text, width)
        assert not any(line.endswith("[") for line in lines), (width, lines)
        assert not any(line.startswith("]") for line in lines), (width, lines)
