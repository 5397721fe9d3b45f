"""State dirs and local endpoints for the `models` figures.

- an empty state dir (the first thing a new user runs);
- a signed-in state dir: an openai-codex sign-in as onboarding leaves it, with providers.toml
  pointing the provider's `usage_url` at a local endpoint;
- the usage endpoint itself, answering like the ChatGPT backend's `wham/usage`, or a black hole
  (accepts connections, never answers: the worst case of being offline, which only the command's
  own deadline ends).
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

USAGE_PATH = "/backend-api/wham/usage"


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _jwt(exp: int) -> str:
    claims = {"exp": exp, "scp": ["openid", "profile", "email", "offline_access"],
              "https://api.openai.com/auth": {"chatgpt_account_id": "acct_bench", "chatgpt_plan_type": "plus"},
              "https://api.openai.com/profile": {"email": "bench@example.com"}}
    return f"{_b64({'alg': 'none'})}.{_b64(claims)}.sig"


def signed_in_state(state: Path, usage_url: str) -> None:
    """A state dir holding a ChatGPT sign-in valid for 9 more days, its usage endpoint at `usage_url`."""
    (state / "credentials").mkdir(parents=True, mode=0o700)
    exp = int(time.time()) + 9 * 86400
    credential = {"provider": "openai-codex", "type": "oauth", "access_token": _jwt(exp), "id_token": _jwt(exp),
                  "refresh_token": "rt_bench", "expires_at": exp * 1000, "account_id": "acct_bench",
                  "email": "bench@example.com", "plan": "plus", "scope": "openid profile email offline_access"}
    path = state / "credentials" / "openai-codex.json"
    path.write_text(json.dumps(credential))
    path.chmod(0o600)
    (state / "openclaw.toml").write_text('[models]\ndefault = "openai-codex/gpt-5.2"\nauth_choice = "openai-codex"\n')
    (state / "providers.toml").write_text(f'[providers.openai-codex]\nusage_url = "{usage_url}"\n')


def usage_answer() -> dict[str, object]:
    now = int(time.time())
    return {"plan_type": "plus",
            "rate_limit": {"primary_window": {"used_percent": 12, "limit_window_seconds": 18000,
                                              "reset_at": now + 4 * 3600},
                           "secondary_window": {"used_percent": 47, "limit_window_seconds": 604800,
                                                "reset_at": now + 2 * 86400}},
            "credits": {"balance": "0"}}


class UsageServer:
    """`GET <usage path>` answered at once with a wham/usage JSON body; counts the requests it served."""

    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                body = json.dumps(usage_answer()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                owner.requests += 1

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
                pass

        self.requests = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="usage-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{USAGE_PATH}"

    def round_trip(self) -> float:
        """Seconds for one request on a new connection: what a usage fetch adds over `models auth status`."""
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.server.server_address[1], timeout=10)
        try:
            conn.request("GET", USAGE_PATH, headers={"Authorization": "Bearer x", "Accept": "application/json"})
            conn.getresponse().read()
        finally:
            conn.close()
        return time.perf_counter() - start

    def __enter__(self) -> UsageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class BlackHole:
    """Accepts connections and never answers: requests wait until the client gives up."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._hold, name="black-hole", daemon=True)

    def _hold(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed: the bench is done
                return
            self.held.append(conn)  # a few per run; closed when the bench ends

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}{USAGE_PATH}"

    def __enter__(self) -> BlackHole:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() above
        except OSError:
            pass
        self.sock.close()
        for conn in self.held:
            conn.close()
