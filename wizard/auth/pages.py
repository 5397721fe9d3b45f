"""The small pages the loopback server shows in the browser."""

from __future__ import annotations

from html import escape

_STYLE = (
    "body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;background:#f6f7f9;color:#1d2433;"
    "display:flex;min-height:100vh;margin:0;align-items:center;justify-content:center}"
    "main{background:#fff;border-radius:12px;padding:2.5rem 3rem;max-width:32rem;"
    "box-shadow:0 2px 12px rgba(0,0,0,.08)}"
    "h1{font-size:1.4rem;margin:0 0 .75rem}p{line-height:1.5;margin:.5rem 0}"
    ".ok h1{color:#17803d}.fail h1{color:#b42318}code{background:#f0f1f4;padding:.1rem .3rem;border-radius:4px}"
)


def _page(kind: str, title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)} - OpenClaw</title><style>{_STYLE}</style></head>"
        f"<body><main class=\"{kind}\"><h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def success_page(provider_label: str, email: str | None = None) -> str:
    who = f" as <strong>{escape(email)}</strong>" if email else ""
    return _page("ok", "Signed in to OpenClaw", [
        f"You are signed in to {escape(provider_label)}{who}.",
        "You can close this tab and return to your terminal.",
    ])


def failure_page(title: str, message: str) -> str:
    return _page("fail", title, [
        escape(message),
        "Return to your terminal for what to do next.",
    ])


def cancelled_page() -> str:
    return _page("fail", "Sign-in stopped", [
        "Another OpenClaw sign-in on this computer took over; this one has stopped.",
    ])


def redirect_page() -> str:
    return _page("ok", "Continuing to sign in", ["Your browser is being sent to the sign-in page."])
