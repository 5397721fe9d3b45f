"""Step 7, Authorization: the provider and method for model access, and the default model."""

from __future__ import annotations

from wizard.auth.browser import short_reason
from wizard.auth.methods import SIGN_IN_METHODS
from wizard.i18n import M
from wizard.steps.base import Context, Effects, Field, Option, SecretValue, Step, kinds

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from wizard.auth.store import Record
    from wizard.steps.shapes import Answers, Values

CHOICES = (
    Option("openai-codex", M("Sign in with ChatGPT"),
           M("OpenAI Codex via your ChatGPT plan (browser, device code or paste)")),
    Option("openai-api-key", M("OpenAI API key"), M("a key from platform.openai.com (sk-...)")),
    Option("anthropic-api-key", M("Anthropic API key"), M("a key from console.anthropic.com (sk-ant-...)")),
    Option("token", M("Paste a token"), M("a token you already have, e.g. from `claude setup-token`")),
    Option("skip", M("Skip for now"), M("sign in later with `openclaw models auth login`")),
)
METHODS = (
    Option("keep", M("Keep current sign-in"), M("the ChatGPT sign-in already stored; nothing to do")),
    *(Option(value, label, help) for value, label, help in SIGN_IN_METHODS),
)
TOKEN_PROVIDERS = (
    Option("anthropic", "Anthropic", M("a setup token")),
    Option("openai-codex", "OpenAI Codex", M("an access token")),
)


def choice_of(answers: Answers) -> str:
    choice: str = answers.get("authorization", {}).get("auth_choice", "skip")
    return choice


def provider_for(answers: Answers) -> str | None:
    choice = choice_of(answers)
    if choice == "skip":
        return None
    if choice == "token":
        token_provider: str = answers.get("authorization", {}).get("token_provider", "anthropic")
        return token_provider
    return choice


def _is(*choices: str) -> Callable[[Answers, Context], bool]:
    return lambda answers, ctx: choice_of(answers) in choices


def _needs_token(answers: Answers, ctx: Context) -> bool:
    return choice_of(answers) in ("openai-api-key", "anthropic-api-key", "token")


def _has_stored_key(answers: Answers, ctx: Context) -> bool:
    return ctx.stored_credentials.get(provider_for(answers) or "") in ("api_key", "token")


def _token_must_answer(answers: Answers, ctx: Context) -> bool:
    return _needs_token(answers, ctx) and not _has_stored_key(answers, ctx) and not _provider_env_key(answers, ctx)


def _offer_method(option: Option, answers: Answers, ctx: Context) -> bool:
    return option.value != "keep" or ctx.has_sign_in(provider_for(answers) or "")


def _check_method(value: str, answers: Answers, ctx: Context) -> str | None:
    if value == "keep" and not ctx.has_sign_in(provider_for(answers) or ""):
        return M("keep needs a stored ChatGPT sign-in and there is none; choose browser, device or paste")
    return None


def _default_choice(answers: Answers, ctx: Context) -> str:
    """The configured choice; else, where a person answers, Sign in with ChatGPT (the headline); else skip:
    a headless run signs in only when told to, so a CI run never waits for a person it was not told about."""
    configured = ctx.existing_value("models", "auth_choice")
    if configured and (configured != "skip" or not ctx.interactive):
        return str(configured)
    return "openai-codex" if ctx.interactive else "skip"


def _default_method(answers: Answers, ctx: Context) -> str:
    """Keep a stored sign-in; where a person answers and no browser can open here, Device code."""
    if ctx.has_sign_in(provider_for(answers) or ""):
        return "keep"
    return "device" if _device_for_lack_of_browser(answers, ctx) else "browser"


def _device_for_lack_of_browser(answers: Answers, ctx: Context) -> bool:
    return ctx.interactive and ctx.browser_blocked is not None and not ctx.has_sign_in(provider_for(answers) or "")


def _method_note(answers: Answers, ctx: Context) -> str | None:
    """Where no browser can open, what that means for the method chosen (on screen: the reason without its
    technical detail, which names env vars)."""
    if not ctx.interactive or ctx.browser_blocked is None:
        return None
    reason = short_reason(ctx.browser_blocked)
    method = answers.get("authorization", {}).get("method")
    if method == "device":
        return M("Device code is selected: no browser can open here ({reason}).", reason=reason)
    if method == "browser":
        return M("No browser can open here ({reason}): open the address yourself, then paste where it lands.",
                 reason=reason)
    return None


def _provider_env_key(answers: Answers, ctx: Context) -> SecretValue | None:
    """The provider's own variable (OPENAI_API_KEY ...), whatever gave the auth choice."""
    for name in _token_env(answers):
        if ctx.environ.get(name, "").strip():
            return SecretValue(ctx.environ[name].strip(), "env", {"env": name})
    return None


def _token_env(answers: Answers) -> tuple[str, ...]:
    from wizard.auth import providers

    provider = provider_for(answers)
    if provider in providers.BUILTIN and providers.BUILTIN[provider].env_var:
        return (providers.BUILTIN[provider].env_var,)
    return ()


def _check_token(value: SecretValue, answers: Answers, ctx: Context) -> str | None:
    if value.origin == "existing":
        return None
    provider = provider_for(answers) or ""
    if ctx.stored_credentials.get(provider, "").startswith("oauth"):
        return M("{provider} already has a sign-in, which a pasted token would replace; sign out first "
                 "(openclaw models auth logout --provider {provider}) or choose Sign in with ChatGPT",
                 provider=provider)
    from wizard.auth import providers

    return providers.key_problem(providers.BUILTIN.get(provider), value.value.strip())


def _check_model(value: str, answers: Answers, ctx: Context) -> str | None:
    if "/" in value and all(value.split("/", 1)) and " " not in value:
        return None
    return M("must look like provider/model, e.g. openai-codex/gpt-5.2")


def _default_model(answers: Answers, ctx: Context) -> str:
    """The configured model when the choice is the configured one (Keep keeps it) or serves it; else the
    chosen provider's own default. It follows the choice until the user edits it (Machine.follow_defaults)."""
    from wizard.auth import providers

    provider = provider_for(answers)
    configured = ctx.existing_value("models", "default")
    known = providers.BUILTIN.get(provider or "")
    if configured and choice_of(answers) == ctx.existing_value("models", "auth_choice"):
        return str(configured)
    if configured and known and configured.split("/")[0] == known.default_model.split("/")[0]:
        return str(configured)
    return known.default_model if known else (configured or "openai-codex/gpt-5.2")


def _existing_token(answers: Answers, ctx: Context) -> SecretValue | None:
    if _has_stored_key(answers, ctx):
        return SecretValue("", "existing", None)
    return _provider_env_key(answers, ctx)


FIELDS = (
    Field("authorization", "auth_choice", kinds.CHOICE, M("Model access"), M("How OpenClaw reaches a model."),
          default=_default_choice, options=CHOICES,
          must_answer=lambda a, c: c.existing_value("models", "auth_choice") is None,
          flag_name="--auth-choice", env_name="OPENCLAW_AUTH_CHOICE",
          flag_note=M("Given alone (or with --accept-risk), the wizard opens straight on this step.")),
    Field("authorization", "method", kinds.CHOICE, M("Sign-in method"),
          M("Browser needs a browser on this machine; device code and paste work over SSH."),
          default=_default_method, options=METHODS, applies=_is("openai-codex"),
          applies_when=M("when auth_choice is openai-codex"), env_name="OPENCLAW_AUTH_METHOD",
          option_filter=_offer_method, validate=_check_method, note=_method_note,
          saved=lambda method: method != "keep"),  # whether a sign-in is stored is the replaying machine's business
    Field("authorization", "token_provider", kinds.CHOICE, M("Token for"), M("Which provider the pasted token is for."),
          default="anthropic", options=TOKEN_PROVIDERS, applies=_is("token"),
          applies_when=M("when auth_choice is token")),
    Field("authorization", "token", kinds.SECRET, M("API key or token"),
          M("Stored in the credential store, never in the config."),
          default=_existing_token, validate=_check_token, applies=_needs_token, must_answer=_token_must_answer,
          applies_when=M("when auth_choice is openai-api-key, anthropic-api-key or token"),
          env_name="OPENCLAW_TOKEN", file_flag="--token-file", extra_env=lambda answers: _token_env(answers),
          placeholder=M("e.g. {example}", example="sk-…")),
    Field("authorization", "model", kinds.TEXT, M("Default model"),
          M("The model the agent uses unless told otherwise."),
          default=_default_model, validate=_check_model, applies=lambda a, c: choice_of(a) != "skip",
          applies_when=M("unless auth_choice is skip")),
)


def plan(values: Values, answers: Answers, ctx: Context) -> Effects:
    choice = values.get("auth_choice", "skip")
    if choice == "skip":
        return Effects(config={"models.auth_choice": "skip"},
                       notes=[M("sign in later: openclaw models auth login --provider openai-codex")])
    from wizard.auth import providers, resolve

    provider = provider_for(answers)
    assert provider is not None  # the choice is not skip: it names a provider
    order = (resolve.default_auth_order(provider, providers.BUILTIN) if provider in providers.BUILTIN
             else [resolve.profile_id(provider)])
    config: dict[str, Any] = {"models.default": values["model"], "models.auth_choice": choice,
                              "models.auth_order": order}
    if choice == "openai-codex":
        if values.get("method") == "keep":
            return Effects(config=config, notes=[M("keeping the current ChatGPT sign-in")])
        return Effects(config=config, sign_in=sign_in(values, answers, ctx))
    token = values.get("token")
    credentials: list[Record] = []
    if token is not None and token.origin != "existing":
        credentials.append({"provider": provider, "type": "api_key" if choice.endswith("api-key") else "token",
                            "access_token": token.value.strip(), "refresh_token": None, "expires_at": None})
    return Effects(config=config, credentials=credentials)


def sign_in(values: Values, answers: Answers, ctx: Context) -> tuple[str, str] | None:
    """Sign in with ChatGPT asks for a sign-in, unless the stored one is kept."""
    if values.get("auth_choice") != "openai-codex" or values.get("method") == "keep":
        return None
    return "openai-codex", str(values.get("method") or "browser")


def from_config(ctx: Context) -> Values:
    return {"auth_choice": ctx.existing_value("models", "auth_choice", default="skip"),
            "model": ctx.existing_value("models", "default", default="")}


def describe(values: Values) -> str:
    choice = values.get("auth_choice", "skip")
    if choice == "skip":
        return M("skipped")
    if choice == "openai-codex":
        method = values.get("method", "browser")
        how = M("keep current sign-in") if method == "keep" else method
        return M("Sign in with ChatGPT ({how}), model {model}", how=how, model=values.get("model"))
    return M("{choice}, model {model}", choice=choice, model=values.get("model"))


def set_aside(values: Values) -> str | None:
    """Skipping Authorization sets its other answers aside (a replayed answers file with --auth-choice skip)."""
    return M("Authorization is skipped (auth_choice is skip)") if values.get("auth_choice") == "skip" else None


STEP = Step("authorization", 7, M("Authorization"), M("Connect a model provider."),
            FIELDS, plan, from_config, describe, sections=("models",), sign_in=sign_in, set_aside=set_aside,
            sign_in_method="method")
