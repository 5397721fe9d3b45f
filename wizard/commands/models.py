"""`openclaw models ...`: auth status/refresh/logout/import, status, list, invoke.

`models auth status` has a 60 ms budget: module level imports only the
standard library and our stdlib-only modules; the rest loads inside the
handler that needs it (no httpx2, authlib, tomlkit or textual on that path).
"""

from __future__ import annotations

import json
import sys
import time
import tomllib
from pathlib import Path

from wizard import paths
from wizard.auth import status as st
from wizard.auth.store import now_ms
from wizard.errors import UsageError, WizardError
from wizard.render import STATUS_COLOURS, colour_enabled, paint, short_path, table

CATALOG_PATH = Path(__file__).resolve().parent.parent / "data" / "models.toml"


# --------------------------------------------------------------------------- shared


def _emit(payload: dict) -> None:
    print(json.dumps(payload), flush=True)


def _providers() -> dict:
    from wizard.auth.providers import all_providers

    return all_providers()


def _provider(provider_id: str, known: dict | None = None):
    """The provider named on the command line; INVALID_PROVIDER listing the known ones."""
    from wizard.auth import providers

    return providers.get(provider_id, known)


def warn_config_error(error: str | None) -> None:
    if error:
        print(f"warning: {error}; its models settings (auth_order, default) are ignored", file=sys.stderr)


def read_models_config() -> tuple[dict, str | None]:
    """The config's [models] table and, when the file is unusable, why (status still runs)."""
    path = paths.config_path()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return {}, None
    except UnicodeDecodeError:
        return {}, f"{path} is not valid TOML: it is not UTF-8 text"
    except ValueError as exc:  # tomllib.TOMLDecodeError
        return {}, f"{path} is not valid TOML: {exc}"
    except RecursionError:
        return {}, f"{path} is not valid TOML: it is nested too deeply"
    except OSError as exc:
        return {}, f"cannot read {path}: {exc.strerror or exc}"
    models = data.get("models")
    return (models if isinstance(models, dict) else {}), None


def auth_order_of(models_cfg: dict) -> list[str]:
    order = models_cfg.get("auth_order")
    return [entry for entry in order if isinstance(entry, str)] if isinstance(order, list) else []


def auth_choice_of(models_cfg: dict, providers: dict) -> str | None:
    choice = models_cfg.get("auth_choice")
    return choice if isinstance(choice, str) and choice in providers else None


def profile_rows(models_cfg: dict, providers: dict, provider_filter: str | None = None):
    """(rows, relevant providers for --check) for the config's auth order and choice."""
    order = auth_order_of(models_cfg)
    choice = auth_choice_of(models_cfg, providers)
    shown = list(order)
    if choice and not any(entry.partition(":")[0] == choice for entry in shown):
        shown.append(f"{choice}:{st.profile_name_for(providers[choice].kind)}")
    rows = st.collect(shown, provider_filter, providers)
    return rows, st.relevant_providers(rows, order, choice, provider_filter)


def _account_text(row: st.ProfileStatus) -> str:
    who = row.email or row.account_id or ""
    return f"{who} ({row.plan})" if who and row.plan else who or "-"


def _notes(row: st.ProfileStatus) -> list[str]:
    notes = []
    if row.error:
        notes.append(f"error: {row.error}")
        if row.hint:
            notes.append(f"fix: {row.hint}")
        if row.fix and (not row.hint or row.fix not in row.hint):
            notes.append(f"or:  {row.fix}")
    elif row.fix:
        notes.append(f"fix: {row.fix}")
        if row.read_only:
            notes.append("     (optional: only if you use the Codex CLI)" if row.status == st.MISSING
                         else "     (the Codex CLI owns this sign-in; OpenClaw only reads it)")
    return notes


def status_table(rows: list[st.ProfileStatus], colour: bool) -> str:
    cells = [[row.profile, row.status, st.expiry_phrase(row), _account_text(row), short_path(row.source)]
             for row in rows]
    colours = [[None, STATUS_COLOURS.get(row.status), None, None, "dim"] for row in rows]
    return table(["Profile", "Status", "Expires", "Account", "Source"], cells, colours,
                 enabled=colour, notes=[_notes(row) for row in rows])


def iso_utc(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))


def detail_block(row: st.ProfileStatus, provider, colour: bool) -> str:
    expires = "-"
    if row.expires_at is not None:
        expires = f"{iso_utc(row.expires_at)} ({st.expiry_phrase(row)})"
    elif row.status == st.STATIC:
        expires = "no expiry"
    lines = [
        paint(row.profile, "bold", colour),
        f"  Provider:  {row.provider}" + (f" ({provider.label})" if provider is not None else ""),
        f"  Status:    {paint(row.status, STATUS_COLOURS.get(row.status), colour)}",
        f"  Expires:   {expires}",
        f"  Scopes:    {' '.join(row.scopes) or '-'}",
        f"  Account:   {row.email or '-'}" + (f" ({row.account_id})" if row.account_id else ""),
        f"  Plan:      {row.plan or '-'}",
        f"  Source:    {row.source}" + ("  (read-only)" if row.read_only else ""),
    ]
    if row.error:
        lines.append(f"  Error:     {row.error}")
    if row.hint:
        lines.append(f"  Hint:      {row.hint}")
    if row.fix:
        lines.append(f"  Fix:       {row.fix}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- models auth status


def _providers_and_config(args) -> tuple[dict, dict]:
    """The providers (checking --provider) and the config's [models] table, warning if it is unreadable."""
    providers = _providers()
    if args.provider:
        _provider(args.provider, providers)
    models_cfg, config_error = read_models_config()
    warn_config_error(config_error)
    return providers, models_cfg


def auth_status(args) -> int:
    providers, models_cfg = _providers_and_config(args)
    rows, relevant = profile_rows(models_cfg, providers, args.provider)
    code = st.check_exit_code(rows, relevant)
    if args.json:
        _emit({"profiles": [row.as_dict() for row in rows], "check": code})
    else:
        colour = colour_enabled()
        print(status_table(rows, colour))
        if args.provider:
            for row in rows:
                print()
                print(detail_block(row, providers.get(row.provider), colour))
    return code if args.check else 0


# --------------------------------------------------------------------------- models status


def models_status(args) -> int:
    providers = _providers()
    models_cfg, config_error = read_models_config()
    rows, relevant = profile_rows(models_cfg, providers)
    code = st.check_exit_code(rows, relevant)
    config_file = paths.config_path()
    if args.json:
        _emit({
            "config": str(config_file),
            "config_exists": config_file.exists(),
            "config_error": config_error,
            "default_model": _str_or_none(models_cfg.get("default")),
            "auth_choice": _str_or_none(models_cfg.get("auth_choice")),
            "auth_order": auth_order_of(models_cfg),
            "profiles": [row.as_dict() for row in rows],
            "check": code,
        })
        return code if args.check else 0
    colour = colour_enabled()
    print(f"Config:         {short_path(str(config_file))}" + ("" if config_file.exists() else
                                                               "  (not found: run `openclaw onboard`)"))
    if config_error:
        print(paint(f"  error: {config_error}", "red", colour))
    print(f"Default model:  {_str_or_none(models_cfg.get('default')) or '-'}")
    print(f"Auth order:     {', '.join(auth_order_of(models_cfg)) or '-'}")
    print()
    print("OAuth/token status")
    print(status_table(rows, colour))
    return code if args.check else 0


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


# --------------------------------------------------------------------------- models list


def load_catalog(path: Path = CATALOG_PATH) -> list[dict]:
    with open(path, "rb") as fh:
        return [entry for entry in tomllib.load(fh).get("model", []) if isinstance(entry, dict)]


def configured_models(models_cfg: dict) -> list[str]:
    """Models the config names: the default, then any fallbacks."""
    named = [models_cfg.get("default")]
    fallbacks = models_cfg.get("fallbacks")
    if isinstance(fallbacks, list):
        named += fallbacks
    result: list[str] = []
    for model in named:
        if isinstance(model, str) and model and model not in result:
            result.append(model)
    return result


def model_auth(model_providers: list[str], best: dict[str, str]) -> str | None:
    """The best status among the providers that can serve a model; None for a local model."""
    if not model_providers:
        return None
    statuses = [best.get(p, st.MISSING) for p in model_providers]
    order = [st.OK, st.STATIC, st.EXPIRING, st.EXPIRED, st.MISSING]
    return min(statuses, key=order.index)


def catalog_rows(models_cfg: dict, providers: dict, provider_filter: str | None) -> list[dict]:
    catalog = load_catalog()
    known_ids = {entry.get("id") for entry in catalog}
    configured = configured_models(models_cfg)
    for model in configured:
        if model not in known_ids:  # a configured model the catalog does not know: shown with unknowns
            family = model.partition("/")[0]
            catalog.append({"id": model, "providers": [family] if family in providers else [],
                            "input": None, "context_window": None, "local": None, "in_catalog": False})
    if provider_filter is not None:
        catalog = [entry for entry in catalog if provider_filter in (entry.get("providers") or [])]
    rows, _ = profile_rows(models_cfg, providers)
    best = st.best_by_provider(rows)
    default = _str_or_none(models_cfg.get("default"))
    result = []
    for entry in catalog:
        auth = model_auth(list(entry.get("providers") or []), best) if entry.get("local") is not True else None
        tags = [tag for tag, present in (("default", entry["id"] == default),
                                         ("configured", entry["id"] in configured),
                                         ("missing", auth in (st.MISSING, st.EXPIRED))) if present]
        result.append({
            "id": entry["id"],
            "providers": list(entry.get("providers") or []),
            "input": entry.get("input"),
            "context_window": entry.get("context_window"),
            "local": entry.get("local"),
            "auth": auth,
            "tags": tags,
            "in_catalog": entry.get("in_catalog", True),
        })
    return result


def _context_text(tokens: object) -> str:
    if not isinstance(tokens, int):
        return "-"
    return f"{tokens // 1000}k" if tokens >= 1000 else str(tokens)


def models_list(args) -> int:
    providers, models_cfg = _providers_and_config(args)
    rows = catalog_rows(models_cfg, providers, args.provider)
    if args.json:
        _emit({"models": rows})
        return 0
    colour = colour_enabled()
    cells = [[row["id"],
              "+".join(row["input"]) if row["input"] else "-",
              _context_text(row["context_window"]),
              "-" if row["local"] is None else ("yes" if row["local"] else "no"),
              row["auth"] or "-",
              ",".join(row["tags"]) or "-"] for row in rows]
    colours = [[None, None, None, None, STATUS_COLOURS.get(row["auth"] or ""),
                "red" if "missing" in row["tags"] else None] for row in rows]
    print(table(["Model", "Input", "Ctx", "Local", "Auth", "Tags"], cells, colours, enabled=colour))
    return 0


# --------------------------------------------------------------------------- models auth refresh


def auth_refresh(args) -> int:
    from wizard.auth import providers, store

    provider = _provider(args.provider)
    profile = f"{provider.id}:{args.profile}"
    if profile == "openai-codex:codex-cli":
        raise UsageError(
            "openai-codex:codex-cli belongs to the Codex CLI; OpenClaw never refreshes it "
            "(its refresh token rotates, and two owners invalidate each other)",
            hint="run `codex login` (or just use codex, which refreshes it), or sign in for OpenClaw: "
                 f"{st.login_command(provider.id)}")
    providers.require_oauth(provider, to="refresh")
    if args.profile != "default":
        raise UsageError(f"unknown profile {profile!r}",
                         hint=f"profiles: {provider.id}:default (or openai-codex:codex-cli, which is read-only)")
    record = store.load(provider.id)
    if record is None:
        raise WizardError(f"no sign-in stored for {provider.id}", code="NOT_SIGNED_IN",
                          hint=f"sign in: {st.login_command(provider.id)}")
    if not record.get("refresh_token"):
        raise WizardError(f"the stored {provider.id} credentials have no refresh token", code="NOT_REFRESHABLE",
                          hint=st.sign_in_again(provider.id))
    from wizard.auth.refresh import refresh

    refresh(provider.id, force=True)
    row = st.stored_profile(provider.id, provider.kind, now_ms())
    if args.json:
        _emit({"event": "refreshed", "profile": row.as_dict()})
    else:
        print(f"refreshed {row.profile}: {row.status}, {st.expiry_phrase(row)}"
              + (f" ({_account_text(row)})" if row.email or row.account_id else ""))
    return 0


# --------------------------------------------------------------------------- models auth logout


def auth_logout(args) -> int:
    from wizard.auth import codex_cli

    provider = _provider(args.provider)
    path = paths.credential_path(provider.id)
    if path.exists() or path.is_symlink():
        from wizard.auth.refresh import credential_lock

        # A refresh in flight must not re-create the file once it is gone; the lock file goes too.
        with credential_lock(provider.id, remove=True):
            record, unreadable, revocations, deleted = _revoke_and_delete(provider)
    else:
        record, unreadable, revocations, deleted = None, None, None, False
    revoked = None
    if revocations is not None:
        from wizard.auth.oauth import sign_in_revoked

        revoked = sign_in_revoked(revocations)
    codex_cli_kept = provider.id == "openai-codex" and codex_cli.auth_path().exists()
    if args.json:
        _emit({"event": "logged_out", "provider": provider.id, "revoked": revoked, "deleted": deleted,
               "revocation": {r.token_type: r.as_dict() for r in revocations or []},
               "source": str(path), "unreadable": unreadable, "codex_cli_untouched": codex_cli_kept})
        return 0
    for line in logout_messages(provider, record, revocations, deleted, path, unreadable):
        print(line)
    if codex_cli_kept:
        print(f"left the Codex CLI's sign-in ({short_path(str(codex_cli.auth_path()))}) alone: "
              "it is not ours; `codex logout` signs it out")
    return 0


def _revoke_and_delete(provider) -> tuple[dict | None, str | None, list | None, bool]:
    """(the record, why it was unreadable, what happened to each token at the provider, whether the file
    was deleted)."""
    from wizard.auth import store

    unreadable = None
    try:
        record = store.load(provider.id)
    except store.CredentialError as exc:
        record, unreadable = None, exc.message
    revocations = None
    if record is not None and provider.kind == "oauth" and provider.revocable:
        from wizard.auth.oauth import revoke_tokens

        revocations = revoke_tokens(provider, record)
    return record, unreadable, revocations, store.delete(provider.id)


def logout_messages(provider, record, revocations, deleted, path: Path, unreadable: str | None) -> list[str]:
    lines = []
    if revocations is not None:
        from wizard.auth.oauth import revocation_lines

        lines += revocation_lines(provider.issuer or provider.id, revocations, record)
    elif unreadable:
        lines.append(f"not revoked: the stored file was unusable ({unreadable})")
    elif record is not None:
        lines.append(f"{provider.id} has no revocation endpoint; revoke the key with the provider if it leaked")
    if deleted:
        lines.append(f"deleted {short_path(str(path))}")
    else:
        lines.append(f"nothing stored for {provider.id} ({short_path(str(path))} does not exist)")
    return lines


# --------------------------------------------------------------------------- models auth import

SHARED_TOKEN_WARNING = (
    "warning: this copies the Codex CLI's refresh token. Refresh tokens rotate and work once: after the copy, "
    "whichever of OpenClaw and the Codex CLI refreshes first invalidates the other's token, and the other must "
    f"sign in again. A separate sign-in avoids this: {st.login_command(st.CODEX_PROVIDER)}")


def _bad_import(message: str, hint: str | None = None) -> WizardError:
    return WizardError(message, code="BAD_CREDENTIALS", exit_code=2,
                       hint=(hint + "; " if hint else "") + "nothing was changed")


def read_import_source(source: str) -> tuple[str, bytes]:
    """(name for messages, bytes) of --file F, or of stdin for `-`."""
    if source == "-":
        return "stdin", sys.stdin.buffer.read()
    path = Path(source).expanduser()
    try:
        return str(path), path.read_bytes()
    except FileNotFoundError:
        raise _bad_import(f"{path}: no such file") from None
    except IsADirectoryError:
        raise _bad_import(f"{path} is a directory, not a credential file") from None
    except OSError as exc:
        raise _bad_import(f"cannot read {path}: {exc.strerror}", hint=f"check its permissions (chmod 600 {path})") from None


def parse_import(name: str, raw: bytes) -> object:
    from wizard.auth.store import parse_json

    try:
        return parse_json(raw)
    except ValueError as exc:
        what = "is empty" if not raw.strip() else f"is not valid JSON ({exc})"
        raise _bad_import(f"{name} {what}", hint="give the credential JSON: provider, access_token, "
                                                 "refresh_token, expires_at (ms), scope") from None


def normalize_import(data: object, name: str, provider) -> dict:
    """Validate the seed's shape (or the Codex CLI's auth.json shape) for `provider`."""
    from wizard.auth import codex_cli, store

    try:
        if isinstance(data, dict) and ("tokens" in data or "OPENAI_API_KEY" in data):
            data = codex_cli.to_record(data, name)
            if data is None:
                raise store.CredentialError(f"{name}: the Codex CLI file holds no sign-in")
        if isinstance(data, dict) and "type" not in data and provider.kind != "oauth":
            data = {**data, "type": provider.kind}
        record = store.validate_record(data, name, provider.id)
        if record["type"] == "oauth" or provider.id == st.CODEX_PROVIDER:
            record = st.with_expiry_from_jwt(record, name, require_jwt=provider.id == st.CODEX_PROVIDER)
    except store.CredentialError as exc:
        raise _bad_import(exc.message) from None
    return _with_account_claims(record)


def _with_account_claims(record: dict) -> dict:
    from wizard.auth.jwt import account_info

    info = account_info(record.get("id_token"), record.get("access_token"))
    return {**{k: v for k, v in info.items() if v}, **record}


def auth_import(args) -> int:
    provider = _provider(args.provider)
    if args.from_codex_cli:
        return import_from_codex_cli(args, provider)
    name, raw = read_import_source(args.file or args.stdin)
    record = normalize_import(parse_import(name, raw), name, provider)
    return _store_imported(args, provider, record, origin=name)


def confirm_shared_token(assume_yes: bool) -> None:
    from wizard.errors import Cancelled

    print(SHARED_TOKEN_WARNING, file=sys.stderr)
    if assume_yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(
            "refusing to copy the Codex CLI's sign-in without confirmation: stdin is not a terminal",
            hint="pass --yes to confirm you accept the shared refresh token, or sign in separately: "
                 f"{st.login_command(st.CODEX_PROVIDER)}")
    sys.stderr.write("Copy it anyway? [y/N] ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise Cancelled("not copied: nothing was written")


def import_from_codex_cli(args, provider) -> int:
    from wizard.auth import codex_cli, store

    if provider.id != st.CODEX_PROVIDER:
        raise UsageError(f"--from-codex-cli copies a ChatGPT sign-in, which belongs to openai-codex, not {provider.id}",
                         hint="use --provider openai-codex")
    path = codex_cli.auth_path()
    try:
        record = codex_cli.load(path)
    except store.CredentialError as exc:
        raise _bad_import(exc.message, exc.hint) from None
    if record is None:
        raise WizardError(f"no Codex CLI sign-in at {path}", code="NOT_SIGNED_IN",
                          hint="run `codex login` first (or set CODEX_HOME), or sign in for OpenClaw: "
                               f"{st.login_command(provider.id)}")
    if record.get("type") != "oauth":
        raise UsageError(f"the Codex CLI at {path} is signed in with an API key, not ChatGPT",
                         hint="store the key with `openclaw models auth import --provider openai-api-key --file F`")
    confirm_shared_token(args.yes)
    return _store_imported(args, provider, record, origin=str(path))


def _store_imported(args, provider, record: dict, *, origin: str) -> int:
    from wizard.auth import store
    from wizard.auth.refresh import credential_lock

    with credential_lock(provider.id):  # a refresh in flight must not write its older tokens over these
        replaced = paths.credential_path(provider.id).exists()
        path = store.save(record)
    row = st.stored_profile(provider.id, provider.kind, now_ms())
    if args.json:
        _emit({"event": "imported", "from": origin, "replaced": replaced, "profile": row.as_dict()})
        return 0
    verb = "replaced" if replaced else "stored"
    print(f"{verb} {row.profile} in {short_path(str(path))} (mode 0600) from {short_path(origin)}")
    print(f"status: {row.status}, {st.expiry_phrase(row)}"
          + (f" ({_account_text(row)})" if row.email or row.account_id else ""))
    if row.fix:
        print(f"fix: {row.fix}")
    return 0


# --------------------------------------------------------------------------- models invoke


def credentials_for_invoke(provider) -> dict:
    """The stored record, refreshed first when it is about to expire; an env API key as fallback."""
    import os

    from wizard.auth import store

    record = store.load(provider.id)
    if record is None and provider.env_var and os.environ.get(provider.env_var):
        return {"provider": provider.id, "type": "api_key", "access_token": os.environ[provider.env_var]}
    if record is None:
        raise WizardError(f"not signed in to {provider.id}", code="NOT_SIGNED_IN",
                          hint=f"sign in: {st.login_command(provider.id)}")
    if record.get("type") == "oauth" and record.get("refresh_token"):
        from wizard.auth.refresh import ensure_fresh

        record = ensure_fresh(provider.id)
    return record


def invoke(args) -> int:
    from wizard.auth.invoke import send

    provider = _provider(args.provider)
    record = credentials_for_invoke(provider)
    try:
        reply = send(provider, record, args.model, args.prompt)
    except WizardError as exc:
        # A token revoked or expired early: one forced refresh, one retry (what the Codex CLI does).
        if exc.code != "UNAUTHORIZED" or record.get("type") != "oauth" or not record.get("refresh_token"):
            raise
        from wizard.auth.refresh import refresh

        record = refresh(provider.id, force=True)
        reply = send(provider, record, args.model, args.prompt)
    if args.json:
        _emit({"event": "reply", "provider": provider.id, **reply.as_dict()})
        return 0
    print(reply.text)
    usage = reply.usage or {}
    print(f"tokens: {usage.get('input_tokens', '?')} in, {usage.get('output_tokens', '?')} out, "
          f"{usage.get('total_tokens', '?')} total ({reply.model})")
    return 0
