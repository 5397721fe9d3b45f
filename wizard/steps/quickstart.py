"""Step 1, QuickStart: flow, risk acknowledgement, gateway port/bind/auth."""

from __future__ import annotations

from wizard.i18n import M
from wizard.steps.base import Advice, Context, Effects, Field, Option, SecretValue, Step, kinds

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from wizard.steps.shapes import Answers, Values

DEFAULT_PORT = 18789
MANUAL = M("only when flow is manual (QuickStart takes the gateway defaults)")


def _flow(answers: Answers) -> str:
    flow: str = answers.get("quickstart", {}).get("flow", "quickstart")
    return flow


def is_manual(answers: Answers, ctx: Context) -> bool:
    return _flow(answers) == "manual"


def _manual_and_new(answers: Answers, ctx: Context) -> bool:
    return is_manual(answers, ctx) and ctx.existing_value("gateway") is None


def _uses_token(answers: Answers, ctx: Context) -> bool:
    return is_manual(answers, ctx) and answers.get("quickstart", {}).get("gateway_auth", "token") == "token"


def _risk_accepted_before(answers: Answers, ctx: Context) -> bool:
    return ctx.existing_value("wizard", "accepted_risk") is True


def _check_risk(value: bool, answers: Answers, ctx: Context) -> Advice | None:
    if value:
        return None
    return Advice(M("you must accept the risk to continue"), on_screen=M("tick “I understand the risk” with Space"),
                  headless=M("pass --accept-risk or set OPENCLAW_ACCEPT_RISK=1"))


def _check_auth(value: str, answers: Answers, ctx: Context) -> str | None:
    bind = answers.get("quickstart", {}).get("gateway_bind", "loopback")
    if value == "none" and bind != "loopback":
        return M("a gateway bound to {bind} without auth is open to the network; choose token", bind=bind)
    return None


def _check_token(value: SecretValue, answers: Answers, ctx: Context) -> str | None:
    if value.origin == "existing":
        return None
    if len(value.value) < 16:
        return M("must be at least 16 characters (leave it empty to generate one)")
    if any(c.isspace() for c in value.value):
        return M("must not contain spaces or line breaks")
    return None


def _existing_token(answers: Answers, ctx: Context) -> SecretValue:
    return ctx.secret_default("gateway.token")


FIELDS = (
    Field("quickstart", "flow", kinds.CHOICE, M("Setup flow"),
          M("QuickStart accepts the gateway defaults; Manual asks for each one."),
          default="quickstart", stored_at=("wizard", "flow"),
          options=(Option("quickstart", M("QuickStart"), M("loopback gateway on port 18789 with a generated token")),
                   Option("manual", M("Manual"), M("choose the port, bind address and auth yourself")))),
    Field("quickstart", "accept_risk", kinds.BOOL, M("I understand the risk"),
          M("The gateway runs AI agents that can act on this machine with your permissions."),
          default=lambda a, c: _risk_accepted_before(a, c), validate=_check_risk,
          must_answer=lambda a, c: not _risk_accepted_before(a, c), defaultable=False, standing=True),
    Field("quickstart", "gateway_port", kinds.PORT, M("Gateway port"), M("TCP port the gateway listens on."),
          default=DEFAULT_PORT, stored_at=("gateway", "port"), applies=is_manual, applies_when=MANUAL,
          must_answer=_manual_and_new, placeholder=M("e.g. {example}", example=DEFAULT_PORT)),
    Field("quickstart", "gateway_bind", kinds.CHOICE, M("Bind address"), M("Who can reach the gateway."),
          default="loopback", stored_at=("gateway", "bind"),
          options=(Option("loopback", M("Loopback"), M("this machine only (127.0.0.1)")),
                   Option("lan", M("LAN"), M("every address of this machine")),
                   Option("tailnet", M("Tailnet"), M("your Tailscale address"))),
          applies=is_manual, applies_when=MANUAL, must_answer=_manual_and_new),
    Field("quickstart", "gateway_auth", kinds.CHOICE, M("Gateway auth"),
          M("How clients prove they may use the gateway."),
          default="token", stored_at=("gateway", "auth"),
          options=(Option("token", M("Token"), M("a generated bearer token, stored as a secret")),
                   Option("none", M("None"), M("no auth (loopback only)"))),
          validate=_check_auth, applies=is_manual, applies_when=MANUAL, must_answer=_manual_and_new),
    Field("quickstart", "gateway_token", kinds.SECRET, M("Gateway token"),
          M("Leave as generated, or give your own (16+ characters)."),
          default=_existing_token, validate=_check_token, applies=_uses_token,
          applies_when=M("when flow is manual and gateway_auth is token")),
)


def plan(values: Values, answers: Answers, ctx: Context) -> Effects:
    manual = values.get("flow") == "manual"
    port = values["gateway_port"] if manual else ctx.existing_value("gateway", "port", default=DEFAULT_PORT)
    bind = values["gateway_bind"] if manual else ctx.existing_value("gateway", "bind", default="loopback")
    auth = values["gateway_auth"] if manual else ctx.existing_value("gateway", "auth", default="token")
    config: dict[str, Any] = {"wizard.flow": values["flow"], "wizard.accepted_risk": True,
                              "gateway.port": port, "gateway.bind": bind, "gateway.auth": auth}
    secrets: dict[str, SecretValue] = {}
    if auth == "token":
        config["gateway.token"] = {"secret": "gateway.token"}
        token = values.get("gateway_token") or ctx.secret_default("gateway.token")
        if token.origin != "existing":
            secrets["gateway.token"] = token
    else:
        config["gateway.token"] = None
    return Effects(config=config, secrets=secrets)


def from_config(ctx: Context) -> Values:
    return {"flow": ctx.existing_value("wizard", "flow", default="quickstart"),
            "accept_risk": ctx.existing_value("wizard", "accepted_risk", default=False),
            "gateway_port": ctx.existing_value("gateway", "port", default=DEFAULT_PORT),
            "gateway_bind": ctx.existing_value("gateway", "bind", default="loopback"),
            "gateway_auth": ctx.existing_value("gateway", "auth", default="token")}


def describe(values: Values) -> str:
    if values.get("flow") == "manual":
        return M("manual: gateway on {bind}:{port}, auth {auth}", bind=values.get("gateway_bind"),
                 port=values.get("gateway_port"), auth=values.get("gateway_auth"))
    return M("quickstart: gateway defaults")


STEP = Step("quickstart", 1, M("QuickStart"), M("Choose a flow and accept the risk."),
            FIELDS, plan, from_config, describe, sections=("wizard", "gateway"))
