"""A ChatGPT sign-in's usage windows (seed 004): `openai-codex usage: 5h 100% left ⏱4h 59m · Week 53% left ⏱2d 15h`.

`GET <usage_url>` (the provider's data; the ChatGPT backend's `wham/usage` for openai-codex) with the
Bearer access token and `ChatGPT-Account-Id`. The answer's `rate_limit.primary_window` and
`secondary_window` carry `used_percent`, `limit_window_seconds`, `reset_after_seconds` / `reset_at`
(epoch seconds); `plan_type` names the plan. Labels and reset times are written the way OpenClaw
writes them. Only `models status` and the TUI's sign-in success ask (never `models auth status`, which
stays offline), each with a short total deadline: an answer that does not come in time, or an error,
is "unavailable (reason)" and never changes an exit code.
"""

from __future__ import annotations

import math
import time

from wizard.auth.providers import ORIGINATOR, Provider
from wizard.i18n import MC, M, Msg

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from wizard.auth.resolve import Resolution

DEADLINE_SECONDS = 2.0
WEEKLY_RESET_GAP_SECONDS = 3 * 86400  # OpenClaw: a secondary window resetting 3+ days after the primary is weekly
_PRIMARY_DEFAULT_SECONDS, _SECONDARY_DEFAULT_SECONDS = 10800, 86400  # OpenClaw's defaults when a length is absent
# The words of a usage line are messages (`Day 53% left` reads `1日 53% 残り`); its numbers and units never change.
DAY, WEEK = M("Day"), M("Week")


class Window:
    __slots__ = ("label", "used_percent", "window_seconds", "resets_at_ms")

    def __init__(self, label: str, used_percent: float, window_seconds: int | None, resets_at_ms: int | None) -> None:
        self.label, self.used_percent = label, used_percent
        self.window_seconds, self.resets_at_ms = window_seconds, resets_at_ms

    @property
    def left_percent(self) -> float:
        return min(100.0, max(0.0, 100.0 - self.used_percent))

    def text(self, now_ms: int) -> str:
        reset = reset_remaining(self.resets_at_ms, now_ms)
        percent = _round_half_up(self.left_percent)
        if reset:
            return M("{label} {percent}% left ⏱{reset}", label=self.label, percent=percent, reset=reset)
        return M("{label} {percent}% left", label=self.label, percent=percent)

    def as_dict(self, now_ms: int) -> dict[str, Any]:
        return {"label": self.label, "used_percent": self.used_percent, "left_percent": self.left_percent,
                "window_seconds": self.window_seconds, "resets_at": self.resets_at_ms,
                "resets_in_seconds": None if self.resets_at_ms is None else (self.resets_at_ms - now_ms) // 1000}


class Usage:
    """One sign-in's usage: its windows, or why they are unavailable."""

    __slots__ = ("provider", "profile", "windows", "plan", "reason", "now_ms")

    def __init__(self, provider: str, profile: str | None, now_ms: int, *, windows: list[Window] | None = None,
                 plan: str | None = None, reason: str | None = None) -> None:
        self.provider, self.profile, self.now_ms = provider, profile, now_ms
        self.windows, self.plan, self.reason = list(windows or []), plan, reason

    @property
    def available(self) -> bool:
        return self.reason is None

    def summary(self) -> str:
        if self.reason is not None:
            return M("unavailable ({reason})", reason=self.reason)
        if not self.windows:
            return M("no usage limits reported")
        texts = [window.text(self.now_ms) for window in self.windows]
        summary = texts[0]
        for text in texts[1:]:  # one message per window, joined as the seed writes them
            summary = M("{windows} · {window}", windows=summary, window=text)
        return summary

    def line(self) -> str:
        return M("{provider} usage: {summary}", provider=self.provider, summary=self.summary())

    def as_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, "status": "ok" if self.available else "unavailable", "reason": self.reason,
                "plan": self.plan, "windows": [window.as_dict(self.now_ms) for window in self.windows],
                "summary": self.summary()}


# --------------------------------------------------------------------------- formatting


def _round_half_up(value: float) -> int:
    """As JavaScript's toFixed(0) shows a percentage (Python's round() goes to even)."""
    return int(math.floor(value + 0.5))


def reset_remaining(target_ms: int | None, now_ms: int) -> str | None:
    """Time until a reset, as OpenClaw writes it: `now`, `59m`, `4h 59m`, `4h`, `2d 15h`, then `Dec 5`."""
    if not target_ms:
        return None
    diff_ms = target_ms - now_ms
    if diff_ms <= 0:
        return MC("usage reset", "now")
    minutes = diff_ms // 60000
    if minutes < 60:
        return f"{minutes}m"
    hours, mins = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {mins}m" if mins else f"{hours}h"
    days = hours // 24
    if days < 7:
        return f"{days}d {hours % 24}h"
    local = time.localtime(target_ms / 1000)
    return f"{time.strftime('%b', local)} {local.tm_mday}"


def window_label(seconds: int, *, other_reset_ms: int | None = None, reset_ms: int | None = None) -> str:
    """`5h`, `Day` or `Week` from a window's length (and, for a 1-6 day window, how far apart the resets are)."""
    hours = _round_half_up(seconds / 3600)
    if hours >= 168:
        return WEEK
    if hours < 24:
        return f"{hours}h"
    if reset_ms is not None and other_reset_ms is not None \
            and reset_ms - other_reset_ms >= WEEKLY_RESET_GAP_SECONDS * 1000:
        return WEEK
    return DAY


# --------------------------------------------------------------------------- the answer


class BadAnswer(ValueError):
    pass


def parse(body: object, now_ms: int) -> tuple[list[Window], str | None]:
    """(windows, plan) from the wham/usage JSON; BadAnswer naming what is off."""
    if not isinstance(body, dict):
        raise BadAnswer(M("the answer is not a JSON object"))
    plan = body.get("plan_type") if isinstance(body.get("plan_type"), str) else None
    limits = body.get("rate_limit")
    if limits is None:
        return [], plan
    if not isinstance(limits, dict):
        raise BadAnswer(M("rate_limit is not an object"))
    primary = _window_fields(limits.get("primary_window"), "primary_window", now_ms)
    secondary = _window_fields(limits.get("secondary_window"), "secondary_window", now_ms)
    windows = []
    if primary is not None:
        used, seconds, reset = primary
        length = seconds or _PRIMARY_DEFAULT_SECONDS
        windows.append(Window(window_label(length), used, seconds, reset))
    if secondary is not None:
        used, seconds, reset = secondary
        length = seconds or _SECONDARY_DEFAULT_SECONDS
        label = window_label(length, reset_ms=reset, other_reset_ms=primary[2] if primary else None)
        windows.append(Window(label, used, seconds, reset))
    return windows, plan


def _window_fields(window: object, name: str, now_ms: int) -> tuple[float, int | None, int | None] | None:
    if window is None:
        return None
    if not isinstance(window, dict):
        raise BadAnswer(M("{name} is not an object", name=name))
    used = _number(window.get("used_percent"), f"{name}.used_percent") or 0
    seconds = _number(window.get("limit_window_seconds"), f"{name}.limit_window_seconds")
    reset_at = _number(window.get("reset_at"), f"{name}.reset_at")
    reset_after = _number(window.get("reset_after_seconds"), f"{name}.reset_after_seconds")
    if reset_at:
        reset_ms: int | None = int(reset_at * 1000)
    elif reset_after is not None:
        reset_ms = now_ms + int(reset_after * 1000)
    else:
        reset_ms = None
    return float(used), (int(seconds) if seconds and seconds > 0 else None), reset_ms


def _number(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or abs(value) > 1e12:
        raise BadAnswer(M("{name} is not a number", name=name))
    return value


# --------------------------------------------------------------------------- asking


def fetch(provider: Provider, profile: str, record: dict[str, Any], *, deadline: float = DEADLINE_SECONDS) -> Usage:
    """The sign-in's usage, or Usage.reason saying why not. Never raises for the network or the answer."""
    import _thread  # threading's own primitives: `threading` itself is not worth loading for one worker

    from wizard.auth import store

    now_ms = store.now_ms()
    outcome: dict[str, object] = {}
    answered = _thread.allocate_lock()
    answered.acquire()

    def ask() -> None:
        try:
            outcome["usage"] = _ask(provider, profile, record, deadline)
        except Exception as exc:  # anything the network or a proxy does is a reason, not a crash
            outcome["usage"] = Usage(provider.id, profile, now_ms, reason=f"{type(exc).__name__}: {exc}"[:200])
        finally:
            answered.release()

    # A total deadline, name resolution included: per-read timeouts alone let a server that trickles
    # bytes hold us for ever. The worker never keeps the process alive (as a daemon thread would not).
    _thread.start_new_thread(ask, ())
    answered.acquire(timeout=deadline)
    usage = outcome.get("usage")
    if not isinstance(usage, Usage):
        return Usage(provider.id, profile, now_ms, reason=no_answer(deadline))
    return usage


def no_answer(deadline: float) -> str:
    return M("no answer within {seconds:g} s", seconds=deadline)


def _ask(provider: Provider, profile: str, record: dict[str, Any], deadline: float) -> Usage:
    from wizard import paths
    from wizard.auth import store
    from wizard.auth.addresses import require_secure_url
    from wizard.auth.jwt import account_info
    from wizard.errors import UsageError

    now_ms = store.now_ms()
    try:  # the Bearer token goes nowhere but https (or a loopback test server)
        require_secure_url(provider.usage_url, f"{paths.providers_file_str()} [providers.{provider.id}]", "usage_url")
    except UsageError as exc:
        return Usage(provider.id, profile, now_ms, reason=exc.message)
    headers = {"Authorization": f"Bearer {record['access_token']}", "Accept": "application/json",
               "originator": ORIGINATOR}
    account_id = record.get("account_id") or account_info(record.get("id_token"),
                                                          record.get("access_token")).get("account_id")
    if account_id:
        headers["ChatGPT-Account-Id"] = account_id
    answer = _get(provider.usage_url, headers, deadline)
    if isinstance(answer, str):
        return Usage(provider.id, profile, now_ms, reason=answer)
    status, content_type, body = answer
    if status in (401, 403):
        return Usage(provider.id, profile, now_ms, reason=M("the sign-in was not accepted: HTTP {status}",
                                                              status=status))
    if status != 200:
        return Usage(provider.id, profile, now_ms, reason=f"HTTP {status}")
    if body is None:
        html = "html" in content_type.lower()
        return Usage(provider.id, profile, now_ms,
                     reason=M("HTTP 200 with an HTML page instead of JSON") if html else M("HTTP 200 without JSON"))
    try:
        windows, plan = parse(body, now_ms)
    except BadAnswer as exc:
        return Usage(provider.id, profile, now_ms, reason=M("unexpected answer: {problem}", problem=exc.args[0]))
    return Usage(provider.id, profile, now_ms, windows=windows, plan=plan)


def _get(url: str, headers: dict[str, str], deadline: float) -> tuple[int, str, object | None] | str:
    """(status, content type, JSON body or None) of a GET, or the reason there is none.

    With the standard library (wizard.auth.httpget) where it sends what httpx2 would; through httpx2
    (a proxy, macOS, Windows) otherwise."""
    from wizard.auth import httpget
    from wizard.auth.deadline import MAX_RESPONSE_BYTES

    if not httpget.lean_route(url):
        return _get_with_httpx2(url, headers, deadline)
    from wizard.auth.safetext import clean

    where = M("the usage endpoint at {host}", host=clean(_netloc(url)))
    try:
        reply = httpget.get(url, headers, deadline=deadline)
    except httpget.TooSlow:
        return no_answer(deadline)
    except httpget.TooLarge:
        return M("offline: {where} answered with more than {mib} MiB; far more than any answer to this request",
                 where=where, mib=MAX_RESPONSE_BYTES // (1 << 20))
    except httpget.Failed as exc:
        return M("offline: {where}: {reason}", where=where, reason=exc.reason)
    content_type = reply.headers.get("content-type", "")
    return reply.status_code, content_type, httpget.json_body(content_type, reply.content)


def _get_with_httpx2(url: str, headers: dict[str, str], deadline: float) -> tuple[int, str, object | None] | str:
    from wizard.auth import oauth

    try:
        response = oauth.send("GET", url, what=M("the usage endpoint"), timeout=deadline, headers=headers)
    except oauth.NetworkError as exc:
        return _network_reason(exc.message, deadline)
    return response.status_code, response.headers.get("content-type", ""), oauth.json_body(response)


def _netloc(url: str) -> str:
    import urllib.parse

    return urllib.parse.urlsplit(url).netloc or url


def _network_reason(message: str, deadline: float) -> str:
    if "did not answer" in message:
        return no_answer(deadline)
    if isinstance(message, Msg) and message.msgid == "could not reach {where}: {reason}":
        return M("offline: {where}: {reason}", **message.params)
    return M("offline: {problem}", problem=message)


def unavailable(provider_id: str, profile: str | None, reason: str) -> Usage:
    from wizard.auth import store

    return Usage(provider_id, profile, store.now_ms(), reason=reason)


def for_resolutions(resolutions: dict[str, Resolution], providers: dict[str, Provider]) -> dict[str, Usage]:
    """Provider id -> the usage of the sign-in serving it, for each provider with a usage endpoint and
    something stored."""
    from wizard.auth import status as st

    report: dict[str, Usage] = {}
    for provider_id, resolution in resolutions.items():
        provider = providers.get(provider_id)
        if provider is None or not provider.usage_url or all(row.status == st.MISSING for row in resolution.rows):
            continue
        row = resolution.chosen
        if row is None or row.record is None or row.kind == "api_key":
            report[provider_id] = unavailable(provider_id, None, M("no valid sign-in"))
        elif row.status == st.EXPIRED:
            report[provider_id] = unavailable(provider_id, row.profile,
                                              M("the sign-in has expired; it refreshes on next use"))
        else:
            report[provider_id] = fetch(provider, row.profile, row.record)
    return report


def line_after_sign_in(provider_id: str, record: dict[str, Any]) -> str | None:
    """The usage line for a sign-in that just completed (the TUI's success state), or None when the provider
    has no usage endpoint or it did not answer in time: the sign-in itself is what matters there."""
    from wizard.auth.providers import all_providers
    from wizard.errors import WizardError

    try:
        provider = all_providers().get(provider_id)
    except WizardError:
        return None
    if provider is None or not provider.usage_url:
        return None
    usage = fetch(provider, f"{provider_id}:default", record)
    return usage.line() if usage.available else None
