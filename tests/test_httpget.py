"""wizard.auth.httpget, the usage fetch's GET without httpx2, against servers that misbehave.

Each server is a real socket on 127.0.0.1 (an ephemeral port) that answers with exactly the bytes a
test gives it, or trickles them, or never answers; the TLS one has a certificate made for the test.
"""

from __future__ import annotations

import gzip
import socket
import time
from pathlib import Path

import pytest

from tests.support.raw_server import Behaviour, answer, response, self_signed_certificate, server, tls_server_context
from wizard.auth import httpget
from wizard.auth.deadline import MAX_RESPONSE_BYTES

JSON = b'{"plan_type": "plus"}'


@pytest.mark.parametrize("raw", [
    response("200 OK", [f"Content-Length: {len(JSON)}", "Content-Type: application/json"], JSON),
    response("200 OK", ["Content-Type: application/json"], JSON),  # delimited by the close
    response("200 OK", ["Transfer-Encoding: chunked", "Content-Type: application/json"],
             b"5;ext=1\r\n" + JSON[:5] + b"\r\n" + f"{len(JSON) - 5:x}".encode() + b"\r\n" + JSON[5:]
             + b"\r\n0\r\nX-Trailer: 1\r\n\r\n"),
    response("100 Continue", [], b"") + response("103 Early Hints", ["Link: </x>"], b"")
    + response("200 OK", [f"Content-Length: {len(JSON)}", "Content-Type: application/json"], JSON),
    response("200 OK", ["Content-Encoding: gzip", "Content-Type: application/json"], gzip.compress(JSON)),
])
def test_every_framing_of_an_answer_gives_the_body(raw: bytes) -> None:
    with server(answer(raw)) as (url, _):
        reply = httpget.get(url + "/backend-api/wham/usage", {}, deadline=5)
    assert reply.status_code == 200 and reply.content == JSON
    assert httpget.json_body(reply.headers["content-type"], reply.content) == {"plan_type": "plus"}


def test_the_request_is_one_get_with_our_headers_and_a_closed_connection() -> None:
    with server(answer(response("204 No Content", [], b""))) as (url, requests):
        reply = httpget.get(url + "/a b/ü?x=1&y=ä", {"Authorization": "Bearer t0k", "originator": "openclaw"},
                            deadline=5)
    assert reply.status_code == 204 and reply.content == b""
    head = requests[0].decode("ascii")
    assert head.startswith("GET /a%20b/%C3%BC?x=1&y=%C3%A4 HTTP/1.1\r\n")
    lines = head.split("\r\n")
    port = url.rsplit(":", 1)[1]
    assert f"Host: 127.0.0.1:{port}" in lines and "Connection: close" in lines
    assert "Authorization: Bearer t0k" in lines and "originator: openclaw" in lines
    assert "Accept: application/json" in lines and any(line.startswith("User-Agent: openclaw/") for line in lines)


def test_a_redirect_is_an_answer_not_followed() -> None:
    with server(answer(response("302 Found", ["Location: http://127.0.0.1:9/elsewhere", "Content-Length: 0"],
                                b""))) as (url, requests):
        reply = httpget.get(url + "/x", {}, deadline=5)
    assert reply.status_code == 302 and len(requests) == 1


def test_a_header_with_a_line_break_is_refused_without_showing_it() -> None:
    with server(answer(b"")) as (url, requests):
        with pytest.raises(httpget.Failed) as caught:
            httpget.get(url, {"Authorization": "Bearer secret\r\nX-Evil: 1"}, deadline=5)
    assert "secret" not in caught.value.reason and "Authorization" in caught.value.reason
    assert requests == []  # nothing was sent


@pytest.mark.parametrize("raw, needle", [
    (b"SSH-2.0-OpenSSH_9.2\r\n", "not HTTP/1.1"),
    (response("200 OK", ["Content-Length: 100"], b"short"), "closed before the answer was complete"),
    (response("200 OK", ["Content-Length: 5", "Content-Length: 6"], b"12345"), "invalid Content-Length"),
    (response("200 OK", ["Transfer-Encoding: chunked"], b"zz\r\n"), "malformed chunk"),
    (response("200 OK", ["Content-Encoding: gzip"], b"not gzip"), "gzip coding is broken"),
    (b"", "closed before the answer was complete"),
])
def test_a_broken_answer_is_a_reason(raw: bytes, needle: str) -> None:
    with server(answer(raw)) as (url, _):
        with pytest.raises(httpget.Failed, match=needle):
            httpget.get(url, {}, deadline=5)


@pytest.mark.parametrize("raw", [
    response("200 OK", [f"Content-Length: {MAX_RESPONSE_BYTES + 1}"], b""),  # refused before reading it
    response("200 OK", [], b"x" * (MAX_RESPONSE_BYTES + 10)),
    response("200 OK", ["Transfer-Encoding: chunked"], b"".join([b"10000\r\n" + b"y" * 0x10000 + b"\r\n"] * 17)),
    response("200 OK", ["Content-Encoding: gzip"], gzip.compress(b"\0" * (MAX_RESPONSE_BYTES + 1))),
    b"HTTP/1.1 200 OK\r\n" + b"X-Long: " + b"h" * (70 * 1024) + b"\r\n\r\n",
])
def test_more_than_the_cap_is_too_large(raw: bytes) -> None:
    with server(answer(raw)) as (url, _):
        with pytest.raises(httpget.TooLarge):
            httpget.get(url, {}, deadline=10)


def trickle(conn: socket.socket, head: bytes) -> None:
    for byte in response("200 OK", ["Content-Length: 1000"], b"x" * 1000):
        conn.sendall(bytes([byte]))
        time.sleep(0.05)


def silent(conn: socket.socket, head: bytes) -> None:
    time.sleep(3)


@pytest.mark.parametrize("behaviour", [trickle, silent])
def test_the_deadline_is_a_total(behaviour: Behaviour) -> None:
    with server(behaviour) as (url, _):
        started = time.monotonic()
        with pytest.raises(httpget.TooSlow):
            httpget.get(url, {}, deadline=0.6)
        assert time.monotonic() - started < 1.5


def test_a_closed_port_is_a_reason() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    with pytest.raises(httpget.Failed, match="refused"):
        httpget.get(f"http://127.0.0.1:{port}/", {}, deadline=5)


# --------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def test_tls_with_a_trusted_certificate(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # as httpx2 honours it
    body = response("200 OK", [f"Content-Length: {len(JSON)}", "Content-Type: application/json"], JSON)
    with server(answer(body), tls=tls_server_context(certificate)) as (url, requests):
        reply = httpget.get(url.replace("127.0.0.1", "localhost") + "/u", {}, deadline=5)
    assert reply.content == JSON and requests[0].startswith(b"GET /u HTTP/1.1")


def test_tls_with_an_untrusted_certificate_is_refused(certificate: tuple[Path, Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with server(answer(response("200 OK", [], JSON)), tls=tls_server_context(certificate)) as (url, requests):
        with pytest.raises(httpget.Failed, match="CERTIFICATE_VERIFY_FAILED"):
            httpget.get(url + "/u", {"Authorization": "Bearer t0k"}, deadline=5)
    assert requests == []  # the token never left


# --------------------------------------------------------------------------- when httpx2 takes the request


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"])
def test_a_proxy_in_the_environment_goes_through_httpx2(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert httpget.lean_route("https://chatgpt.com/backend-api/wham/usage")
    monkeypatch.setenv(variable, "http://proxy.example:3128")
    assert not httpget.lean_route("https://chatgpt.com/backend-api/wham/usage")
    monkeypatch.setenv(variable, "")
    assert httpget.lean_route("https://chatgpt.com/backend-api/wham/usage")


def test_macos_windows_and_credentials_in_the_address_go_through_httpx2(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not httpget.lean_route("https://user:pw@chatgpt.com/x")
    for platform in ("darwin", "win32"):
        monkeypatch.setattr(httpget.sys, "platform", platform)
        assert not httpget.lean_route("https://chatgpt.com/x")
