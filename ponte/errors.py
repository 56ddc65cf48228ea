"""One error type that the CLI prints as a line and the API as `{"error": {...}}`."""
from __future__ import annotations


class PonteError(Exception):
    """A failure the user can act on. `status` is the HTTP status the API answers with."""

    def __init__(self, code: str, message: str, status: int = 400, retry_after: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after  # seconds, for 429


def not_found(what: str, ident: str) -> PonteError:
    return PonteError("not_found", f"unknown {what} id: {ident!r}", 404)


def invalid(message: str) -> PonteError:
    return PonteError("invalid_request", message, 422)
