"""Who is acting and in which request: the principal and request id for scoping and audit."""
from __future__ import annotations

import contextvars
import re
import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principal:
    """The actor of a unit of work: a user, or the operator at the command line."""

    user_id: int | None
    username: str
    org_id: int | None  #: root of the visible subtree; None means the whole tree (operator)
    org_path: str | None
    roles: frozenset[str] = field(default_factory=frozenset)
    source: str = "web"  #: web, api, cli or task

    def has_role(self, *roles: str) -> bool:
        """True when the principal holds any of ``roles`` (the operator holds all)."""
        return self.source in ("cli", "task") and self.user_id is None or bool(self.roles & set(roles))


_principal: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("principal", default=None)
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_task_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("task_id", default=None)

OPERATOR = Principal(user_id=None, username="命令行操作员", org_id=None, org_path=None, source="cli")
SYSTEM = Principal(user_id=None, username="系统任务", org_id=None, org_path=None, source="task")


def set_principal(principal: Principal | None):
    """Make ``principal`` current; returns a token for :func:`reset_principal`."""
    return _principal.set(principal)


def reset_principal(token) -> None:
    _principal.reset(token)


def current_principal() -> Principal | None:
    """The acting principal, or None (which every scoped query treats as 'sees nothing')."""
    return _principal.get()


def new_request_id(given: str | None = None) -> str:
    """Start a request id (the proxy's ``X-Request-Id`` when it looks like one, else a new one) and return it."""
    rid = given if given and _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]
    _request_id.set(rid)
    return rid


def end_request() -> None:
    """Forget the request id once the request is over (later lines of this thread belong to no request)."""
    _request_id.set(None)


_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,32}")  # audit_events.request_id holds 32


def set_task_id(task_id: str | None):
    """Make ``task_id`` (a Celery task's id) current for log lines; returns a token for :func:`reset_task_id`."""
    return _task_id.set(task_id)


def reset_task_id(token) -> None:
    _task_id.reset(token)


def current_task_id() -> str | None:
    return _task_id.get()


def current_request_id() -> str | None:
    return _request_id.get()
