"""safetext.clean: what a terminal would act on is removed, what it would show is kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.auth.safetext import clean, is_clean


@pytest.mark.parametrize("text, shown", [
    ("plain text, é 日本 ✔", "plain text, é 日本 ✔"),
    ("two\nlines\tand a tab", "two\nlines\tand a tab"),
    ("a\x1b[2Jb", "ab"),                                        # CSI: clear screen
    ("a\x1b[38;5;196mred\x1b[0m", "ared"),                      # CSI with parameters
    ("a\x1b]52;c;ZXZpbA==\x07b", "ab"),                         # OSC 52 clipboard write, BEL-terminated
    ("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),  # OSC 8 link, ST-terminated
    ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),                          # DCS (sixel)
    ("a\x9b31mb", "ab"),                                         # 8-bit CSI
    ("a\x9d0;title\x9cb", "ab"),                                 # 8-bit OSC
    ("carriage\rreturn\x08\x7f", "carriagereturn"),              # CR, BS, DEL
    ("\u202egnp.exe", "gnp.exe"),                                # right-to-left override
    ("unterminated \x1b[", "unterminated "),
])
def test_clean(text, shown):
    assert clean(text) == shown
    assert is_clean(shown)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_nothing_a_terminal_acts_on_survives(text):
    result = clean(text)
    assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in result)
    assert clean(result) == result
