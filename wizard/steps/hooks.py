"""Step 5, Hooks Configuration: built-in hooks and an optional signed webhook."""

from __future__ import annotations

from wizard.i18n import M
from wizard.steps.base import Context, Effects, Field, Option, Step, kinds, valid_url

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from wizard.steps.base import SecretValue
    from wizard.steps.shapes import Answers, Values

HOOKS = (
    Option("boot-md", "boot-md", M("run BOOT.md from the workspace when the gateway starts")),
    Option("command-logger", "command-logger", M("log every command the agent runs")),
    Option("session-memory", "session-memory", M("save a summary of each session to memory")),
)


def _check_webhook(value: str, answers: Answers, ctx: Context) -> str | None:
    return valid_url(value, answers, ctx)


FIELDS = (
    Field("hooks", "hooks", kinds.MULTI, M("Hooks"), M("Built-in hooks to enable; none is fine."),
          default=["session-memory"], stored_at=("hooks", "enabled"), options=HOOKS),
    Field("hooks", "webhook_url", kinds.URL, M("Webhook URL"),
          M("Optional: POST events here, signed with a generated secret. Leave empty for none."),
          default="", stored_at=("hooks", "webhook", "url"),
          validate=_check_webhook, placeholder=M("e.g. {example}", example="https://example.com/openclaw-hook")),
)


def plan(values: Values, answers: Answers, ctx: Context) -> Effects:
    config: dict[str, Any] = {"hooks.enabled": list(values.get("hooks", []))}
    secrets: dict[str, SecretValue] = {}
    url = values.get("webhook_url", "")
    if url:
        config["hooks.webhook.url"] = url
        config["hooks.webhook.secret"] = {"secret": "hooks.webhook.secret"}
        secret = ctx.secret_default("hooks.webhook.secret")
        if secret.origin != "existing":
            secrets["hooks.webhook.secret"] = secret
    else:
        config["hooks.webhook"] = None
    return Effects(config=config, secrets=secrets)


def from_config(ctx: Context) -> Values:
    return {"hooks": list(ctx.existing_value("hooks", "enabled", default=[])),
            "webhook_url": ctx.existing_value("hooks", "webhook", "url", default="")}


def describe(values: Values) -> str:
    hooks = ", ".join(values.get("hooks") or []) or M("no hooks")
    return M("{hooks}; webhook {url}", hooks=hooks, url=values["webhook_url"]) if values.get("webhook_url") else hooks


STEP = Step("hooks", 5, M("Hooks Configuration"), M("Automate around your agent."),
            FIELDS, plan, from_config, describe, sections=("hooks",))
