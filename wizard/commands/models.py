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
from wizard.i18n import M, localize
from wizard.output import Output
from wizard.render import STATUS_COLOURS, cell_width, colour_enabled, labelled, paint, short_path, table

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
        out.say(M("warning: {error}; its models settings (auth_order, default) are ignored", error=error))
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
    """The lines under a profile's row, in the chosen language (the `error:`, `fix:` and `note:` tags stay)."""
    notes: list[str] = []
    if row.error:
        notes.append(localize(M("error: {error}", error=row.error)))
        fixes = [row.hint] if row.hint else []
        if row.fix and not any(row.fix in fix for fix in fixes):
            fixes.append(row.fix)
        notes += _fix_lines(fixes)
    elif row.fix:
        notes += _fix_lines([row.fix])
        if row.read_only and row.name == resolve.CODEX_CLI:
            aside = (M("(optional: only if you use the Codex CLI)") if row.status == st.MISSING
                     else M("(the Codex CLI owns this sign-in; OpenClaw only reads it)"))
            notes.append(" " * cell_width("fix: ") + localize(aside))
    if row.note and row.name != resolve.ENV:
        notes.append(localize(M("note: {note}", note=row.note)))
    return notes


def _fix_lines(fixes: list[str]) -> list[str]:
    """`fix: A`, then `or:  B` for each other way, the fixes one under another."""
    tags = ["fix:"] + [localize(M("or:"))] * (len(fixes) - 1)
    width = max(cell_width(tag) for tag in tags) + 1
    return [tag + " " * (width - cell_width(tag)) + localize(fix) for tag, fix in zip(tags, fixes, strict=True)]


def source_text(row: st.ProfileStatus) -> str:
    """Where a profile is read from, for people: a path, an environment variable or the OS keychain."""
    if row.source.startswith("env:"):
        return M("${name} (from environment)", name=row.source.removeprefix("env:"))
    if row.source.startswith("keyring:"):
        return M("OS keychain ({entry})", entry=row.source.removeprefix("keyring:"))
    return short_path(row.source)


def status_table(rows: list[st.ProfileStatus], colour: bool) -> str:
    cells = [[row.profile, row.status, st.expiry_phrase(row), _account_text(row), source_text(row)]
             for row in rows]
    colours: list[list[str | None]] = [[None, STATUS_COLOURS.get(row.status), None, None, "dim"] for row in rows]
    return table([M("Profile"), M("Status"), M("Expires"), M("Account"), M("Source")], cells, colours,
                 enabled=colour, notes=[_notes(row) for row in rows])


def iso_utc(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))


def detail_block(row: st.ProfileStatus, provider: Provider | None, colour: bool) -> str:
    """A profile's every detail, one labelled line each, in the chosen language."""
    expires: str = "-"
    if row.expires_at is not None:
        expires = M("{when} ({phrase})", when=iso_utc(row.expires_at), phrase=st.expiry_phrase(row))
    elif row.status == st.STATIC:
        expires = M("no expiry")
    qualifier = (M("(refreshes on next use)") if row.refreshes_on_use else M("(revoked)") if row.revoked
                 else None)
    status = paint(row.status, STATUS_COLOURS.get(row.status), colour)
    fields: list[tuple[str, str]] = [
        (M("Provider:"), M("{id} ({label})", id=row.provider, label=provider.label) if provider is not None
         else row.provider),
        (M("Status:"), status if qualifier is None else status + " " + localize(qualifier)),
        (M("Expires:"), expires),
        (M("Scopes:"), " ".join(row.scopes) or "-"),
        (M("Account:"), f"{row.email or '-'} ({row.account_id})" if row.account_id else row.email or "-"),
        (M("Plan:"), row.plan or "-"),
        (M("Source:"), M("{path}  (read-only)", path=row.source) if row.read_only else row.source),
    ]
    fields += [(label, value) for label, value in ((M("Note:"), row.note), (M("Error:"), row.error),
                                                   (M("Hint:"), row.hint), (M("Fix:"), row.fix)) if value]
    return "\n".join([paint(row.profile, "bold", colour), *labelled(fields, indent="  ")])


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
    shown = short_path(config_file)
    config_line, *rest = labelled([
        (M("Config:"), shown if config_exists else M("{path}  (not found: run `openclaw onboard`)", path=shown)),
        (M("Default model:"), _str_or_none(models_cfg.get("default")) or "-"),
        (M("Auth order:"), ", ".join(view.auth_order) or "-")])
    lines = [config_line]
    if config_error:
        lines.append(paint(localize(M("  error: {error}", error=config_error)), "red", colour))
    lines += [*rest, "", localize(M("OAuth/token status"))]
    lines += [paint(localize(entry.line()), None if entry.available else "dim", colour) for entry in report.values()]
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
              "-" if row["local"] is None else (M("yes") if row["local"] else M("no")),
              row["auth"] or "-",
              ",".join(row["tags"]) or "-"] for row in rows]  # input kinds, statuses and tags are JSON's words
    colours: list[list[str | None]] = [[None, None, None, None, STATUS_COLOURS.get(row["auth"] or ""),
                                        "red" if "missing" in row["tags"] else None] for row in rows]
    out.print(table([M("Model"), M("Input"), M("Ctx"), M("Local"), M("Auth"), M("Tags")], cells, colours,
                    enabled=colour))
    return 0


# --------------------------------------------------------------------------- models auth refresh


def auth_refresh(args: argparse.Namespace) -> int:
    from wizard.auth.access import refresh_now

    out = Output(args.json)
    row = refresh_now(_provider(args.provider), args.profile)
    if args.json:
        out.document({"event": "refreshed", "profile": row.as_dict()})
    else:
        out.print(_status_line(M("refreshed {profile}: {status}, {expiry}", profile=row.profile, status=row.status,
                                 expiry=st.expiry_phrase(row)), row))
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
        lines.append(M("left the Codex CLI's sign-in ({path}) alone: it is not ours; `codex logout` signs it out",
                       path=short_path(str(codex_cli.auth_path()))))
    out.print("\n".join(localize(line) for line in lines))
    return 0


def logout_messages(provider: Provider, result: Logout) -> list[str]:
    """What logging out did, one message a line (shown with localize())."""
    lines: list[str] = []
    if result.revocations is not None:
        from wizard.auth.oauth import revocation_lines

        lines += revocation_lines(provider.issuer or provider.id, result.revocations, result.record)
    elif result.unreadable:
        lines.append(M("not revoked: the stored file was unusable ({reason})", reason=result.unreadable))
    elif result.record is not None:
        lines.append(M("{provider} has no revocation endpoint; revoke the key with the provider if it leaked",
                       provider=provider.id))
    if result.deleted:
        lines.append(M("deleted {path}", path=short_path(str(result.path))))
    else:
        lines.append(M("nothing stored for {provider} ({path} does not exist)", provider=provider.id,
                       path=short_path(str(result.path))))
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

    print(localize(SHARED_TOKEN_WARNING), file=sys.stderr)
    if assume_yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(
            M("refusing to copy the Codex CLI's sign-in without confirmation: stdin is not a terminal"),
            hint=M("pass --yes to confirm you accept the shared refresh token, or sign in separately: {command}",
                   command=st.login_command(st.CODEX_PROVIDER)))
    sys.stderr.write(localize(M("Copy it anyway? [y/N] ")))  # the answer stays y or yes in every language
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise Cancelled(M("not copied: nothing was written"))


def _report_import(args: argparse.Namespace, imported: Imported, *, origin: str) -> int:
    out = Output(args.json)
    row = imported.profile
    if args.json:
        out.document({"event": "imported", "from": origin, "replaced": imported.replaced, "profile": row.as_dict()})
        return 0
    where = {"profile": row.profile, "path": short_path(str(imported.path)), "origin": short_path(origin)}
    lines = [M("replaced {profile} in {path} (mode 0600) from {origin}", **where) if imported.replaced
             else M("stored {profile} in {path} (mode 0600) from {origin}", **where),
             _status_line(M("status: {status}, {expiry}", status=row.status, expiry=st.expiry_phrase(row)), row)]
    if row.fix:
        lines.append(M("fix: {fix}", fix=row.fix))
    out.print("\n".join(localize(line) for line in lines))
    return 0


def _status_line(line: str, row: st.ProfileStatus) -> str:
    """`line`, then the account it signs in as when there is one."""
    if row.email or row.account_id:
        return M("{line} ({account})", line=line, account=_account_text(row))
    return line


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
    out.print(M("{reply}\ntokens: {input} in, {output} out, {total} total ({model}, {provider})", reply=reply.text,
                input=usage.get("input_tokens", "?"), output=usage.get("output_tokens", "?"),
                total=usage.get("total_tokens", "?"), model=reply.model, provider=provider.id))
    return 0
