"""One Responses API request with stored credentials: `openclaw models invoke`.

For a ChatGPT sign-in this is what the Codex CLI sends to
https://chatgpt.com/backend-api/codex/responses: a Bearer token, the
ChatGPT-Account-Id header, `OpenAI-Beta: responses=experimental`, `originator`,
and a streamed, unstored Responses body. The URL is provider data (Provider.invoke_url).
The request has a total deadline (OPENCLAW_HTTP_TIMEOUT, like every other); what the model
and the server say is shown without terminal controls (safetext).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from wizard.auth.jwt import account_info
from wizard.auth.providers import ORIGINATOR, Provider
from wizard.auth.safetext import clean
from wizard.auth.status import login_command
from wizard.auth.store import parse_json
from wizard.errors import UsageError, WizardError
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

    import httpx2

    from wizard.auth.deadline import RequestDeadline
    from wizard.auth.store import Record

INSTRUCTIONS = "You are a helpful assistant. Answer briefly."


@dataclass
class Reply:
    text: str
    model: str
    response_id: str | None = None
    usage: dict[str, object] = field(default_factory=dict)  # the server's token counts, as it sent them

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "model": self.model, "response_id": self.response_id, "usage": self.usage}


def api_model_name(model: str) -> str:
    """`openai-codex/gpt-5.2` (the config's form) is `gpt-5.2` on the wire."""
    return model.split("/", 1)[1] if "/" in model else model


def request_body(model: str, prompt: str) -> dict[str, Any]:
    return {
        "model": api_model_name(model),
        "instructions": INSTRUCTIONS,
        "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": prompt}]}],
        "stream": True,
        "store": False,
    }


def request_headers(provider: Provider, record: Record) -> dict[str, str]:
    headers = {
        "Authorization": f"Bearer {record['access_token']}",
        "Content-Type": "application/json",
        "Accept": "text/event-stream",
    }
    if record.get("type") == "oauth":
        account_id = record.get("account_id") or account_info(
            record.get("id_token"), record.get("access_token")).get("account_id")
        if account_id:
            headers["ChatGPT-Account-Id"] = account_id
        headers["OpenAI-Beta"] = "responses=experimental"
        headers["originator"] = ORIGINATOR
    return headers


def send(provider: Provider, record: Record, model: str, prompt: str, *, timeout: float | None = None) -> Reply:
    if not provider.invoke_url:
        raise UsageError(M("provider {provider!r} has no invoke endpoint", provider=provider.id),
                         hint=M("set invoke_url for it in providers.toml"))
    import httpx2

    from wizard.auth import oauth
    from wizard.auth.deadline import RequestDeadline

    oauth.require_tls(provider)  # the access token goes there
    timeout = oauth.http_timeout() if timeout is None else timeout
    where = M("the model endpoint at {host}", host=clean(httpx2.URL(provider.invoke_url).host))
    with RequestDeadline(timeout) as deadline:
        try:
            with httpx2.Client(timeout=timeout, limits=httpx2.Limits(max_keepalive_connections=0)) as client:
                with client.stream("POST", provider.invoke_url, json=request_body(model, prompt),
                                   headers=request_headers(provider, record),
                                   extensions={"trace": deadline.trace}) as response:
                    if response.status_code != 200:
                        body = oauth.read_capped(response, deadline, where)
                        raise http_error(provider, response.status_code, body.decode("utf-8", "replace"))
                    if response.headers.get("content-type", "").startswith("text/event-stream"):
                        return reply_from_events(_lines(response, deadline), model)
                    body = oauth.read_capped(response, deadline, where)
                    return reply_from_object(_json_object(body.decode("utf-8", "replace")), model)
        except (httpx2.TimeoutException, TimeoutError):
            raise oauth.too_slow(where, timeout) from None
        except httpx2.HTTPError as exc:
            if deadline.expired:
                raise oauth.too_slow(where, timeout) from None
            from wizard.errors import network_reason

            raise WizardError(M("cannot reach {url}: {reason}", url=clean(provider.invoke_url),
                                reason=network_reason(exc)),
                              hint=M("check the network (and any proxy settings), then try again")) from None


def _lines(response: httpx2.Response, deadline: RequestDeadline) -> Iterator[str]:
    for line in response.iter_lines():
        deadline.check()
        yield line


def http_error(provider: Provider, status: int, body: str) -> WizardError:
    message = _error_message(body)
    login = login_command(provider.id)
    if status == 401:
        return WizardError(
            M("{provider} rejected the stored credentials (HTTP 401: {message}): "
              "the sign-in was revoked or has expired", provider=provider.id, message=message),
            code="UNAUTHORIZED", hint=M("sign in again: {command}", command=login))
    if status == 403:
        return WizardError(M("{provider} refused the request (HTTP 403: {message})", provider=provider.id,
                             message=message),
                           code="FORBIDDEN", hint=M("check the account and plan, or sign in again: {command}",
                                                    command=login))
    return WizardError(M("{provider} answered HTTP {status}: {message}", provider=provider.id, status=status,
                         message=message), code="INVOKE_FAILED")


def _error_message(body: str) -> str:
    try:
        data = parse_json(body)
    except ValueError:
        return clean(body.strip()[:200]) or M("no details")
    if not isinstance(data, dict):
        return clean(body.strip()[:200])
    error = data.get("error")
    if isinstance(error, dict) and error.get("message"):
        return clean(error["message"])
    if isinstance(error, str):
        return clean(data.get("error_description") or error)
    return clean(body.strip()[:200])


def _json_object(text: str) -> dict[str, object]:
    try:
        data = parse_json(text)
    except ValueError:
        raise WizardError(M("the model endpoint answered with something that is not JSON")) from None
    if not isinstance(data, dict):
        raise WizardError(M("the model endpoint answered with JSON that is not an object"))
    return data


def iter_events(lines: Iterable[str]) -> Iterator[dict[str, object]]:
    """Server-sent events: `data:` lines joined until a blank line, each a JSON object."""
    data: list[str] = []
    for line in lines:
        if line == "":
            if data:
                yield _json_object("\n".join(data))
                data = []
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())
    if data:
        yield _json_object("\n".join(data))


def reply_from_events(lines: Iterable[str], model: str) -> Reply:
    deltas: list[str] = []
    for event in iter_events(lines):
        kind = event.get("type")
        if kind == "response.output_text.delta":
            deltas.append(str(event.get("delta", "")))
        elif kind == "response.completed":
            reply = reply_from_object(_object(event.get("response")), model)
            return reply if reply.text else Reply(clean("".join(deltas)), reply.model, reply.response_id, reply.usage)
        elif kind in ("response.failed", "error"):
            detail = _object(event.get("response")).get("error") or event.get("error") or event
            raise WizardError(M("the model reported an error: {detail}", detail=json.dumps(detail)[:300]),
                              code="INVOKE_FAILED")
    raise WizardError(M("the response stream ended before response.completed"), code="INVOKE_FAILED")


def reply_from_object(response: dict[str, object], model: str) -> Reply:
    texts = []
    for item in _array(response.get("output")):
        if isinstance(item, dict) and item.get("type") == "message":
            for part in _array(item.get("content")):
                if isinstance(part, dict) and part.get("type") == "output_text":
                    texts.append(str(part.get("text", "")))
    response_id = response.get("id")
    return Reply(clean("".join(texts)), clean(response.get("model") or api_model_name(model)),
                 response_id if isinstance(response_id, str) else None, _object(response.get("usage")))


# What the server sends is read as its shape allows: a part of the wrong type reads as a missing one
# (a stream of the wrong shapes is a bad answer, not a crash).

def _object(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _array(value: object) -> list[object]:
    return value if isinstance(value, list) else []
