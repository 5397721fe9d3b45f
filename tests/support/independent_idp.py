"""An OpenID provider we did not write, for the end-to-end sign-in tests: panva's oidc-provider.

`IndependentIdP.start()` installs it from the npm registry when `node-oidc-provider/node_modules`
is missing or older than `package-lock.json` (`npm ci`, cached in the checkout), then runs
`node-oidc-provider/server.mjs` on 127.0.0.1 on a free port. Without node or npm this fails
with the reason: it never skips.

`Browser` plays the user's browser against it with plain HTTP: cookies, redirects followed
by hand (so a test can stop where the provider sends the browser back), and HTML forms
submitted as a browser would (the provider's own login, consent and device pages).
"""

from __future__ import annotations

import hashlib
import html.parser
import http.cookiejar
import json
import shutil
import socket
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent / "node-oidc-provider"
STAMP = PACKAGE_DIR / "node_modules" / ".openclaw-installed-lock.sha256"
MIN_NODE_MAJOR = 20
CLIENT_ID = "openclaw-cli"
START_TIMEOUT = 30
INSTALL_TIMEOUT = 300


class IdPUnavailable(RuntimeError):
    """The provider cannot be installed or started here; the message says why and what to do."""


# --------------------------------------------------------------------------- install

def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise IdPUnavailable(f"`{name}` is not on PATH: the end-to-end tests against the independent OpenID "
                             f"provider need Node.js {MIN_NODE_MAJOR}+ and npm (e.g. apt-get install nodejs npm)")
    return path


def _check_node_version(node: str) -> None:
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    try:
        major = int(version.lstrip("v").split(".")[0])
    except ValueError:
        raise IdPUnavailable(f"`node --version` printed {version!r}, not a version") from None
    if major < MIN_NODE_MAJOR:
        raise IdPUnavailable(f"Node.js {version} is too old for oidc-provider: install Node.js {MIN_NODE_MAJOR}+")


def _lock_digest() -> str:
    return hashlib.sha256((PACKAGE_DIR / "package-lock.json").read_bytes()).hexdigest()


def ensure_installed() -> None:
    """`npm ci` once per change of package-lock.json; the result stays in the checkout for the next run."""
    from filelock import FileLock

    node, npm = _tool("node"), _tool("npm")
    _check_node_version(node)
    with FileLock(str(PACKAGE_DIR / ".npm-install.lock"), timeout=INSTALL_TIMEOUT):
        if STAMP.exists() and STAMP.read_text() == _lock_digest():
            return
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PACKAGE_DIR,
                                capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
        if result.returncode != 0:
            raise IdPUnavailable(f"`npm ci` in {PACKAGE_DIR} failed (exit {result.returncode}):\n"
                                 f"{result.stdout}{result.stderr}")
        STAMP.write_text(_lock_digest())


def installed_version() -> str:
    return json.loads((PACKAGE_DIR / "node_modules" / "oidc-provider" / "package.json").read_text())["version"]


# --------------------------------------------------------------------------- the running provider

def free_ports(count: int) -> tuple[int, ...]:
    """`count` distinct ports free on 127.0.0.1 now (all held at once, so the kernel hands out different ones)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return tuple(sock.getsockname()[1] for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class IndependentIdP:
    issuer: str
    redirect_ports: tuple[int, ...]
    process: subprocess.Popen
    client_id: str = CLIENT_ID
    log: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, redirect_ports: tuple[int, ...]) -> IndependentIdP:
        ensure_installed()
        options = {"client_id": CLIENT_ID,
                   "redirect_uris": [f"http://127.0.0.1:{port}/auth/callback" for port in redirect_ports]}
        process = subprocess.Popen([_tool("node"), "server.mjs", json.dumps(options)], cwd=PACKAGE_DIR,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first_line = _read_line(process.stdout, START_TIMEOUT)
        if not first_line:
            process.kill()
            _, err = process.communicate(timeout=10)
            raise IdPUnavailable(f"oidc-provider did not start (exit {process.returncode}):\n{err}")
        idp = cls(json.loads(first_line)["issuer"], tuple(redirect_ports), process)
        threading.Thread(target=idp._collect_log, daemon=True).start()
        return idp

    def _collect_log(self) -> None:
        for line in self.process.stderr:
            self.log.append(line)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout):
            stream.close()

    def providers_toml(self, provider_id: str, *, extra: str = "") -> str:
        ports = ", ".join(str(port) for port in self.redirect_ports)
        return (f'[providers.{provider_id}]\nissuer = "{self.issuer}"\nclient_id = "{self.client_id}"\n'
                f"redirect_ports = [{ports}]\n{extra}")

    def discovery(self) -> dict:
        return Browser().get_json(f"{self.issuer}/.well-known/openid-configuration")

    def refresh(self, refresh_token: str) -> tuple[int, dict]:
        """What the token endpoint says to this refresh token now (a success rotates it)."""
        return Browser().post_json(self.discovery()["token_endpoint"], {
            "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": self.client_id})


def _read_line(stream, timeout: float) -> str:
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0].strip() if lines else ""


# --------------------------------------------------------------------------- the user's browser

@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]
    form_id: str = ""


class _PageParser(html.parser.HTMLParser):
    """A page's forms with their named inputs, and its links with their text."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[tuple[str, str]] = []
        self._current: Form | None = None
        self._link: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self._link = [values["href"]]
        elif tag == "form":
            self._current = Form(values.get("action", ""), values.get("method", "get").lower(), {},
                                 values.get("id", ""))
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and values.get("name"):
            self._current.fields[values["name"]] = values.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "a" and self._link is not None:
            href, *text = self._link
            self.links.append((href, "".join(text).strip()))
            self._link = None


@dataclass
class Page:
    url: str
    status: int
    body: str

    def _parsed(self) -> _PageParser:
        parser = _PageParser()
        parser.feed(self.body)
        return parser

    def forms(self) -> list[Form]:
        return self._parsed().forms

    def link(self, text: str) -> str:
        """The absolute address of the link whose text is `text`."""
        hrefs = [href for href, label in self._parsed().links if label == text]
        assert hrefs, f"no link {text!r} on {self.url}:\n{self.body}"
        return urllib.parse.urljoin(self.url, hrefs[0])


@dataclass
class Redirected:
    """The browser was sent to a URL the test asked to stop at (the CLI's callback, say)."""

    url: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies and redirects like a browser; every response is read, none raises for its status."""

    MAX_REDIRECTS = 20

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects(),
                                                   urllib.request.HTTPCookieProcessor(self.cookies))

    def _send(self, method: str, url: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with self._opener.open(request, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def go(self, url: str, *, method: str = "GET", data: dict | None = None,
           stop_at: Callable[[str], bool] | None = None) -> Page | Redirected:
        """Request `url` and follow redirects; stop (without requesting it) at a URL `stop_at` accepts."""
        for _ in range(self.MAX_REDIRECTS):
            if stop_at is not None and stop_at(url):
                return Redirected(url)
            status, location, body = self._send(method, url, data)
            if status not in (301, 302, 303, 307, 308) or not location:
                return Page(url, status, body)
            url = urllib.parse.urljoin(url, location)
            if status in (301, 302, 303):
                method, data = "GET", None
        raise AssertionError(f"more than {self.MAX_REDIRECTS} redirects, the last to {url}")

    def submit(self, page: Page, *, form_id: str = "", stop_at: Callable[[str], bool] | None = None,
               **values: str) -> Page | Redirected:
        """Fill the page's form (`form_id`, else the first) with `values` over its own fields and send it."""
        forms = [form for form in page.forms() if not form_id or form.form_id == form_id]
        assert forms, f"no form{' ' + form_id if form_id else ''} on {page.url} (HTTP {page.status}):\n{page.body}"
        form = forms[0]
        action = urllib.parse.urljoin(page.url, form.action or page.url)
        fields = {**form.fields, **values}
        if form.method == "post":
            return self.go(action, method="POST", data=fields, stop_at=stop_at)
        return self.go(f"{action}?{urllib.parse.urlencode(fields)}", stop_at=stop_at)

    def get_json(self, url: str) -> dict:
        status, _, body = self._send("GET", url)
        assert status == 200, f"GET {url}: HTTP {status}\n{body}"
        return json.loads(body)

    def post_json(self, url: str, data: dict) -> tuple[int, dict]:
        status, _, body = self._send("POST", url, data)
        return status, json.loads(body)


if __name__ == "__main__":  # by hand: `python -m tests.support.independent_idp` serves until Ctrl-C
    running = IndependentIdP.start(free_ports(2))
    print(f"oidc-provider {installed_version()} at {running.issuer}, client {running.client_id}, "
          f"redirect ports {running.redirect_ports}", flush=True)
    try:
        running.process.wait()
    except KeyboardInterrupt:
        running.stop()
