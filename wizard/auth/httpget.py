"""One GET over the standard library's socket and ssl: `models status`'s usage fetch, without httpx2.

Importing httpx2 and building its client costs several times the whole command; this request needs
none of it. It keeps the guarantees of wizard.auth.oauth.send: the caller has checked the address
(https, or plain http only on a loopback address: addresses.require_secure_url); one total deadline
covers connecting, TLS, the request and the answer (every socket operation gets only the time
left, so a server trickling bytes cannot hold it); at most MAX_RESPONSE_BYTES of answer; redirects
are answers, never followed; a new connection, closed afterwards; TLS trusts what httpx2 trusts.

`lean_route(url)` says when this module sends exactly what httpx2 would: not through a proxy
(httpx2 honours HTTP(S)_PROXY and ALL_PROXY), not on macOS or Windows (httpx2 asks the system's
trust store there), not with credentials in the address. Otherwise the caller uses httpx2.
"""

from __future__ import annotations

import os
import socket
import sys
import time
import urllib.parse

from wizard import __version__
from wizard.auth.deadline import MAX_RESPONSE_BYTES
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    import ssl

MAX_HEADER_BYTES = 64 * 1024
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
# httpx2's trust store on Linux when OpenSSL's compiled-in paths are unusable (httpcore2._ssl, after truststore).
CA_FILE_CANDIDATES = ("/etc/ssl/cert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/pki/tls/cert.pem",
                      "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/ca-bundle.pem")
JSON_TYPES = ("application/json", "text/json")
_PATH_SAFE = "!$&'()*+,;=:@/?%"  # RFC 3986 pchar, "/" and "?": everything else in the target is %-escaped
_NO_BODY = (204, 304)


class Failed(Exception):
    """The request did not get a whole HTTP answer; `reason` says why, as data (no header values in it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooLarge(Exception):
    """The answer is larger than MAX_RESPONSE_BYTES (or its headers than MAX_HEADER_BYTES)."""


class TooSlow(Exception):
    """The deadline passed before the answer was complete."""


class Reply:
    """A whole answer: status, headers (lower-case names; repeated ones joined with ", "), body."""

    __slots__ = ("status_code", "headers", "content")

    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code, self.headers, self.content = status_code, headers, content


def json_body(content_type: str, content: bytes) -> object | None:
    """The body as JSON when its type says JSON (application/json, text/json, */*+json) and it parses."""
    kind = content_type.split(";")[0].strip().lower()
    if kind not in JSON_TYPES and not kind.endswith("+json"):
        return None
    from wizard.auth.store import parse_json

    try:
        return parse_json(content)
    except ValueError:
        return None


def lean_route(url: str) -> bool:
    """Whether get() sends this request as httpx2 would (see the module's doc); False: use httpx2."""
    if sys.platform in ("darwin", "win32"):
        return False
    if any(name.lower() in _PROXY_VARIABLES and value for name, value in os.environ.items()):
        return False
    try:
        parts = urllib.parse.urlsplit(url)
        return parts.username is None and parts.password is None and parts.hostname is not None
    except ValueError:
        return False


def get(url: str, headers: dict[str, str], *, deadline: float) -> Reply:
    """GET `url` within `deadline` seconds in all; Failed, TooLarge or TooSlow when no whole answer came."""
    ends = time.monotonic() + deadline
    parts = urllib.parse.urlsplit(url)
    secure = parts.scheme.lower() == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if secure else 80)
    request = _request_bytes(parts, host, port, secure, headers)
    # An ASCII name goes to the resolver as bytes: a str would load the idna codec (a millisecond) first.
    address = host.encode("ascii") if host.isascii() else host
    try:
        sock = socket.create_connection((address, port), timeout=_left(ends))  # type: ignore[arg-type]  # bytes: fine
    except TimeoutError:
        raise TooSlow from None
    except OSError as exc:
        raise Failed(_text(exc)) from None
    try:
        if secure:
            sock = _tls_context().wrap_socket(sock, server_hostname=host)
        sock.settimeout(_left(ends))
        sock.sendall(request)
        return _Answer(sock, ends).read()
    except TimeoutError:
        raise TooSlow from None
    except OSError as exc:  # ssl.SSLError and ConnectionError are OSErrors
        raise Failed(_text(exc)) from None
    finally:
        sock.close()


def _request_bytes(parts: urllib.parse.SplitResult, host: str, port: int, secure: bool,
                   headers: dict[str, str]) -> bytes:
    target = urllib.parse.quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=_PATH_SAFE)
    named_host = f"[{host}]" if ":" in host else host
    default_port = 443 if secure else 80
    lines = {"Host": named_host if port == default_port else f"{named_host}:{port}",
             "Accept": "application/json", "User-Agent": f"openclaw/{__version__}", "Connection": "close"}
    lines.update(headers)
    head = f"GET {target} HTTP/1.1\r\n"
    for name, value in lines.items():
        if any(c in f"{name}{value}" for c in "\r\n\0"):
            raise Failed(M("the {name} header holds a line break", name=name))  # never the value: it may be a token
        head += f"{name}: {value}\r\n"
    try:
        return (head + "\r\n").encode("ascii")
    except UnicodeEncodeError:
        raise Failed(M("a header holds a character that is not ASCII")) from None


def _left(ends: float) -> float:
    left = ends - time.monotonic()
    if left <= 0:
        raise TooSlow
    return left


def _text(exc: BaseException) -> str:
    from wizard.auth.safetext import clean

    return clean(str(exc)).strip() or type(exc).__name__


def _tls_context() -> ssl.SSLContext:
    """What httpx2 trusts on Linux (httpcore2's default_ssl_context): SSL_CERT_FILE or SSL_CERT_DIR when
    set, else OpenSSL's compiled-in CA file and directory, else the usual CA bundle locations."""
    import ssl

    if cafile := os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=cafile)
    if capath := os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=capath)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    found = ssl.get_default_verify_paths()
    cafile = found.openssl_cafile if os.path.isfile(found.openssl_cafile) else None
    capath = found.openssl_capath if os.path.isdir(found.openssl_capath) else None
    if capath and not cafile and not any(_is_hashed_name(name) for name in os.listdir(capath)):
        capath = None
    if not cafile and not capath:
        cafile = next(filter(os.path.isfile, CA_FILE_CANDIDATES), None)
    if cafile or capath:
        context.load_verify_locations(cafile, capath)
    return context


def _is_hashed_name(name: str) -> bool:
    """`[0-9a-f]{8}.N`: a certificate in an OpenSSL hashed directory."""
    stem, dot, number = name.partition(".")
    return bool(dot) and len(stem) == 8 and all(c in "0123456789abcdefABCDEF" for c in stem) \
        and len(number) == 1 and number.isdigit()


class _Answer:
    """Reads one HTTP/1.1 answer from a socket, each read bounded by the time left (RFC 9112 framing)."""

    def __init__(self, sock: socket.socket, ends: float) -> None:
        self.sock, self.ends = sock, ends
        self.buffer = bytearray()
        self.closed = False

    def read(self) -> Reply:
        while True:
            status, headers = self._head()
            if not 100 <= status < 200:
                break
            if status == 101:
                raise Failed(M("the server switched protocols (HTTP 101)"))
        body = b"" if status in _NO_BODY else self._body(headers)
        return Reply(status, headers, _decoded(body, headers.get("content-encoding", "")))

    def _fill(self) -> bool:
        if self.closed:
            return False
        self.sock.settimeout(_left(self.ends))
        chunk = self.sock.recv(65536)
        if not chunk:
            self.closed = True
            return False
        self.buffer += chunk
        return True

    def _line(self, limit: int) -> bytes:
        while True:
            end = self.buffer.find(b"\n")
            if end >= 0:
                line = bytes(self.buffer[:end + 1])
                del self.buffer[:end + 1]
                return line.rstrip(b"\r\n")
            if len(self.buffer) > limit:
                raise TooLarge
            if not self._fill():
                raise Failed(M("the connection closed before the answer was complete"))

    def _head(self) -> tuple[int, dict[str, str]]:
        status_line = self._line(MAX_HEADER_BYTES).decode("latin-1")
        version, _, rest = status_line.partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or not (code.isdigit() and len(code) == 3):
            raise Failed(M("the answer is not HTTP/1.1"))
        headers: dict[str, str] = {}
        size = 0
        while line := self._line(MAX_HEADER_BYTES).decode("latin-1"):
            size += len(line)
            if size > MAX_HEADER_BYTES:
                raise TooLarge
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                raise Failed(M("the answer has a malformed header line"))
            name, value = name.lower(), value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return int(code), headers

    def _body(self, headers: dict[str, str]) -> bytes:
        if "transfer-encoding" in headers:
            if headers["transfer-encoding"].lower().rsplit(",", 1)[-1].strip() == "chunked":
                return self._chunked()
            return self._until_closed()
        if "content-length" in headers:
            lengths = {value.strip() for value in headers["content-length"].split(",")}
            if len(lengths) != 1 or not next(iter(lengths)).isdigit():
                raise Failed(M("the answer has an invalid Content-Length"))
            return self._exactly(int(lengths.pop()))
        return self._until_closed()

    def _exactly(self, size: int) -> bytes:
        if size > MAX_RESPONSE_BYTES:
            raise TooLarge
        while len(self.buffer) < size:
            if not self._fill():
                raise Failed(M("the connection closed before the answer was complete"))
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def _until_closed(self) -> bytes:
        while self._fill():
            if len(self.buffer) > MAX_RESPONSE_BYTES:
                raise TooLarge
        return bytes(self.buffer)

    def _chunked(self) -> bytes:
        body = bytearray()
        while True:
            size_text = self._line(MAX_HEADER_BYTES).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise Failed(M("the answer has a malformed chunk")) from None
            if size == 0:
                while self._line(MAX_HEADER_BYTES):  # trailers
                    pass
                return bytes(body)
            if len(body) + size > MAX_RESPONSE_BYTES:
                raise TooLarge
            body += self._exactly(size)
            if self._exactly(2) != b"\r\n":
                raise Failed(M("the answer has a malformed chunk"))


def _decoded(body: bytes, encoding: str) -> bytes:
    """The body without a gzip or deflate content coding (none is asked for, but a server may send one)."""
    coding = encoding.lower().strip()
    if coding not in ("gzip", "x-gzip", "deflate"):
        return body
    import zlib

    # gzip; deflate as zlib data, or raw deflate as some servers send it
    for window in (31,) if "gzip" in coding else (15, -15):
        try:
            data = zlib.decompressobj(window).decompress(body, MAX_RESPONSE_BYTES + 1)
            break
        except zlib.error:
            continue
    else:
        raise Failed(M("the answer's {coding} coding is broken", coding=coding))
    if len(data) > MAX_RESPONSE_BYTES:
        raise TooLarge
    return data
