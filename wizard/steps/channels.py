"""Step 3, Channel Selection: where the agent talks, and each channel's secrets (or pair later)."""

from __future__ import annotations

import re

from wizard.frozen import Frozen
from wizard.i18n import M
from wizard.steps.base import Advice, Context, Effects, Field, Option, SecretValue, Step, kinds

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from wizard.steps.shapes import Answers, Values

    Condition = Callable[[Answers, Context], bool]

CHANNELS = (
    Option("telegram", "Telegram", M("a bot token from @BotFather")),
    Option("discord", "Discord", M("a bot token from the Developer Portal")),
    Option("slack", "Slack", M("a bot token (xoxb-) and an app token (xapp-)")),
    Option("signal", "Signal", M("a phone number registered with signal-cli")),
    Option("whatsapp", "WhatsApp", M("paired later by scanning a QR code")),
)

class SecretFormat(Frozen):
    __slots__ = ("channel", "secret_name", "pattern", "noun", "looks_like", "help")
    channel: str
    secret_name: str  # also its config key
    pattern: str
    noun: str  # "a Telegram bot token"
    looks_like: str  # the whole format, for a headless run's message
    help: str  # the same as a sentence, shown as the field's help

    def __init__(self, channel: str, secret_name: str, pattern: str, noun: str, looks_like: str, help: str) -> None:
        self._set(channel=channel, secret_name=secret_name, pattern=pattern, noun=noun, looks_like=looks_like,
                  help=help)


SECRET_FORMATS = {
    "telegram_token": SecretFormat("telegram", "channels.telegram.token", r"^\d{5,12}:[A-Za-z0-9_-]{30,}$",
                                   M("a Telegram bot token"),
                                   M("a Telegram bot token looks like 123456789:AAE...(35 characters); "
                                     "get one from @BotFather"),
                                   M("A Telegram bot token looks like 123456789:AAE...(35 characters); "
                                     "get one from @BotFather.")),
    "discord_token": SecretFormat("discord", "channels.discord.token",
                                  r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$",
                                  M("a Discord bot token"), M("a Discord bot token has three dot-separated parts "
                                                              "(Developer Portal > Bot > Reset Token)"),
                                  M("A Discord bot token has three dot-separated parts "
                                    "(Developer Portal > Bot > Reset Token).")),
    "slack_bot_token": SecretFormat("slack", "channels.slack.bot_token", r"^xoxb-[0-9A-Za-z-]{10,}$",
                                    M("a Slack bot token"), M("a Slack bot token starts with xoxb-"),
                                    M("A Slack bot token starts with xoxb-.")),
    "slack_app_token": SecretFormat("slack", "channels.slack.app_token", r"^xapp-[0-9A-Za-z-]{10,}$",
                                    M("a Slack app-level token"), M("a Slack app-level token starts with xapp-"),
                                    M("A Slack app-level token starts with xapp-.")),
}


def _selected(answers: Answers) -> list[str]:
    selected: list[str] = answers.get("channels", {}).get("channels", [])
    return selected


def _needs_secrets(answers: Answers, ctx: Context) -> bool:
    return any(ch in _selected(answers) for ch in ("telegram", "discord", "slack"))


def _asks(key: str) -> tuple[Condition, Condition]:
    channel, secret_name = SECRET_FORMATS[key].channel, SECRET_FORMATS[key].secret_name

    def applies(answers: Answers, ctx: Context) -> bool:
        return channel in _selected(answers) and not answers.get("channels", {}).get("pair_later", False)

    def must_answer(answers: Answers, ctx: Context) -> bool:
        return applies(answers, ctx) and (secret_name not in ctx.existing_secrets or ctx.reset)

    return applies, must_answer


def _secret_check(key: str) -> Callable[[SecretValue, Answers, Context], Advice | None]:
    fmt = SECRET_FORMATS[key]

    def check(value: SecretValue, answers: Answers, ctx: Context) -> Advice | None:
        if value.origin == "existing" or re.match(fmt.pattern, value.value.strip()):
            return None
        # On screen the format is the field's help, just above: the message does not repeat it.
        return Advice("", on_screen=M("that does not look like {noun}; compare it with the format above",
                                      noun=fmt.noun),
                      headless=fmt.looks_like)

    return check


def _secret_default(key: str) -> Callable[[Answers, Context], SecretValue | None]:
    secret_name = SECRET_FORMATS[key].secret_name

    def default(answers: Answers, ctx: Context) -> SecretValue | None:
        if secret_name in ctx.existing_secrets and not ctx.reset:
            return SecretValue("", "existing", None)
        return None

    return default


def _signal_applies(answers: Answers, ctx: Context) -> bool:
    return "signal" in _selected(answers)


PHONE_SEPARATORS = re.compile(r"[\s().\-/]")


def normalise_phone(text: str) -> str:
    """A phone number as people write it (+1 (555) 123-4567, 0044 20 7946 0958) in E.164 (+15551234567)."""
    compact = PHONE_SEPARATORS.sub("", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if re.fullmatch(r"\+[1-9]\d{6,14}", compact):
        return compact
    if re.fullmatch(r"\d{7,15}", compact):
        raise ValueError(M("needs its country code: start it with + (e.g. +1 555 123 4567)"))
    raise ValueError(M("must be a phone number with its country code, like +1 555 123 4567"))


def _secret_field(key: str, label: str, env: str) -> Field:
    applies, must_answer = _asks(key)
    channel = SECRET_FORMATS[key].channel
    return Field("channels", key, kinds.SECRET, label, SECRET_FORMATS[key].help,
                 default=_secret_default(key), validate=_secret_check(key), applies=applies,
                 must_answer=must_answer, env_name=env,
                 applies_when=M("when channels include {channel} and pair_later is not set", channel=channel))


FIELDS = (
    Field("channels", "channels", kinds.MULTI, M("Channels"), M("Where your agent can be reached; none is fine."),
          default=[], stored_at=("channels", "enabled"), options=CHANNELS),
    Field("channels", "pair_later", kinds.BOOL, M("Pair later"),
          M("Skip the tokens now; run `openclaw onboard --step channels` when you have them."),
          default=False, applies=_needs_secrets, applies_when=M("when channels include telegram, discord or slack")),
    _secret_field("telegram_token", M("Telegram bot token"), "OPENCLAW_TELEGRAM_TOKEN"),
    _secret_field("discord_token", M("Discord bot token"), "OPENCLAW_DISCORD_TOKEN"),
    _secret_field("slack_bot_token", M("Slack bot token"), "OPENCLAW_SLACK_BOT_TOKEN"),
    _secret_field("slack_app_token", M("Slack app token"), "OPENCLAW_SLACK_APP_TOKEN"),
    Field("channels", "signal_number", kinds.TEXT, M("Signal phone number"),
          M("The number signal-cli is registered with."),
          default="", stored_at=("channels", "signal", "number"),
          clean=normalise_phone, applies=_signal_applies, must_answer=_signal_applies,
          applies_when=M("when channels include signal"),
          placeholder=M("e.g. {example}", example="+1 555 123 4567")),
)


def plan(values: Values, answers: Answers, ctx: Context) -> Effects:
    selected = values.get("channels", [])
    pair_later = bool(values.get("pair_later"))
    config: dict[str, Any] = {"channels.enabled": list(selected)}
    secrets: dict[str, SecretValue] = {}
    notes: list[str] = []
    for option in CHANNELS:
        if option.value not in selected:
            config[f"channels.{option.value}"] = None
    for channel in dict.fromkeys(fmt.channel for fmt in SECRET_FORMATS.values()):
        if channel in selected:
            config[f"channels.{channel}.paired"] = not pair_later
            if pair_later:
                notes.append(M("{channel}: pair later with `openclaw onboard --step channels`", channel=channel))
    for key, fmt in SECRET_FORMATS.items():
        channel, secret_name = fmt.channel, fmt.secret_name
        if channel not in selected:
            continue
        # The config key is the secret's last part: channels.slack.bot_token -> { secret = "channels.slack.bot_token" }
        config[secret_name] = None if pair_later else {"secret": secret_name}
        value = values.get(key)
        if not pair_later and value is not None and value.origin != "existing":
            secrets[secret_name] = SecretValue(value.value.strip(), value.origin, value.ref)
    if "signal" in selected:
        config["channels.signal.number"] = values.get("signal_number", "")
    if "whatsapp" in selected:
        config["channels.whatsapp.paired"] = False
        notes.append(M("whatsapp: scan the QR code shown when the gateway starts"))
    return Effects(config=config, secrets=secrets, notes=notes)


def from_config(ctx: Context) -> Values:
    return {"channels": list(ctx.existing_value("channels", "enabled", default=[]))}


def describe(values: Values) -> str:
    selected = values.get("channels") or []
    return ", ".join(selected) if selected else M("none")


STEP = Step("channels", 3, M("Channel Selection"), M("Pick the chat channels your agent answers on."),
            FIELDS, plan, from_config, describe, sections=("channels",))
