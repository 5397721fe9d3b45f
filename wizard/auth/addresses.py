"""Where a request may go: https, or plain http on a loopback address (test servers); nothing else.

Standard library only (urllib.parse, and ipaddress for a numeric host): `models status`'s usage
fetch checks its address without loading the HTTP client the sign-in uses.
"""

from __future__ import annotations

import urllib.parse

from wizard.auth.safetext import clean, is_clean
from wizard.errors import UsageError
from wizard.i18n import M

LOOPBACK_NAMES = ("localhost",)
TLS_HINT = M("use an https:// address; plain http is allowed only on a loopback address "
             "(127.0.0.1, ::1, localhost), e.g. a local test server")


def is_loopback_host(host: str) -> bool:
    import ipaddress

    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_secure_url(url: str, where: str, key: str, *, hint: str = TLS_HINT) -> None:
    """UsageError unless `url` is https, or http on a loopback address; nothing else (javascript:, file:)."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    shown = repr(clean(url))
    if parts is None or not host or not is_clean(url) or any(c.isspace() for c in url) \
            or parts.scheme.lower() not in ("https", "http"):
        raise UsageError(M("{where}: {key} = {url} is not an http(s) address", where=where, key=key, url=shown),
                         hint=hint)
    if parts.scheme.lower() == "http" and not is_loopback_host(host):
        raise UsageError(M("{where}: {key} = {url} is not https: tokens would cross the network unencrypted",
                           where=where, key=key, url=shown), hint=hint)
