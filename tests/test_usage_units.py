"""Usage windows as OpenClaw writes them (provider-usage.format.ts / fetch.codex.ts), from the wham/usage shape."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st_

from wizard.auth import usage

NOW = 1_800_000_000_000
MIN = 60_000


@pytest.mark.parametrize("offset_ms, text", [
    (None, None), (0, "now"), (-5, "now"), (59 * MIN + 59_999, "59m"), (60 * MIN, "1h"), (299 * MIN, "4h 59m"),
    (24 * 60 * MIN - 1, "23h 59m"), (24 * 60 * MIN, "1d 0h"), ((2 * 24 + 15) * 60 * MIN, "2d 15h"),
    (7 * 24 * 60 * MIN - 1, "6d 23h"),
])
def test_reset_remaining(offset_ms, text):
    target = None if offset_ms is None else NOW + offset_ms
    assert usage.reset_remaining(target, NOW) == text


def test_reset_a_week_or_more_away_is_a_date():
    target = NOW + 8 * 24 * 60 * MIN
    local = time.localtime(target / 1000)
    assert usage.reset_remaining(target, NOW) == f"{time.strftime('%b', local)} {local.tm_mday}"


@pytest.mark.parametrize("seconds, resets, label", [
    (18000, None, "5h"), (10800, None, "3h"), (3600 * 23, None, "23h"), (86400, None, "Day"),
    (604800, None, "Week"), (3600 * 167, None, "Day"), (3600 * 168, None, "Week"),
    (86400, (0, 3 * 86400_000), "Week"),       # a secondary window resetting 3+ days after the primary
    (86400, (0, 3 * 86400_000 - 1), "Day"),
])
def test_window_label(seconds, resets, label):
    other, reset = resets or (None, None)
    assert usage.window_label(seconds, other_reset_ms=other, reset_ms=reset) == label


def test_parse_the_codex_shape_and_format_seed_004():
    body = {"plan_type": "plus", "rate_limit": {
        "allowed": True, "limit_reached": False,
        "primary_window": {"used_percent": 0, "limit_window_seconds": 18000, "reset_after_seconds": 17940,
                           "reset_at": (NOW + 299 * MIN) // 1000},
        "secondary_window": {"used_percent": 47, "limit_window_seconds": 604800, "reset_after_seconds": 1,
                             "reset_at": (NOW + (63 * 60) * MIN) // 1000}},
        "credits": {"has_credits": False, "unlimited": False, "balance": None}}
    windows, plan = usage.parse(body, NOW)
    report = usage.Usage("openai-codex", "openai-codex:default", NOW, windows=windows, plan=plan)
    assert report.line() == "openai-codex usage: 5h 100% left ⏱4h 59m · Week 53% left ⏱2d 15h"
    assert plan == "plus" and report.as_dict()["windows"][1]["resets_in_seconds"] == 63 * 3600


def test_reset_after_seconds_when_reset_at_is_absent_and_missing_lengths_use_openclaws_defaults():
    body = {"rate_limit": {"primary_window": {"used_percent": 99.5, "reset_after_seconds": 600},
                           "secondary_window": None}}
    windows, plan = usage.parse(body, NOW)
    assert plan is None and [w.text(NOW) for w in windows] == ["3h 1% left ⏱10m"]  # 0.5 rounds up


@pytest.mark.parametrize("body, needle", [
    ([], "not a JSON object"),
    ({"rate_limit": 5}, "rate_limit is not an object"),
    ({"rate_limit": {"primary_window": "x"}}, "primary_window is not an object"),
    ({"rate_limit": {"secondary_window": {"used_percent": True}}}, "secondary_window.used_percent is not a number"),
    ({"rate_limit": {"primary_window": {"reset_at": 1e300}}}, "primary_window.reset_at is not a number"),
])
def test_parse_names_what_is_off(body, needle):
    with pytest.raises(usage.BadAnswer, match=needle):
        usage.parse(body, NOW)


def test_no_rate_limit_is_no_windows_not_an_error():
    assert usage.parse({"plan_type": "free", "rate_limit": None}, NOW) == ([], "free")
    assert usage.Usage("p", None, NOW).summary() == "no usage limits reported"


@given(st_.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_left_percent_is_always_0_to_100(used):
    window = usage.Window("5h", used, 18000, None)
    assert 0 <= window.left_percent <= 100
    assert window.text(NOW).endswith("% left")
