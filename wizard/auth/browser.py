"""Open the sign-in URL in a browser, but only where a browser can open.

--browser auto (default) skips SSH sessions and Linux without a display,
uses `open` on macOS and the Windows side on WSL. `none`, `default`
(Python's webbrowser), `macos-open`, `wsl-launch` or any command line
(the URL is appended, or replaces %s) override; --no-browser wins over all.

Nothing here raises but WizardError: `check_choice` and `custom_command` refuse a
command line that cannot be parsed with a UsageError, and `open_url` (also behind
the TUI's Open button) reports every failure in the Launch it returns.

While a sign-in waits, its authorize URL is never given to a browser command: the argv of
every process is readable by every local user, and the URL carries the state and the PKCE
challenge. `open_url` opens a one-time loopback link instead (see loopback.Listener), which
redirects to the URL once; the sign-in registers its URL with `offer_one_time_links`.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from wizard.errors import UsageError, WizardError
from wizard.frozen import Frozen
from wizard.i18n import M, Msg

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Protocol

    class LinkMinter(Protocol):
        """What hands out one-time links to an address (loopback.Listener)."""

        def one_time_link(self, url: str) -> str: ...

NAMED_CHOICES = ("auto", "none", "default", "macos-open", "wsl-launch")
# How long to wait for a launcher's exit status before taking it as opened. The sign-in listener is up
# already, so nothing is missed meanwhile; xdg-open and open return well within it.
LAUNCH_WAIT = 1.0


class Launch(Frozen):
    __slots__ = ("opened", "message")
    opened: bool
    message: str

    def __init__(self, opened: bool, message: str) -> None:
        self._set(opened=opened, message=message)


_one_time_links: dict[str, LinkMinter] = {}  # authorize URL -> the listener that mints one-time links to it
_links_lock = threading.Lock()


def offer_one_time_links(url: str, listener: LinkMinter) -> None:
    """From now on, opening `url` opens a fresh one-time link of `listener` (one_time_link(url)) instead."""
    with _links_lock:
        _one_time_links[url] = listener


def forget_one_time_links(listener: object) -> None:
    with _links_lock:
        for url in [u for u, owner in _one_time_links.items() if owner is listener]:
            del _one_time_links[url]


def address_to_open(url: str) -> str:
    """What a browser command is given for `url`: a one-time link while a sign-in offers one, else `url`."""
    with _links_lock:
        listener = _one_time_links.get(url)
    return listener.one_time_link(url) if listener is not None else url


def open_url(url: str, choice: str | None = None, *, no_browser: bool = False,
             env: Mapping[str, str] | None = None, platform: str | None = None) -> Launch:
    try:
        return _open(url, choice, no_browser, os.environ if env is None else env, platform or sys.platform)
    except WizardError as exc:
        return Launch(False, M("Not opening a browser: {reason}.", reason=exc.message))


def check_choice(choice: str | None) -> None:
    """A UsageError for a --browser value that can never open anything (a command line that does not parse)."""
    choice = (choice or "auto").strip()
    if choice not in NAMED_CHOICES:
        custom_command(choice, "URL")


def _open(url: str, choice: str | None, no_browser: bool, env: Mapping[str, str], platform: str) -> Launch:
    choice = (choice or "auto").strip()
    if no_browser or choice == "none":
        return Launch(False, M("Not opening a browser (asked not to)."))
    if choice == "auto":
        reason = why_no_browser(env, platform)
        if reason:
            return Launch(False, M("Not opening a browser: {reason}.", reason=reason))
    url = address_to_open(url)
    if choice == "auto":
        return _launch_auto(url, env, platform)
    if choice == "default":
        return _launch_webbrowser(url)
    if choice == "macos-open":
        return _spawn(["open", url])
    if choice == "wsl-launch":
        return _spawn(wsl_command(url))
    return _spawn(custom_command(choice, url))


def why_no_browser(env: Mapping[str, str], platform: str) -> str | None:
    """Why auto mode will not open a browser here, or None when it will."""
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"):
        return _reason(M("this is an SSH session"), M("open the URL on your own computer"))
    if platform == "darwin" or platform == "win32" or is_wsl(env, platform):
        return None
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return _reason(M("there is no display here"), M("DISPLAY and WAYLAND_DISPLAY are unset"))
    return None


def _reason(what: Msg, detail: Msg) -> Msg:
    return M("{what} ({detail})", what=what, detail=detail)


def short_reason(reason: str) -> str:
    """A reason of why_no_browser without its detail (which names env vars), for a note on screen."""
    if isinstance(reason, Msg) and reason.msgid == "{what} ({detail})":
        what: str = reason.params["what"]  # still a message: shown in the reader's language
        return what
    return reason


CONTAINER_MARKERS = (".dockerenv", "run/.containerenv")  # Docker; Podman (and other OCI runtimes)
CONTAINER_CGROUP_HINTS = ("docker", "containerd", "kubepods", "libpod", "podman", "lxc", "garden")


def in_container(env: Mapping[str, str] | None = None, root: Path = Path("/")) -> bool:
    """Whether this process runs in a container, where 127.0.0.1 is the container's own loopback."""
    env = os.environ if env is None else env
    if env.get("container") or env.get("KUBERNETES_SERVICE_HOST"):  # set by Podman/systemd-nspawn; Kubernetes
        return True
    if any((root / marker).is_file() for marker in CONTAINER_MARKERS):
        return True
    try:
        cgroups = (root / "proc/1/cgroup").read_text(errors="replace").lower()
    except OSError:
        return False
    return any(hint in cgroups for hint in CONTAINER_CGROUP_HINTS)


def is_wsl(env: Mapping[str, str], platform: str, osrelease: Path = Path("/proc/sys/kernel/osrelease")) -> bool:
    if not platform.startswith("linux"):
        return False
    if env.get("WSL_DISTRO_NAME") or env.get("WSL_INTEROP"):
        return True
    try:
        return "microsoft" in osrelease.read_text(errors="replace").lower()
    except OSError:
        return False


def wsl_command(url: str) -> list[str]:
    if shutil.which("wslview"):
        return ["wslview", url]
    # rundll32 takes the URL as one argument: no cmd.exe parsing of `&` in the query string.
    return ["rundll32.exe", "url.dll,FileProtocolHandler", url]


def custom_command(command: str, url: str) -> list[str]:
    """The argv for `--browser <command>`: the URL replaces %s, or is appended."""
    import shlex

    try:
        argv = shlex.split(command)
    except ValueError as exc:  # an unclosed quote, a trailing backslash
        raise UsageError(M("the --browser command {command!r} cannot be parsed ({reason})", command=command,
                           reason=exc),
                         hint=M("quote it as a shell would, e.g. --browser 'firefox --new-window %s', "
                                "or use --browser auto|none|default|macos-open|wsl-launch")) from None
    if not argv:
        raise UsageError(M("the --browser command is empty"),
                         hint=M("name a program, or use --browser auto|none|default|macos-open|wsl-launch"))
    if any("%s" in arg for arg in argv):
        return [arg.replace("%s", url) for arg in argv]
    return [*argv, url]


def _launch_auto(url: str, env: Mapping[str, str], platform: str) -> Launch:
    if platform == "darwin":
        return _spawn(["open", url])
    if is_wsl(env, platform):
        return _spawn(wsl_command(url))
    if platform.startswith("linux") and shutil.which("xdg-open"):
        return _spawn(["xdg-open", url])
    return _launch_webbrowser(url)


def _launch_webbrowser(url: str) -> Launch:
    import webbrowser

    try:
        if webbrowser.open(url):
            return Launch(True, M("Opened your browser."))
    except (webbrowser.Error, OSError, ValueError):
        pass
    return Launch(False, M("Could not open a browser here."))


def _spawn(argv: list[str]) -> Launch:
    """Start the launcher, and wait a moment for its exit status: xdg-open, gio or a wrapper that fails
    says so at once (non-zero), where a browser started directly keeps running (opened)."""
    import subprocess  # here, not at the top: every onboarding loads this module for why_no_browser

    name = os.path.basename(argv[0])
    try:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        return Launch(False, M("Could not open a browser: cannot run {program} ({reason}).", program=argv[0],
                               reason=exc.strerror or exc))
    except ValueError as exc:  # e.g. a NUL byte in the command
        return Launch(False, M("Could not open a browser: cannot run {program!r} ({reason}).", program=argv[0],
                               reason=exc))
    try:
        status = process.wait(timeout=LAUNCH_WAIT)
    except subprocess.TimeoutExpired:
        return Launch(True, M("Opened your browser ({program}).", program=name))  # still running: it is the browser
    if status < 0:
        return Launch(False, M("Could not open a browser: {program} was stopped by signal {signal}.", program=name,
                               signal=-status))
    if status != 0:
        return Launch(False, M("Could not open a browser: {program} exited with status {status}.", program=name,
                               status=status))
    return Launch(True, M("Opened your browser ({program}).", program=name))
