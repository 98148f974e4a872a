"""Domain errors with Chinese messages; pages, API and CLI translate them the same way."""
from __future__ import annotations


class DomainError(Exception):
    """Base for errors a user should read; ``message`` is Chinese."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationFailed(DomainError):
    """Input is malformed or breaks a rule; nothing was changed."""

    status = 422
    code = "validation"


class NotFound(DomainError):
    """The object does not exist or is outside the actor's scope (the two look the same)."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The actor lacks the role for this action."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """A cap, a duplicate or a state conflict refused the change."""

    status = 409
    code = "conflict"
