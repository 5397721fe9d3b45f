"""A stand-in for the two model backends on 127.0.0.1, for the end-to-end tests.

- `GET /backend-api/wham/usage`: the ChatGPT backend's usage endpoint, answering what the test set
  (`usage(...)`: status, body, content type, delay before the headers, bytes trickled slowly), by
  default the shape the Codex CLI and OpenClaw read (rate_limit.primary_window / secondary_window).
- `POST /v1/responses`: the OpenAI API's Responses endpoint for an API key (`Bearer sk-...`),
  streaming the reply as server-sent events, as the real one does for `stream: true`.

Every request is recorded (method, path, headers) so tests can check what was sent.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def usage_body(*, primary_used: float = 0, primary_seconds: int = 18000, primary_reset_after: int = 17940,
               secondary_used: float = 47, secondary_seconds: int = 604800, secondary_reset_after: int = 227700,
               plan: str = "plus", now: float | None = None) -> dict:
    """The wham/usage answer's shape (codex-backend-openapi-models: RateLimitStatusPayload)."""
    now = time.time() if now is None else now
    return {
        "plan_type": plan,
        "rate_limit": {
            "allowed": True,
            "limit_reached": False,
            "primary_window": {"used_percent": primary_used, "limit_window_seconds": primary_seconds,
                               "reset_after_seconds": primary_reset_after,
                               "reset_at": int(now + primary_reset_after)},
            "secondary_window": {"used_percent": secondary_used, "limit_window_seconds": secondary_seconds,
                                 "reset_after_seconds": secondary_reset_after,
                                 "reset_at": int(now + secondary_reset_after)},
        },
        "credits": {"has_credits": False, "unlimited": False, "balance": "0"},
    }


class BackendStandIn:
    def __init__(self, api_key: str = "sk-test-backend-key") -> None:
        self.api_key = api_key
        self.requests: list[dict] = []
        self._usage: tuple[int, str, bytes, float, float] = (200, "application/json", b"{}", 0.0, 0.0)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.usage(200, usage_body())

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def usage_url(self) -> str:
        return f"{self.base}/backend-api/wham/usage"

    @property
    def responses_url(self) -> str:
        return f"{self.base}/v1/responses"

    def start(self) -> BackendStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def usage(self, status: int, body: object, *, content_type: str = "application/json", delay: float = 0.0,
              trickle: float = 0.0) -> None:
        """What the usage endpoint answers next: `delay` s before the headers; `trickle` s between body bytes."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        with self._lock:
            self._usage = (status, content_type, raw, delay, trickle)

    def seen(self, path: str) -> list[dict]:
        with self._lock:
            return [r for r in self.requests if r["path"] == path]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _record(self, body: bytes = b"") -> None:
                with server._lock:
                    server.requests.append({"method": self.command, "path": self.path,
                                            "headers": {k.lower(): v for k, v in self.headers.items()},
                                            "body": body})

            def do_GET(self) -> None:
                self._record()
                if self.path != "/backend-api/wham/usage":
                    return self._send(404, "application/json", b'{"detail": "Not Found"}')
                with server._lock:
                    status, content_type, raw, delay, trickle = server._usage
                time.sleep(delay)
                self._send(status, content_type, raw, trickle)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._record(body)
                if self.path != "/v1/responses":
                    return self._send(404, "application/json", b'{"detail": "Not Found"}')
                if self.headers.get("Authorization") != f"Bearer {server.api_key}":
                    error = {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                       "code": "invalid_api_key"}}
                    return self._send(401, "application/json", json.dumps(error).encode())
                request = json.loads(body)
                text = request["input"][-1]["content"][-1]["text"]
                self._send(200, "text/event-stream", _sse(request["model"], "key says: " + text))

            def _send(self, status: int, content_type: str, raw: bytes, trickle: float = 0.0) -> None:
                try:
                    self._write(status, content_type, raw, trickle)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its deadline passed): what these tests expect of it

            def _write(self, status: int, content_type: str, raw: bytes, trickle: float) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                if not trickle:
                    self.wfile.write(raw)
                    return
                for byte in raw:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(trickle)

        return Handler


def _sse(model: str, text: str) -> bytes:
    response = {"id": "resp_stand_in", "object": "response", "model": model, "status": "completed",
                "output": [{"type": "message", "role": "assistant",
                            "content": [{"type": "output_text", "text": text}]}],
                "usage": {"input_tokens": 4, "output_tokens": 5, "total_tokens": 9}}
    events = [{"type": "response.output_text.delta", "delta": text},
              {"type": "response.completed", "response": response}]
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)
