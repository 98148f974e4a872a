"""Domain errors with Chinese messages; pages, API and CLI translate them the same way.

Every DomainError is noted by the unit of work that is open when it is created (``caseapp.core.uow``):
a refused operation may have written part of its rows, so the unit rolls back even when a view catches
the error to show a message. ``keeps_work`` marks the rare refusal whose preceding writes must stay
(a failed login's counters).
"""
from __future__ import annotations

import contextvars

#: the refusals of the open unit of work (None: no unit is watching)
_refusals: contextvars.ContextVar[list | None] = contextvars.ContextVar("refusals", default=None)


def watch_refusals(into: list | None):
    """Collect every DomainError created from now on into ``into``; returns a token for :func:`unwatch`."""
    return _refusals.set(into)


def unwatch(token) -> None:
    """Stop collecting (restore the previous collector)."""
    _refusals.reset(token)


class DomainError(Exception):
    """Base for errors a user should read; ``message`` is Chinese."""

    status = 400
    code = "bad_request"
    #: True when the work done before this refusal must still be committed
    keeps_work = False

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None,
                 rows: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        #: the rows at fault (an item id, a person id, a line number → what is wrong with it), for the page to
        #: show the message next to each row of a batch
        self.rows = dict(rows or {})
        if code:
            self.code = code
        seen = _refusals.get()
        if seen is not None and not self.keeps_work:
            seen.append(self)


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


class Busy(DomainError):
    """The database is busy (locked, deadlock, serialisation failure): try again."""

    status = 503
    code = "busy"
