"""Exit codes and the error types every command reports through one handler."""

from __future__ import annotations

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 124
EXIT_CANCELLED = 130


class WizardError(Exception):
    """An expected failure: printed as `error: message` (+ hint), never as a traceback."""

    exit_code = EXIT_FAILED
    code = "FAILED"
    show_code = False  # codes users grep for (INVALID_PROVIDER) are printed in the human line too

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None,
                 exit_code: int | None = None, details: list[str] | None = None, on_screen: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint  # what to do on the command line
        self.on_screen = on_screen  # what to do in the TUI, when it differs (hints name flags and env vars)
        self.details = details or []
        if code is not None:
            self.code = code
        if exit_code is not None:
            self.exit_code = exit_code

    def as_dict(self) -> dict[str, str | list[str]]:
        data: dict[str, str | list[str]] = {"code": self.code, "message": self.message}
        if self.details:
            data["details"] = list(self.details)
        if self.hint:
            data["hint"] = self.hint
        return data

    def render(self) -> str:
        """The error for a person, in their language. The `error:` and `hint:` tags and the code stay as
        they are in every language: scripts and people grep for them."""
        from wizard.i18n import localize

        message = localize(self.message)
        lines = [f"error: {self.code}: {message}" if self.show_code else f"error: {message}"]
        lines += [f"  {localize(d)}" for d in self.details]
        if self.hint:
            lines.append(f"hint: {localize(self.hint)}")
        return "\n".join(lines)


def reason_of(exc: BaseException) -> str:
    """What a ValueError (or any exception) says, as raised: `str(exc)` would turn a message (wizard.i18n.M)
    back into plain English text."""
    if len(exc.args) == 1 and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc)


class UsageError(WizardError):
    exit_code = EXIT_USAGE
    code = "USAGE"


class ValidationError(UsageError):
    code = "INVALID_VALUE"


class MissingAnswers(UsageError):
    code = "MISSING_ANSWERS"


class InvalidProvider(UsageError):
    code = "INVALID_PROVIDER"
    show_code = True


class StorageError(WizardError):
    code = "STORAGE"


class Cancelled(WizardError):
    exit_code = EXIT_CANCELLED
    code = "CANCELLED"


class TimedOut(WizardError):
    exit_code = EXIT_TIMEOUT
    code = "TIMEOUT"


def os_reason(exc: OSError) -> str:
    """What the system said (`No such file or directory`), shown in the reader's language for the common cases.
    The English is the system's own words, unchanged: a known errno is a message only when the system said
    exactly that."""
    import errno

    from wizard.i18n import M

    known = {errno.ENOENT: M("No such file or directory"), errno.EACCES: M("Permission denied"),
             errno.EPERM: M("Operation not permitted"), errno.ENOTDIR: M("Not a directory"),
             errno.EISDIR: M("Is a directory"), errno.EEXIST: M("File exists"),
             errno.EROFS: M("Read-only file system"), errno.ENOSPC: M("No space left on device"),
             errno.ELOOP: M("Too many levels of symbolic links"), errno.ENAMETOOLONG: M("File name too long")}
    said = exc.strerror or exc.__class__.__name__
    message = known.get(exc.errno or 0)
    return message if message is not None and message == said else said


def network_reason(exc: BaseException) -> str:
    """Why a connection failed, in words ("the server's name could not be looked up"), not "[Errno -2] ..."."""
    import errno
    import re
    import socket
    import ssl

    from wizard.i18n import M

    words = {errno.ECONNREFUSED: M("the connection was refused (nothing is listening there)"),
             errno.ECONNRESET: M("the connection was cut off"), errno.ENETUNREACH: M("the network is unreachable"),
             errno.EHOSTUNREACH: M("the server cannot be reached from this network"),
             errno.ETIMEDOUT: M("the connection timed out")}
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            return M("the server's name could not be looked up (no network connection, or DNS is not working)")
        if isinstance(cause, ssl.SSLCertVerificationError):
            return M("the server's certificate could not be verified ({reason})", reason=cause.verify_message)
        if isinstance(cause, ssl.SSLError):
            return M("the secure connection could not be set up")
        if isinstance(cause, TimeoutError):
            return M("the connection timed out")
        if isinstance(cause, OSError) and cause.errno in words:
            return words[cause.errno]
        cause = cause.__cause__ or cause.__context__
    from wizard.auth.safetext import clean  # the text may quote what a server sent

    text = clean(re.sub(r"\[Errno -?\d+\]\s*", "", str(exc))).strip()
    return text or exc.__class__.__name__
