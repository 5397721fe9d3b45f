"""Reliability figures for sign-in and credentials, from tests anyone can re-run.

- fuzz: raw HTTP requests at the loopback callback server, pasted redirect URLs,
  credential files (random JSON and bytes);
- faults: the token endpoint going away or stalling mid-exchange under a real login;
- concurrency: 32 processes refreshing one rotating refresh token at once;
- security: loopback-only listener, no secret on any command line, in output or in
  error text, private file modes under umask 000.

Each figure is printed as a `FIGURE` line (run with -s to see them).
"""

from __future__ import annotations

import functools
import json
import os
import queue
import re
import socket
import stat
import string
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, json_lines, openclaw_argv
from tests.e2e.test_signin import Login, browser_get, port_is_free, query_of
from tests.support import children
from tests.support.figures import detail, figure
from tests.support.oauth_server import OAuthTestServer
from tests.test_loopback import free_port
from wizard.auth import loopback, store
from wizard.auth import oauth as oauth_client
from wizard.auth.redirect import MAX_QUERY_FIELDS, ProviderRefused
from wizard.auth.refresh import refresh
from wizard.auth.signin import PastedCode, PasteRejected, read_paste
from wizard.errors import WizardError

LOOPBACK_EXAMPLES = 400
PASTE_EXAMPLES = 500
CREDENTIAL_EXAMPLES = 400
RACERS = 32
MIN_SCANS = 3  # the watcher must have looked at every command line a few times while the CLI ran

STATE = "St4te-" + "q7Zx_K2m" * 5
CALLBACK = "/auth/callback"
REDIRECT_URI = f"http://127.0.0.1:1455{CALLBACK}"
CODEX = "openai-codex"


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# =========================================================================== 1a. the callback request parser

STATE_VALUES = st.one_of(
    st.just(STATE), st.just(STATE + "x"), st.just("x" + STATE), st.just(STATE[:-1]), st.just(STATE.upper()),
    st.just(" " + STATE), st.just(STATE + "\x00"), st.just(""), st.text(max_size=24))
PARAM_NAMES = st.one_of(
    st.sampled_from(["code", "state", "error", "error_description", "scope", "Code", "STATE", "state ", "state[]"]),
    st.text(max_size=8))
PARAM_VALUES = st.one_of(st.text(max_size=40), st.just(""), st.sampled_from(["access_denied", "the-code-1234567"]))
PAIRS = st.lists(st.one_of(st.tuples(st.just("state"), STATE_VALUES), st.tuples(PARAM_NAMES, PARAM_VALUES)),
                 max_size=8)
METHODS = st.one_of(st.sampled_from(["GET", "GET", "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH",
                                     "TRACE", "CONNECT", "get", "BREW"]),
                    st.text(alphabet=string.ascii_letters, min_size=1, max_size=8))
ABSOLUTE_CALLBACK = f"http://127.0.0.1{CALLBACK}"
TARGET_PATHS = st.sampled_from([CALLBACK, CALLBACK, CALLBACK, ABSOLUTE_CALLBACK, CALLBACK + "/", "/AUTH/CALLBACK",
                                "/auth/callback/../callback", "//auth/callback", "/auth%2Fcallback",
                                "/auth/callbackx", "/cancel", "/", "*", "", "//[::1", "http://[x/auth/callback"])
VERSIONS = st.sampled_from(["HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/0.9", "HTTP/2.0", "", "HTTP/1.1 extra",
                            "http/1.1"])
HEADER_NAMES = st.one_of(st.sampled_from(["Host", "Content-Length", "Expect", "Transfer-Encoding", "Connection",
                                          "Cookie", "Referer"]), st.text(max_size=12))
HEADERS = st.lists(st.tuples(HEADER_NAMES, st.text(max_size=40)), max_size=4)
PADDINGS = [0, 0, 0, 100, 8300, 70000]
PADDING = st.sampled_from(PADDINGS)


@dataclass
class CallbackRequest:
    """A request built from parts, so the test knows what it carries."""

    method: str
    path: str
    pairs: list[tuple[str, str]]
    version: str
    headers: list[tuple[str, str]]
    padding: int
    tail: bytes

    @property
    def target(self) -> str:
        pairs = self.pairs + ([("pad", "a" * self.padding)] if self.padding else [])
        query = "&".join(f"{urllib.parse.quote(k, safe='')}={urllib.parse.quote(v, safe='')}" for k, v in pairs)
        return f"{self.path}?{query}" if query else self.path

    def payload(self) -> bytes:
        line = " ".join(part for part in (self.method, self.target, self.version) if part)
        head = [line.encode("utf-8")] + [f"{k}: {v}".encode() for k, v in self.headers]
        return b"\r\n".join(head) + b"\r\n\r\n" + self.tail

    def first(self, name: str) -> str | None:
        return next((value for key, value in self.pairs if key == name), None)

    def may_deliver_a_code(self) -> bool:
        """The weakest thing a delivered code needs: a GET of the callback, the exact state first, a code."""
        return (self.method == "GET" and self.path in (CALLBACK, ABSOLUTE_CALLBACK)
                and self.first("state") == STATE and not self.first("error") and bool(self.first("code")))

    def must_deliver_a_code(self) -> bool:
        """A plain, well-formed browser request with the right state and a code."""
        return (self.may_deliver_a_code() and self.path == CALLBACK and self.version in ("HTTP/1.0", "HTTP/1.1")
                and not self.headers and not self.tail and len(self.target) <= loopback.MAX_REQUEST_TARGET
                and len(self.pairs) + (1 if self.padding else 0) <= MAX_QUERY_FIELDS)


CALLBACK_REQUESTS = st.builds(CallbackRequest, METHODS, TARGET_PATHS, PAIRS, VERSIONS, HEADERS, PADDING,
                              st.one_of(st.just(b""), st.binary(max_size=64)))


def browser_like(code: str, state: str, extra: list) -> st.SearchStrategy:
    return st.permutations([("code", code), ("state", state), *extra]).map(
        lambda pairs: CallbackRequest("GET", CALLBACK, list(pairs), "HTTP/1.1", [], 0, b""))


BROWSER_LIKE_REQUESTS = st.tuples(st.one_of(st.just("ac_" + "c" * 30), PARAM_VALUES), STATE_VALUES,
                                  st.lists(st.tuples(PARAM_NAMES, PARAM_VALUES), max_size=3)).flatmap(
    lambda parts: browser_like(*parts))
RAW_BYTES = st.one_of(st.binary(max_size=2048),
                      st.binary(max_size=256).map(lambda junk: b"GET " + CALLBACK.encode() + b"?" + junk))


class Responder:
    """Plays the sign-in side of the inbox: answers every delivered code at once and keeps what arrived."""

    def __init__(self, inbox: queue.Queue):
        self.inbox = inbox
        self.codes: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                item = self.inbox.get(timeout=0.05)
            except queue.Empty:
                continue
            if isinstance(item, loopback.CodeReceived):
                self.codes.append(item.code)  # recorded before the browser gets its page
                item.respond(200, "<html>ok</html>")

    def take_codes(self) -> list[str]:
        codes, self.codes = self.codes, []
        return codes

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def send_raw(port: int, payload: bytes) -> bytes:
    """Send bytes, half-close, read the reply to the end; a reset by the server is a (short) reply."""
    chunks: list[bytes] = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    return b"".join(chunks)


def still_answers(port: int) -> bool:
    return send_raw(port, b"GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.0 404")


@pytest.fixture
def callback_server():
    inbox: queue.Queue = queue.Queue()
    server = loopback.start([0], state=STATE, callback_path=CALLBACK, inbox=inbox)  # the system picks a free port
    responder = Responder(inbox)
    yield server, responder
    responder.stop()
    server.close()


def test_fuzzed_callback_requests_never_crash_and_never_deliver_a_code_without_the_state(callback_server):
    server, responder = callback_server
    counts = {"structured": 0, "raw": 0, "delivered": 0}

    @fuzz_settings(LOOPBACK_EXAMPLES)
    @given(st.one_of(CALLBACK_REQUESTS, BROWSER_LIKE_REQUESTS))
    @example(CallbackRequest("GET", CALLBACK, [("code", "c0de"), ("state", STATE)], "HTTP/1.1", [], 0, b""))
    @example(CallbackRequest("GET", CALLBACK, [("state", "wrong"), ("state", STATE), ("code", "c")], "HTTP/1.1",
                             [], 0, b""))
    @example(CallbackRequest("GET", CALLBACK, [("code", "c"), ("state", STATE)], "HTTP/1.1", [], 70000, b""))
    def structured(request: CallbackRequest) -> None:
        counts["structured"] += 1
        reply = send_raw(server.port, request.payload())
        if request.padding < 65000:
            assert reply, f"no answer to {request.payload()[:300]!r}"
        delivered = responder.take_codes()
        counts["delivered"] += len(delivered)
        if delivered:
            assert request.may_deliver_a_code(), f"a code was accepted from {request.payload()[:300]!r}"
            assert delivered == [request.first("code")]
        if request.must_deliver_a_code():
            assert delivered == [request.first("code")], "a well-formed callback was refused"
        assert still_answers(server.port)

    @fuzz_settings(LOOPBACK_EXAMPLES)
    @given(RAW_BYTES)
    @example(b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n")
    @example(b"GET /auth/callback HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n")
    @example(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
    def raw_bytes(payload: bytes) -> None:
        counts["raw"] += 1
        send_raw(server.port, payload)
        assert responder.take_codes() == []
        assert still_answers(server.port)

    structured()
    raw_bytes()
    assert counts["structured"] >= LOOPBACK_EXAMPLES and counts["raw"] >= LOOPBACK_EXAMPLES
    assert counts["delivered"] >= 1  # the positive control ran
    detail(f"loopback fuzz: {counts}")
    figure(f"{LOOPBACK_EXAMPLES} generated HTTP requests (random methods, paths, headers, query strings with "
           f"code, state and error, up to {max(PADDINGS) // 1000} KB) and {LOOPBACK_EXAMPLES} raw byte streams, "
           "plus fixed edge cases, at the callback listener: no crash, it answered a valid request after each, "
           "and it delivered a code only with the exact state")


# =========================================================================== 1b. pasted redirect URLs

LEAK_MARKER = "sk-LEAKMARKER-"
PASTE_PREFIXES = st.sampled_from([REDIRECT_URI + "?", "http://localhost:1455/auth/callback?", "?", "",
                                  "https://evil.example/cb?", REDIRECT_URI + "#", "127.0.0.1:1455/auth/callback?"])
WRAPPERS = st.sampled_from([("", ""), ("'", "'"), ('"', '"'), ("<", ">"), (" \t", "\n")])
PASTE_CODES = st.one_of(st.just("ac_" + "Z" * 20), st.text(min_size=1, max_size=30),
                        st.text(alphabet=string.ascii_letters, min_size=1, max_size=20).map(lambda s: LEAK_MARKER + s))


@dataclass
class PastedUrl:
    prefix: str
    pairs: list[tuple[str, str]]
    wrapper: tuple[str, str]

    @property
    def text(self) -> str:
        query = "&".join(f"{urllib.parse.quote(k, safe='')}={urllib.parse.quote(v, safe='')}" for k, v in self.pairs)
        return self.wrapper[0] + self.prefix + query + self.wrapper[1]

    def carries_the_state(self) -> bool:
        return any(key == "state" and value == STATE for key, value in self.pairs)

    def values(self) -> list[str]:
        return [value for _, value in self.pairs]


@dataclass
class PastedCodeAndState:
    code: str
    state: str

    @property
    def text(self) -> str:
        return f"{self.code}#{self.state}"

    def carries_the_state(self) -> bool:
        return self.state == STATE

    def values(self) -> list[str]:
        return [self.code, self.state]


PASTE_PAIRS = st.lists(st.one_of(st.tuples(st.just("state"), STATE_VALUES), st.tuples(st.just("code"), PASTE_CODES),
                                 st.tuples(PARAM_NAMES, PARAM_VALUES)), max_size=6)
PASTED_URLS = st.builds(PastedUrl, PASTE_PREFIXES, PASTE_PAIRS, WRAPPERS)
PASTED_CODE_AND_STATE = st.builds(PastedCodeAndState, PASTE_CODES, STATE_VALUES)


def accepted_with_state(result: object) -> bool:
    return isinstance(result, ProviderRefused) or (isinstance(result, PastedCode) and result.state_checked)


@functools.cache
def fixed_reasons() -> frozenset[str]:
    """Every rejection text read_paste can give: one per kind of bad paste, whatever was pasted."""
    samples = ["not a code!!", "?state=other&code=" + "c" * 20, "?code=" + "c" * 20, f"?state={STATE}"]
    return frozenset(read_paste(sample, STATE, REDIRECT_URI).reason for sample in samples)




def assert_reason_quotes_nothing(result: object, pasted: list[str]) -> None:
    """A rejection is one of the fixed texts, so it cannot quote the paste (which may be a secret).

    (Checking `value not in reason` instead is wrong: a paste such as "/auth/callba" is legitimately
    part of the fixed text, which names the redirect URI.)"""
    if isinstance(result, PasteRejected):
        assert result.reason in fixed_reasons(), f"a rejection text depends on the paste: {result.reason!r}"
        assert LEAK_MARKER not in result.reason


def test_the_fixed_rejection_texts_are_the_four_expected():
    """A sanity check of the oracle above: four distinct texts, one per kind of bad paste (garbage, a foreign
    state, no state, no code). Fewer would mean a sample stopped being rejected or two kinds share a text."""
    samples = fixed_reasons()  # computed here, not at import: a bug in read_paste fails a test, not collection
    assert len(samples) == 4


def test_fuzzed_pastes_never_raise_and_never_skip_the_state_check():
    counts = {"text": 0, "url": 0, "code#state": 0, "accepted": 0}

    @fuzz_settings(PASTE_EXAMPLES)
    @given(st.text(max_size=300))
    @example(f"code=x&state={STATE}x")
    @example("?" + "&" * 100)
    @example("http://[::1")
    @example("/auth/callba")
    def any_text(text: str) -> None:
        counts["text"] += 1
        result = read_paste(text, STATE, REDIRECT_URI)
        if accepted_with_state(result):
            assert STATE in urllib.parse.unquote_plus(text)
        assert_reason_quotes_nothing(result, [text])

    @fuzz_settings(PASTE_EXAMPLES)
    @given(st.one_of(PASTED_URLS, PASTED_CODE_AND_STATE))
    @example(PastedUrl(REDIRECT_URI + "?", [("code", "ac_" + "Z" * 20), ("state", STATE)], ("", "")))
    @example(PastedUrl(REDIRECT_URI + "?", [("state", STATE), ("state", "other"), ("code", "c")], ("", "")))
    def built_pastes(paste) -> None:
        counts["url" if isinstance(paste, PastedUrl) else "code#state"] += 1
        result = read_paste(paste.text, STATE, REDIRECT_URI)
        if accepted_with_state(result):
            counts["accepted"] += 1
            assert paste.carries_the_state(), f"accepted without the exact state: {paste.text!r}"
        if isinstance(result, PastedCode):
            assert result.code and result.code in paste.values() + [paste.text.strip().strip("'\"<>").strip()]
        assert_reason_quotes_nothing(result, paste.values() + [paste.text])

    any_text()
    built_pastes()
    assert counts["text"] >= PASTE_EXAMPLES and counts["url"] + counts["code#state"] >= PASTE_EXAMPLES
    assert counts["accepted"] >= 1
    detail(f"paste fuzz: {counts}")
    figure(f"{PASTE_EXAMPLES} random texts and {PASTE_EXAMPLES} generated redirect URLs and code#state pastes, "
           "plus fixed edge cases: no exception, never accepted without the exact state, and no rejection "
           "message quoting the paste")


# =========================================================================== 1c. credential files

JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=12)
SECRET_TOKEN = "at-SECRET-" + "k" * 16
PLAUSIBLE_EXPIRY = st.integers(min_value=-store.MAX_EXPIRES_AT_MS, max_value=store.MAX_EXPIRES_AT_MS)


def mostly(plausible: st.SearchStrategy, *odd: st.SearchStrategy) -> st.SearchStrategy:
    """Plausible values three times in four, anything else the rest."""
    return st.one_of(plausible, plausible, plausible, st.one_of(*odd, JSON_VALUES))


NEAR_RECORDS = st.fixed_dictionaries(
    {"provider": mostly(st.just(CODEX), st.just("openai-api-key")), "access_token": mostly(st.just(SECRET_TOKEN))},
    optional={"refresh_token": mostly(st.just("rt-SECRET-" + "r" * 16), st.just("")),
              "expires_at": mostly(PLAUSIBLE_EXPIRY, st.floats(), st.just(10 ** 400), st.just(1_700_000_000)),
              "scope": mostly(st.text(max_size=20), st.lists(st.text(max_size=8), max_size=3)),
              "type": mostly(st.sampled_from(store.CREDENTIAL_TYPES), st.just("bogus")),
              "email": mostly(st.emails()), "id_token": mostly(st.text(min_size=1, max_size=20))})
VALID_RECORDS = st.fixed_dictionaries(
    {"provider": st.just(CODEX), "access_token": st.text(min_size=1, max_size=40),
     "expires_at": st.one_of(st.none(), st.integers(min_value=100_000_000_000, max_value=store.MAX_EXPIRES_AT_MS))},
    optional={"refresh_token": st.text(min_size=1, max_size=40), "email": st.emails(), "scope": st.text(max_size=20)})
CREDENTIAL_BYTES = st.one_of(
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    NEAR_RECORDS.map(lambda v: json.dumps(v).encode()),
    VALID_RECORDS.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=300))
HOSTILE_FILES = [
    b"[" * 100_000,
    b"1" * 5000,
    b'{"provider": "openai-codex", "access_token": "x", "expires_at": 1e999}',
    b'{"provider": "openai-codex", "access_token": "x", "expires_at": NaN}',
    b'{"provider": "openai-codex", "access_token": "x", "expires_at": -Infinity}',
    b'{"provider": "openai-codex", "access_token": "x", "expires_at": 1e300}',
    b'{"provider": "openai-codex", "access_token": "x", "expires_at": ' + b"9" * 400 + b"}",
    b"\xef\xbb\xbf{}",
    b"\xff\xfe{\x00}\x00",
    b"",
]


def write_credential(state_dir: Path, data: bytes) -> Path:
    path = state_dir / "credentials" / f"{CODEX}.json"
    path.parent.mkdir(mode=0o700, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, 0o600)
    return path


def assert_validated(record: dict) -> None:
    assert record["provider"] == CODEX
    assert isinstance(record["access_token"], str) and record["access_token"]
    assert record["type"] in store.CREDENTIAL_TYPES
    expires_at = record["expires_at"]
    assert expires_at is None or (type(expires_at) is int and abs(expires_at) <= store.MAX_EXPIRES_AT_MS)


def test_fuzzed_credential_files_load_or_fail_cleanly_and_stay_untouched(state_dir, monkeypatch):
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state_dir))
    counts = {"files": 0, "loaded": 0, "refused": 0}

    def check(data: bytes) -> None:
        counts["files"] += 1
        path = write_credential(state_dir, data)
        try:
            record = store.load(CODEX, path)
        except store.CredentialError as exc:
            counts["refused"] += 1
            assert SECRET_TOKEN not in exc.render()
        else:
            counts["loaded"] += 1
            assert_validated(record)
        assert path.read_bytes() == data

    for data in HOSTILE_FILES:
        check(data)
    fuzz_settings(CREDENTIAL_EXAMPLES)(given(CREDENTIAL_BYTES)(check))()
    assert counts["files"] >= CREDENTIAL_EXAMPLES + len(HOSTILE_FILES)
    assert counts["loaded"] >= 1 and counts["refused"] >= 1
    detail(f"credential-file fuzz: {counts}")
    figure(f"{CREDENTIAL_EXAMPLES} random JSON documents, near-valid records and byte strings, plus "
           f"{len(HOSTILE_FILES)} hostile files (NaN, 1e999, 5,000-digit numbers, 100,000-deep nesting, UTF-16, "
           "empty): each either loaded and validated or was refused with a message naming the problem; no other "
           "exception, no file changed")


STATUS_FILES = HOSTILE_FILES + [
    b'{"provider": "openai-codex", "access_token": "x", "expires_at": 1700000000}',
    b'{"provider": "openai-codex", "access_token": "x", "expires_at": 253402300799999}',
    b'{"provider": "openai-codex", "access_token": "x", "expires_at": -253402300799999}',
    b'{"provider": "openai-codex", "access_token": "x", "refresh_token": 7}',
    b'["not", "an", "object"]',
]


@pytest.mark.parametrize("data", STATUS_FILES, ids=range(len(STATUS_FILES)))
def test_real_status_and_refresh_commands_survive_hostile_credential_files(run_cli, state_dir, data):
    path = write_credential(state_dir, data)
    for args in (("models", "auth", "status"), ("models", "auth", "status", "--json"),
                 ("models", "auth", "refresh", "--provider", CODEX)):
        result = run_cli(*args)
        assert result.returncode in (0, 1, 2), (args, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout, (args, result.stderr)
        assert path.read_bytes() == data


# =========================================================================== 2. faults mid-exchange

class DyingTokenEndpoint:
    """A token endpoint that takes the request, then goes away (or never answers) on cue."""

    def __init__(self):
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.request_arrived = threading.Event()
        self.requests: list[bytes] = []
        self._connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self._connections.append(connection)
            self.requests.append(self._read_request(connection))
            self.request_arrived.set()

    @staticmethod
    def _read_request(connection: socket.socket) -> bytes:
        connection.settimeout(5)
        data = b""
        try:
            while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < _content_length(data):
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        return data

    def go_away(self) -> None:
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close alone would not
        self._listener.close()
        for connection in self._connections:
            connection.close()


def _content_length(data: bytes) -> int:
    found = re.search(rb"(?im)^content-length:\s*(\d+)", data)
    return int(found.group(1)) if found else 0


def provider_table(pid: str, issuer: str, callback_port: int, *, discovery: bool) -> str:
    return (f'[providers.{pid}]\nissuer = "{issuer}"\nclient_id = "test-oidc-client"\n'
            f"discovery = {str(discovery).lower()}\nredirect_port = {callback_port}\n")


def start_login(cli_env: dict, cwd: Path, provider: str, *extra: str, env: dict | None = None,
                umask: int = -1) -> Login:
    proc = children.popen(openclaw_argv("models", "auth", "login", "--provider", provider, "--no-browser", *extra),
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env={**cli_env, **(env or {})}, cwd=cwd, bufsize=1, umask=umask)
    return Login(proc)


def browser_returns(url: str) -> dict:
    """The browser coming back to the loopback, in the background; its page lands in the dict."""
    page: dict = {}
    thread = threading.Thread(target=lambda: page.update(zip(("status", "body"), browser_get(url), strict=True)),
                              daemon=True)
    thread.start()
    page["thread"] = thread
    return page


def assert_failed_cleanly(run: Login, state_dir: Path, callback_port: int, words: str) -> str:
    code, stdout, stderr = run.finish(timeout=20)
    assert code == 1, stderr
    assert words in stderr, stderr
    assert "Traceback" not in stderr + stdout
    assert not (state_dir / "credentials").exists() or not any((state_dir / "credentials").glob("*.json"))
    assert port_is_free(callback_port)
    return stderr


def test_token_endpoint_going_away_mid_exchange_is_a_plain_network_error(cli_env, state_dir, tmp_path):
    endpoint = DyingTokenEndpoint()
    callback_port = free_port()
    (state_dir / "providers.toml").write_text(
        provider_table("dying", f"http://127.0.0.1:{endpoint.port}", callback_port, discovery=False))
    run = start_login(cli_env, tmp_path, "dying")
    state = query_of(run.authorize_url())["state"]
    page = browser_returns(f"http://127.0.0.1:{callback_port}{CALLBACK}?code=ac_gone_{'x' * 20}&state={state}")
    try:
        assert endpoint.request_arrived.wait(10), "the token request never reached the endpoint"
        assert b"ac_gone_" in endpoint.requests[0]  # it really was mid-exchange
    finally:
        endpoint.go_away()
    stderr = assert_failed_cleanly(run, state_dir, callback_port, "could not reach the token endpoint")
    page["thread"].join(10)
    assert page["status"] == 400 and "Sign-in failed" in page["body"]
    assert "ac_gone_" not in stderr
    figure("the token endpoint closing the connection mid-exchange: exit 1 with a plain network message, the "
           "browser shown the failure, nothing stored, the callback port free again")


def test_token_endpoint_that_never_answers_times_out_plainly(cli_env, state_dir, tmp_path):
    endpoint = DyingTokenEndpoint()
    callback_port = free_port()
    (state_dir / "providers.toml").write_text(
        provider_table("silent", f"http://127.0.0.1:{endpoint.port}", callback_port, discovery=False))
    run = start_login(cli_env, tmp_path, "silent", env={"OPENCLAW_HTTP_TIMEOUT": "1"})
    state = query_of(run.authorize_url())["state"]
    browser_returns(f"http://127.0.0.1:{callback_port}{CALLBACK}?code=ac_silent_{'x' * 20}&state={state}")
    try:
        assert_failed_cleanly(run, state_dir, callback_port, "the token endpoint at 127.0.0.1")
        assert "did not answer within 1 s" in "".join(run.stderr_lines)
    finally:
        endpoint.go_away()
    figure("the token endpoint never answering: exit 1 after the 1 s HTTP timeout, nothing stored, the port free "
           "again")


def test_oauth_server_stopped_while_the_token_request_hangs(cli_env, state_dir, tmp_path):
    server = OAuthTestServer(device_interval=0).start()
    callback_port = free_port()
    try:
        server.add_redirect_uri(f"http://127.0.0.1:{callback_port}{CALLBACK}")
        (state_dir / "providers.toml").write_text(provider_table("flaky", server.issuer, callback_port, discovery=True))
        run = start_login(cli_env, tmp_path, "flaky")
        server.fail_next_token("hang")
        browser_returns(server.authorize(run.authorize_url()))
        deadline = time.monotonic() + 10
        while server.stats["token_authorization_code"] == 0:
            assert time.monotonic() < deadline, "the token request never arrived"
            time.sleep(0.02)
    finally:
        server.stop()  # releases the hang: the test server answers 500 on its way down
    assert_failed_cleanly(run, state_dir, callback_port, "the token endpoint")


# =========================================================================== 3. 32 concurrent refreshers

RACER = """
import json, os, sys, time
from wizard.auth import oauth  # the HTTP stack loads before the start line, not during the race
from wizard.auth.refresh import ensure_fresh
open(os.path.join(sys.argv[2], str(os.getpid())), "w").close()
while not os.path.exists(sys.argv[1]):
    time.sleep(0.002)
print(json.dumps(ensure_fresh("openai-codex")["access_token"]))
"""


def wait_until_all_ready(ready: Path, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(list(ready.iterdir())) < count:
        assert time.monotonic() < deadline, f"only {len(list(ready.iterdir()))} of {count} racers got ready"
        time.sleep(0.02)


def test_32_processes_refresh_a_rotating_token_exactly_once(oauth, point_codex_at, state_dir, cli_env, tmp_path,
                                                            monkeypatch):
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state_dir))
    point_codex_at(oauth)
    store.save(oauth_client.credential_record(CODEX, oauth.mint_tokens(access_ttl=-10)))
    go, ready = tmp_path / "go", tmp_path / "ready"
    ready.mkdir()
    racers = [children.popen([sys.executable, "-c", RACER, str(go), str(ready)], env=cli_env, cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(RACERS)]
    wait_until_all_ready(ready, RACERS)
    go.touch()
    results = [proc.communicate(timeout=60) for proc in racers]
    assert [proc.returncode for proc in racers] == [0] * RACERS, [err for _, err in results]
    tokens = {json.loads(out) for out, _ in results}
    refreshes = oauth.stats["token_refresh"]
    assert len(tokens) == 1 and refreshes == 1
    token = tokens.pop()
    assert oauth.is_access_token_valid(token)
    assert store.load(CODEX)["access_token"] == token
    assert oauth.is_access_token_valid(refresh(CODEX, force=True)["access_token"])  # the stored rotation is live
    figure(f"{RACERS} processes released at once on one expired sign-in made {refreshes} refresh reach the "
           f"server, all {RACERS} ended with the same valid token, and the rotated refresh token on disk was "
           "still accepted afterwards")


# =========================================================================== 4. security

def other_local_addresses() -> list[str]:
    """IPv4 addresses of this machine that are not 127.0.0.1 (127.0.0.2 always reaches loopback on Linux)."""
    found = {"127.0.0.2"}
    try:
        out = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True, timeout=5).stdout
        found.update(re.findall(r"inet (\d+\.\d+\.\d+\.\d+)/", out))
    except (OSError, subprocess.SubprocessError):
        pass
    for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
        found.add(info[4][0])
    found.discard("127.0.0.1")
    return sorted(found)


def refused_at(address: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex((address, port)) != 0


def test_callback_listener_is_bound_to_127_0_0_1_only(callback_server):
    server, _ = callback_server
    assert server.address == ("127.0.0.1", server.port)
    others = other_local_addresses()  # 127.0.0.2 at least: it reaches loopback, so a 0.0.0.0 listener answers
    for address in others:
        assert refused_at(address, server.port), f"the callback listener answered on {address}"
    assert still_answers(server.port)
    detail(f"loopback-only: refused on {', '.join(others)}")
    figure("the callback listener is bound to 127.0.0.1 only: connections to 127.0.0.2 and to every other "
           "address of this machine were refused")


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.add(address)
    return found


class CommandLineWatcher:
    """Collects every process's command line (/proc/*/cmdline and `ps -eo args`) until stopped."""

    def __init__(self):
        self.seen: set[str] = set()
        self.scans = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CommandLineWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._scan_proc()
            self._scan_ps()
            self.scans += 1

    def _scan_proc(self) -> None:
        for path in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                self.seen.add(path.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace"))
            except OSError:
                pass

    def _scan_ps(self) -> None:
        out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        self.seen.update(out.splitlines())

    def saw(self, words: str) -> bool:
        return any(words in line for line in self.seen)

    def leaks(self, secrets: list[str]) -> list[str]:
        return [secret for secret in secrets if any(secret in line for line in self.seen)]


def run_watched(argv: list[str], env: dict, cwd: Path, *, umask: int = -1) -> tuple[CommandLineWatcher, int, str, str]:
    with CommandLineWatcher() as watcher:
        proc = children.popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, umask=umask)
        stdout, stderr = proc.communicate(timeout=60)
    assert watcher.scans >= MIN_SCANS, f"the command lines were scanned only {watcher.scans} times"
    return watcher, proc.returncode, stdout, stderr


ANTHROPIC_KEY = "sk-ant-api03-" + "SeCrEt" * 6
TELEGRAM_TOKEN = "123456789:AAEhBOweik9ad9r_SeCrEtTeLeGrAmToKeN"


def test_api_key_from_env_appears_on_no_command_line_and_in_no_output(cli_env, state_dir, tmp_path):
    argv = openclaw_argv("onboard", "--json", "--auth-choice", "anthropic-api-key", "--token", "env:K")
    watcher, code, stdout, stderr = run_watched(argv, {**cli_env, "K": ANTHROPIC_KEY}, tmp_path)
    assert code == 0, stderr
    assert watcher.saw("--auth-choice anthropic-api-key"), "the watcher never saw the command running"
    assert watcher.leaks([ANTHROPIC_KEY]) == []
    assert ANTHROPIC_KEY not in stdout + stderr
    assert json_lines(stdout)[-1]["event"] == "done"
    assert store.load("anthropic-api-key", state_dir / "credentials" / "anthropic-api-key.json")["access_token"] \
        == ANTHROPIC_KEY
    detail(f"no secret on command lines: {watcher.scans} scans during onboard --token env:K")


def stored_secrets(state_dir: Path) -> list[str]:
    data = json.loads((state_dir / "credentials" / "secrets.json").read_text())
    return list(data["secrets"].values())


def test_telegram_token_from_a_file_appears_on_no_command_line_and_in_no_output(cli_env, state_dir, tmp_path):
    token_file = tmp_path / "tg"
    token_file.write_text(TELEGRAM_TOKEN + "\n")
    argv = openclaw_argv("onboard", "--json", "--accept-risk", "--accept-defaults", "--channels", "telegram",
                         "--telegram-token", f"@{token_file}")
    watcher, code, stdout, stderr = run_watched(argv, cli_env, tmp_path, umask=0)
    assert code == 0, stderr
    assert watcher.saw("--channels telegram")
    secrets = stored_secrets(state_dir)
    assert TELEGRAM_TOKEN in secrets and len(secrets) >= 2  # the gateway token too
    assert watcher.leaks(secrets) == []
    assert [s for s in secrets if s in stdout + stderr] == []
    assert_private_modes(state_dir)
    detail(f"no secret on command lines: {watcher.scans} scans during onboard --telegram-token @FILE (umask 000)")


def assert_private_modes(state_dir: Path, *, theirs: tuple[str, ...] = ()) -> None:
    """Every dir we made is 0700, every file 0600 (files the user wrote, `theirs`, excepted).

    The agent workspace holds no secrets and is the user's working dir, so it is not checked here."""
    assert stat.S_IMODE(state_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((state_dir / "credentials").stat().st_mode) == 0o700
    for path in state_dir.rglob("*"):
        if path.name in theirs or "workspace" in path.relative_to(state_dir).parts:
            continue
        want = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == want, f"{path} is {stat.S_IMODE(path.stat().st_mode):04o}"


def test_sign_in_under_umask_000_leaks_nothing_and_keeps_files_private(oauth, cli_env, tmp_path):
    state_dir = tmp_path / "umask-state"
    state_dir.mkdir(mode=0o700)  # an existing dir open to others is refused (tests/e2e/test_hardening_files.py)
    callback_port = free_port()
    oauth.add_redirect_uri(f"http://127.0.0.1:{callback_port}{CALLBACK}")
    (state_dir / "providers.toml").write_text(provider_table("localidp", oauth.issuer, callback_port, discovery=True))
    env = {**cli_env, "OPENCLAW_STATE_DIR": str(state_dir)}
    with CommandLineWatcher() as watcher:
        run = start_login(env, tmp_path, "localidp", "--json", umask=0)
        location = run_browser_sign_in(run, oauth, callback_port)
        code, stdout, stderr = run.finish(timeout=20)
    assert code == 0, stderr
    assert watcher.scans >= MIN_SCANS and watcher.saw("models auth login --provider localidp")
    record = json.loads((state_dir / "credentials" / "localidp.json").read_text())
    secrets = [record["access_token"], record["refresh_token"], record["id_token"], query_of(location)["code"]]
    assert watcher.leaks(secrets) == []
    assert [s for s in secrets if s in stdout + stderr] == []
    assert json_lines(stdout)[-1]["event"] == "signed_in"
    refreshed = children.run(openclaw_argv("models", "auth", "refresh", "--provider", "localidp", "--json"),
                             env=env, cwd=tmp_path, capture_output=True, text=True, timeout=30, umask=0)
    assert refreshed.returncode == 0, refreshed.stderr
    new = json.loads((state_dir / "credentials" / "localidp.json").read_text())
    assert [s for s in (new["access_token"], new["refresh_token"], *secrets)
            if s in refreshed.stdout + refreshed.stderr] == []
    assert (state_dir / "credentials" / "localidp.lock").exists()
    assert_private_modes(state_dir, theirs=("providers.toml",))
    detail(f"no secret on command lines: {watcher.scans} scans during models auth login (umask 000)")


def run_browser_sign_in(run: Login, server: OAuthTestServer, callback_port: int) -> str:
    """Approve at the server, bring the browser back; checks the listener is on 127.0.0.1 meanwhile."""
    url = run.authorize_url()
    assert listening_addresses(callback_port) == {"0100007F"}, "the callback port listens beyond 127.0.0.1"
    location = server.authorize(url)
    status, _ = browser_get(location)
    assert status == 200
    return location


@pytest.mark.parametrize("fault", ["400", "500", "html"])
def test_refresh_failures_never_quote_a_token(oauth, point_codex_at, state_dir, monkeypatch, fault):
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state_dir))
    point_codex_at(oauth)
    record = oauth_client.credential_record(CODEX, oauth.mint_tokens(access_ttl=-10))
    store.save(record)
    oauth.fail_next_token(fault)
    with pytest.raises(WizardError) as caught:
        refresh(CODEX)
    text = caught.value.render() + json.dumps(caught.value.as_dict())
    assert [s for s in (record["access_token"], record["refresh_token"], record["id_token"]) if s in text] == []


def test_network_failures_never_quote_a_token(oauth, state_dir, monkeypatch):
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state_dir))
    endpoint = DyingTokenEndpoint()
    endpoint.go_away()
    (state_dir / "providers.toml").write_text(
        f'[providers.openai-codex]\nissuer = "http://127.0.0.1:{endpoint.port}"\n')
    record = oauth_client.credential_record(CODEX, oauth.mint_tokens(access_ttl=-10))
    store.save(record)
    with pytest.raises(WizardError) as caught:
        refresh(CODEX)
    text = caught.value.render()
    assert "could not reach the token endpoint" in text
    assert [s for s in (record["access_token"], record["refresh_token"]) if s in text] == []
