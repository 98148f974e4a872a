"""The unit of work: one principal, one transaction, committed once at the end or not at all.

Requests, CLI commands, Celery tasks and the job runner all run their work inside one. It commits when the
work returned normally and nothing was refused; it rolls back when anything was raised, and also when a
DomainError was merely created — a view that catches a refusal to show a message still must not commit
the rows written before the refusal. A conflict the database raises at commit becomes the same Chinese
Conflict a service raises earlier. Services flush, never commit.
"""
from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout

from caseapp.core import context, errors
from caseapp.core.db import db, write_intent

log = logging.getLogger("caseapp.uow")
#: what the drivers say when the database is busy rather than broken
_BUSY = ("database is locked", "could not serialize", "deadlock detected", "queuepool limit")
#: ... and when the connection is gone
_LOST = ("server closed the connection", "connection refused", "could not connect", "terminating connection",
         "connection is closed", "connection already closed", "consuming input failed", "connection timeout",
         "connection to server", "the connection is lost")


class WriteConflict(errors.Conflict):
    """A constraint the services did not foresee (two people submitting the same thing at once)."""

    def __init__(self) -> None:
        super().__init__("数据冲突：可能有人同时提交了相同的内容，请刷新页面后重试", code="conflict")


class DatabaseBusy(errors.Busy):
    """Locked, deadlocked or not serialisable: the same request will likely succeed a moment later."""

    def __init__(self) -> None:
        super().__init__("数据库繁忙，请稍后重试", code="busy")


class ConnectionLost(errors.Busy):
    """The database connection went away (restart, failover, network): retrying a moment later will work."""

    def __init__(self) -> None:
        super().__init__("数据库连接暂时中断，请稍后重试", code="unavailable")


def database_refusal(exc: Exception) -> errors.DomainError | None:
    """The Chinese refusal for a database error a user can act on (retry, reload, correct), else None."""
    if isinstance(exc, IntegrityError):
        log.warning("integrity error: %s", type(exc.orig).__name__)
        return WriteConflict()
    text = str(getattr(exc, "orig", None) or exc).lower()
    if isinstance(exc, (OperationalError, SQLAlchemyTimeout)) and any(sign in text for sign in _BUSY):
        log.warning("database busy: %s", type(exc).__name__)
        return DatabaseBusy()
    if isinstance(exc, (OperationalError, InterfaceError)) and (exc.connection_invalidated or
                                                                any(sign in text for sign in _LOST)):
        log.warning("database connection lost: %s", type(exc.orig).__name__)
        return ConnectionLost()
    if isinstance(exc, DataError):  # a value no column holds slipped past the declared limits
        log.warning("value refused by the database: %s", type(exc.orig).__name__)
        return errors.ValidationFailed("提交的数值超出允许范围或含有不允许的字符")
    return None


@dataclass
class Unit:
    """An open unit of work: who acts, what was refused, what runs after the commit."""

    refusals: list = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    #: writes made in a transaction of their own once the unit ended, committed or not
    kept: list[Callable[[], None]] = field(default_factory=list)
    is_open: bool = True
    _tokens: list = field(default_factory=list)
    _principal_token: object = None

    @property
    def refused(self) -> bool:
        """True once any DomainError (not marked ``keeps_work``) was created in this unit."""
        return bool(self.refusals)


_current: contextvars.ContextVar[Unit | None] = contextvars.ContextVar("unit_of_work", default=None)


def current() -> Unit | None:
    """The open unit of work, if any."""
    return _current.get()


def begin(principal: context.Principal | None, *, write: bool = True) -> Unit:
    """Open a unit acting as ``principal``; ``write`` takes SQLite's write lock at the first statement."""
    if _current.get() is not None:
        raise RuntimeError("a unit of work is already open")
    unit = Unit()
    unit._tokens = [write_intent.set(write), _current.set(unit)]
    unit._principal_token = context.set_principal(principal)
    unit._tokens.append(errors.watch_refusals(unit.refusals))
    return unit


def act_as(principal: context.Principal | None) -> None:
    """Change who acts in the open unit (the login page, a bearer token replacing the cookie's user)."""
    unit = _current.get()
    if unit is None:
        raise RuntimeError("no unit of work is open")
    context.reset_principal(unit._principal_token)
    unit._principal_token = context.set_principal(principal)


def finish(unit: Unit, *, commit: bool = True) -> bool:
    """Commit when asked and nothing was refused, else roll back; True when committed.

    A conflict raised by the commit itself is rolled back and raised as the Chinese refusal.
    """
    if not unit.is_open:
        return False
    unit.is_open = False
    if not commit or unit.refused:
        db.session.rollback()
        _write_kept(unit)
        return False
    try:
        db.session.commit()
    except (IntegrityError, OperationalError) as exc:
        db.session.rollback()
        raise (database_refusal(exc) or exc) from exc
    _write_kept(unit)
    for callback in unit.after_commit:
        callback()
    return True


def keep_anyway(write: Callable[[], None]) -> None:
    """Make ``write`` in a transaction of its own once the open unit has ended, whether it committed or not.

    For what a refused attempt must still leave behind (the error workbook of a failed import), never for work the
    refusal is about.
    """
    unit = _current.get()
    if unit is None:
        raise RuntimeError("no unit of work is open")
    unit.kept.append(write)


def _write_kept(unit: Unit) -> None:
    if not unit.kept:
        return
    try:
        for write in unit.kept:
            write()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def abandon() -> None:
    """Roll back the open unit now (an error page is about to be rendered)."""
    unit = _current.get()
    if unit is not None:
        unit.is_open = False
    db.session.rollback()


def close(unit: Unit) -> None:
    """Roll back whatever was not finished and restore the previous principal."""
    if unit.is_open:
        unit.is_open = False
        db.session.rollback()
    errors.unwatch(unit._tokens.pop())
    context.reset_principal(unit._principal_token)
    _current.reset(unit._tokens.pop())
    write_intent.reset(unit._tokens.pop())


@contextmanager
def unit_of_work(principal: context.Principal | None, *, write: bool = True) -> Iterator[Unit]:
    """Run the block as one unit: committed at the end unless it raised or a refusal was created."""
    unit = begin(principal, write=write)
    try:
        yield unit
        finish(unit)
    finally:
        close(unit)


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the open unit has committed (never if it rolls back)."""
    unit = _current.get()
    if unit is None:
        raise RuntimeError("no unit of work is open")
    unit.after_commit.append(callback)


@contextmanager
def rehearsal() -> Iterator[None]:
    """A nested transaction that is always undone: a dry run sees its own writes, then nothing of them stays."""
    nested = db.session.begin_nested()
    try:
        yield
        db.session.flush()
    finally:
        if nested.is_active:
            nested.rollback()


@contextmanager
def savepoint() -> Iterator[None]:
    """A nested transaction: whatever the block wrote is undone if it raises (the error propagates)."""
    nested = db.session.begin_nested()
    try:
        yield
    except BaseException:
        if nested.is_active:
            nested.rollback()
        raise
    else:
        if nested.is_active:
            nested.commit()
