"""The small pages the loopback server shows in the browser, in the run's language (`<html lang>` says which)."""

from __future__ import annotations

from html import escape

from wizard.i18n import M, language, localize

_STYLE = (
    "body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;background:#f6f7f9;color:#1d2433;"
    "display:flex;min-height:100vh;margin:0;align-items:center;justify-content:center}"
    "main{background:#fff;border-radius:12px;padding:2.5rem 3rem;max-width:32rem;"
    "box-shadow:0 2px 12px rgba(0,0,0,.08)}"
    "h1{font-size:1.4rem;margin:0 0 .75rem}p{line-height:1.5;margin:.5rem 0}"
    ".ok h1{color:#17803d}.fail h1{color:#b42318}code{background:#f0f1f4;padding:.1rem .3rem;border-radius:4px}"
)


def _page(kind: str, title: str, paragraphs: list[str]) -> str:
    """A page in the run's language: `title` and `paragraphs` are messages (paragraphs hold HTML already escaped)."""
    heading = escape(localize(title))
    body = "".join(f"<p>{localize(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang=\"{language()}\"><head><meta charset=\"utf-8\">"
        f"<title>{heading} - OpenClaw</title><style>{_STYLE}</style></head>"
        f"<body><main class=\"{kind}\"><h1>{heading}</h1>{body}</main></body></html>"
    )


def success_page(provider_label: str, email: str | None = None) -> str:
    who = M(" as <strong>{email}</strong>", email=escape(email)) if email else ""
    return _page("ok", M("Signed in to OpenClaw"), [
        M("You are signed in to {provider}{who}.", provider=escape(localize(provider_label)), who=who),
        M("You can close this tab and return to your terminal."),
    ])


def failure_page(title: str, message: str) -> str:
    """`message` is text (a message, or the provider's own words), escaped here."""
    return _page("fail", title, [
        escape(localize(message)),
        M("Return to your terminal for what to do next."),
    ])


def cancelled_page() -> str:
    return _page("fail", M("Sign-in stopped"), [
        M("Another OpenClaw sign-in on this computer took over; this one has stopped."),
    ])


def redirect_page() -> str:
    return _page("ok", M("Continuing to sign in"), [M("Your browser is being sent to the sign-in page.")])
