"""`openclaw models ...`: auth status/refresh/logout/import, status, list, invoke.

Thin: read the arguments, ask the core (wizard.auth.status, access, importer, wizard.catalog),
render. `models auth status` is the hot path: module level imports only the standard library and
our stdlib-only modules; the rest loads inside the handler that needs it (no httpx2, authlib,
tomlkit or textual on that path).
"""

from __future__ import annotations

import os
import sys
import time

from wizard import config, paths
from wizard.auth import resolve
from wizard.auth import status as st
from wizard.errors import Cancelled, UsageError
from wizard.output import Output
from wizard.render import STATUS_COLOURS, colour_enabled, paint, short_path, table

TYPE_CHECKING = False  # `typing` and `argparse` are not worth importing on the status path
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from wizard.auth.access import Logout
    from wizard.auth.importer import Imported
    from wizard.auth.providers import Provider
    from wizard.cli import StatusArgs


def _providers() -> dict[str, Provider]:
    from wizard.auth.providers import all_providers

    return all_providers()


def _provider(provider_id: str, known: dict[str, Provider] | None = None) -> Provider:
    """The provider named on the command line; INVALID_PROVIDER listing the known ones."""
    from wizard.auth import providers

    return providers.get(provider_id, known)


def _models_config(out: Output) -> tuple[dict[str, Any], str | None]:
    """The config's [models] table; an unusable config is a warning (status still runs)."""
    models_cfg, error = config.read_table(paths.config_path_str(), "models")
    if error:
        out.say(f"warning: {error}; its models settings (auth_order, default) are ignored")
    return models_cfg, error


def _providers_and_config(args: argparse.Namespace | StatusArgs,
                          out: Output) -> tuple[dict[str, Provider], dict[str, Any], str | None]:
    """The providers, the config's [models] table and --provider as a provider id (an alias resolved)."""
    providers = _providers()
    provider_id = _provider(args.provider, providers).id if args.provider else None
    models_cfg, _ = _models_config(out)
    return providers, models_cfg, provider_id


# --------------------------------------------------------------------------- rendering


def _account_text(row: st.ProfileStatus) -> str:
    who = row.email or row.account_id or ""
    return f"{who} ({row.plan})" if who and row.plan else who or "-"


def _notes(row: st.ProfileStatus) -> list[str]:
    notes = []
    if row.error:
        notes.append(f"error: {row.error}")
        fixes = [row.hint] if row.hint else []
        if row.fix and not any(row.fix in fix for fix in fixes):
            fixes.append(row.fix)
        notes += [("fix: " if i == 0 else "or:  ") + fix for i, fix in enumerate(fixes)]
    elif row.fix:
        notes.append(f"fix: {row.fix}")
        if row.read_only and row.name == resolve.CODEX_CLI:
            notes.append("     (optional: only if you use the Codex CLI)" if row.status == st.MISSING
                         else "     (the Codex CLI owns this sign-in; OpenClaw only reads it)")
    if row.note and row.name != resolve.ENV:
        notes.append(f"note: {row.note}")
    return notes


def source_text(row: st.ProfileStatus) -> str:
    """Where a profile is read from, for people: a path, an environment variable or the OS keychain."""
    if row.source.startswith("env:"):
        return f"${row.source.removeprefix('env:')} (from environment)"
    if row.source.startswith("keyring:"):
        return f"OS keychain ({row.source.removeprefix('keyring:')})"
    return short_path(row.source)


def status_table(rows: list[st.ProfileStatus], colour: bool) -> str:
    cells = [[row.profile, row.status, st.expiry_phrase(row), _account_text(row), source_text(row)]
             for row in rows]
    colours: list[list[str | None]] = [[None, STATUS_COLOURS.get(row.status), None, None, "dim"] for row in rows]
    return table(["Profile", "Status", "Expires", "Account", "Source"], cells, colours,
                 enabled=colour, notes=[_notes(row) for row in rows])


def iso_utc(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))


def detail_block(row: st.ProfileStatus, provider: Provider | None, colour: bool) -> str:
    expires = "-"
    if row.expires_at is not None:
        expires = f"{iso_utc(row.expires_at)} ({st.expiry_phrase(row)})"
    elif row.status == st.STATIC:
        expires = "no expiry"
    qualifier = " (refreshes on next use)" if row.refreshes_on_use else " (revoked)" if row.revoked else ""
    lines = [
        paint(row.profile, "bold", colour),
        f"  Provider:  {row.provider}" + (f" ({provider.label})" if provider is not None else ""),
        f"  Status:    {paint(row.status, STATUS_COLOURS.get(row.status), colour)}{qualifier}",
        f"  Expires:   {expires}",
        f"  Scopes:    {' '.join(row.scopes) or '-'}",
        f"  Account:   {row.email or '-'}" + (f" ({row.account_id})" if row.account_id else ""),
        f"  Plan:      {row.plan or '-'}",
        f"  Source:    {row.source}" + ("  (read-only)" if row.read_only else ""),
    ]
    if row.note:
        lines.append(f"  Note:      {row.note}")
    if row.error:
        lines.append(f"  Error:     {row.error}")
    if row.hint:
        lines.append(f"  Hint:      {row.hint}")
    if row.fix:
        lines.append(f"  Fix:       {row.fix}")
    return "\n".join(lines)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _context_text(tokens: object) -> str:
    if not isinstance(tokens, int):
        return "-"
    return f"{tokens // 1000}k" if tokens >= 1000 else str(tokens)


# --------------------------------------------------------------------------- models auth status


def _serving(view: resolve.View) -> dict[str, dict[str, Any]]:
    """Per provider shown or judged: the profile serving its calls (null: none) and the verdict."""
    shown = list(dict.fromkeys([row.provider for row in view.rows] + view.relevant))
    return {pid: _serving_entry(view.resolutions[pid], pid in view.relevant)
            for pid in shown if pid in view.resolutions}


def _serving_entry(resolution: resolve.Resolution, judged: bool) -> dict[str, Any]:
    chosen = resolution.chosen
    return {"profile": chosen.profile if chosen else None, "status": resolution.verdict, "judged": judged}


def auth_status(args: argparse.Namespace | StatusArgs) -> int:
    out = Output(args.json)
    providers, models_cfg, provider_id = _providers_and_config(args, out)
    view = resolve.view(models_cfg, providers, provider_id)
    code = view.check_exit_code()
    if args.json:
        out.document({"profiles": [row.as_dict() for row in view.rows], "serving": _serving(view), "check": code})
    else:
        colour = colour_enabled()
        blocks = [status_table(view.rows, colour)]
        if provider_id:
            blocks += ["\n" + detail_block(row, providers.get(row.provider), colour) for row in view.rows]
        out.print("\n".join(blocks))
    return code if args.check else 0


# --------------------------------------------------------------------------- models status


def models_status(args: argparse.Namespace | StatusArgs) -> int:
    from wizard.auth import usage

    out = Output(args.json)
    providers = _providers()
    config_file = paths.config_path_str()
    models_cfg, config_error = config.read_table(config_file, "models")
    # A config that cannot be read is there (or may be: its dir cannot be searched); the error says so.
    config_exists = config_error is not None or os.path.exists(config_file)
    view = resolve.view(models_cfg, providers)
    code = view.check_exit_code()
    report = usage.for_resolutions(view.resolutions, providers)  # never changes the exit code
    if args.json:
        out.document({
            "config": config_file,
            "config_exists": config_exists,
            "config_error": config_error,
            "default_model": _str_or_none(models_cfg.get("default")),
            "auth_choice": _str_or_none(models_cfg.get("auth_choice")),
            "auth_order": view.auth_order,
            "profiles": [row.as_dict() for row in view.rows],
            "serving": _serving(view),
            "usage": {pid: entry.as_dict() for pid, entry in report.items()},
            "check": code,
        })
        return code if args.check else 0
    colour = colour_enabled()
    lines = [f"Config:         {short_path(config_file)}"
             + ("" if config_exists else "  (not found: run `openclaw onboard`)")]
    if config_error:
        lines.append(paint(f"  error: {config_error}", "red", colour))
    lines += [f"Default model:  {_str_or_none(models_cfg.get('default')) or '-'}",
              f"Auth order:     {', '.join(view.auth_order) or '-'}",
              "", "OAuth/token status"]
    lines += [paint(entry.line(), None if entry.available else "dim", colour) for entry in report.values()]
    lines.append(status_table(view.rows, colour))
    out.print("\n".join(lines))
    return code if args.check else 0


# --------------------------------------------------------------------------- models list


def models_list(args: argparse.Namespace) -> int:
    from wizard import catalog

    out = Output(args.json)
    providers, models_cfg, provider_id = _providers_and_config(args, out)
    rows = catalog.rows(models_cfg, providers, provider_id)
    if args.json:
        out.document({"models": rows})
        return 0
    colour = colour_enabled()
    cells = [[row["id"],
              "+".join(row["input"]) if row["input"] else "-",
              _context_text(row["context_window"]),
              "-" if row["local"] is None else ("yes" if row["local"] else "no"),
              row["auth"] or "-",
              ",".join(row["tags"]) or "-"] for row in rows]
    colours: list[list[str | None]] = [[None, None, None, None, STATUS_COLOURS.get(row["auth"] or ""),
                                        "red" if "missing" in row["tags"] else None] for row in rows]
    out.print(table(["Model", "Input", "Ctx", "Local", "Auth", "Tags"], cells, colours, enabled=colour))
    return 0


# --------------------------------------------------------------------------- models auth refresh


def auth_refresh(args: argparse.Namespace) -> int:
    from wizard.auth.access import refresh_now

    out = Output(args.json)
    row = refresh_now(_provider(args.provider), args.profile)
    if args.json:
        out.document({"event": "refreshed", "profile": row.as_dict()})
    else:
        out.print(f"refreshed {row.profile}: {row.status}, {st.expiry_phrase(row)}"
                  + (f" ({_account_text(row)})" if row.email or row.account_id else ""))
    return 0


# --------------------------------------------------------------------------- models auth logout


def auth_logout(args: argparse.Namespace) -> int:
    from wizard.auth import codex_cli
    from wizard.auth.access import logout

    out = Output(args.json)
    provider = _provider(args.provider)
    result = logout(provider)
    if args.json:
        out.document({"event": "logged_out", "provider": provider.id, "revoked": result.revoked,
                      "deleted": result.deleted,
                      "revocation": {r.token_type: r.as_dict() for r in result.revocations or []},
                      "source": str(result.path), "unreadable": result.unreadable,
                      "codex_cli_untouched": result.codex_cli_untouched})
        return 0
    lines = logout_messages(provider, result)
    if result.codex_cli_untouched:
        lines.append(f"left the Codex CLI's sign-in ({short_path(str(codex_cli.auth_path()))}) alone: "
                     "it is not ours; `codex logout` signs it out")
    out.print("\n".join(lines))
    return 0


def logout_messages(provider: Provider, result: Logout) -> list[str]:
    lines = []
    if result.revocations is not None:
        from wizard.auth.oauth import revocation_lines

        lines += revocation_lines(provider.issuer or provider.id, result.revocations, result.record)
    elif result.unreadable:
        lines.append(f"not revoked: the stored file was unusable ({result.unreadable})")
    elif result.record is not None:
        lines.append(f"{provider.id} has no revocation endpoint; revoke the key with the provider if it leaked")
    if result.deleted:
        lines.append(f"deleted {short_path(str(result.path))}")
    else:
        lines.append(f"nothing stored for {provider.id} ({short_path(str(result.path))} does not exist)")
    return lines


# --------------------------------------------------------------------------- models auth import


def auth_import(args: argparse.Namespace) -> int:
    from wizard.auth import importer

    provider = _provider(args.provider)
    if args.from_codex_cli:
        path, record = importer.codex_cli_record(provider)
        confirm_shared_token(args.yes)
        return _report_import(args, importer.store_record(provider, record), origin=str(path))
    source = args.file or args.stdin
    name, raw = ("stdin", sys.stdin.buffer.read()) if source == "-" else importer.read_file(source)
    record = importer.normalize(importer.parse(name, raw), name, provider)
    return _report_import(args, importer.store_record(provider, record), origin=name)


def confirm_shared_token(assume_yes: bool) -> None:
    from wizard.auth.importer import SHARED_TOKEN_WARNING

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


def _report_import(args: argparse.Namespace, imported: Imported, *, origin: str) -> int:
    out = Output(args.json)
    row = imported.profile
    if args.json:
        out.document({"event": "imported", "from": origin, "replaced": imported.replaced, "profile": row.as_dict()})
        return 0
    verb = "replaced" if imported.replaced else "stored"
    lines = [f"{verb} {row.profile} in {short_path(str(imported.path))} (mode 0600) from {short_path(origin)}",
             f"status: {row.status}, {st.expiry_phrase(row)}"
             + (f" ({_account_text(row)})" if row.email or row.account_id else "")]
    if row.fix:
        lines.append(f"fix: {row.fix}")
    out.print("\n".join(lines))
    return 0


# --------------------------------------------------------------------------- models invoke


def invoke(args: argparse.Namespace) -> int:
    from wizard import catalog
    from wizard.auth import access

    out = Output(args.json)
    providers = _providers()
    provider_id = _provider(args.provider, providers).id if args.provider else None
    models_cfg = access.models_config()
    verdicts = resolve.view(models_cfg, providers).verdicts()
    provider_id, model = catalog.invoke_target(models_cfg, providers, provider_id, args.model, verdicts)
    provider = providers[provider_id]
    reply = access.invoke(provider, model, args.prompt, providers=providers, models_cfg=models_cfg)
    if args.json:
        out.document({"event": "reply", "provider": provider.id, **reply.as_dict()})
        return 0
    usage = reply.usage or {}
    out.print(f"{reply.text}\ntokens: {usage.get('input_tokens', '?')} in, {usage.get('output_tokens', '?')} out, "
              f"{usage.get('total_tokens', '?')} total ({reply.model}, {provider.id})")
    return 0
