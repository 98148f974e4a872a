"""Locks that keep two schedulers (or an overlapping run) from running a job twice.

With Redis: ``SET key token NX PX ttl``, renewed and released by compare-and-set scripts so only the owner
can touch it. Without Redis (embedded default): a row in ``job_leases`` taken by a conditional UPDATE in its
own short transaction. The holder renews its lock while it works (``caseapp.jobs.keeper``); a killed holder
stops renewing, and its lock expires a short ``ttl`` later instead of blocking the job for good.
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import or_, update

from caseapp.core import context
from caseapp.core.db import db, insert_ignoring_conflicts, utcnow
from caseapp.core.uow import unit_of_work
from caseapp.jobs.models import JobLease

if TYPE_CHECKING:
    import redis

KEY_PREFIX = "caseapp:lock:"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) "
          "else return 0 end")


class RedisLock:
    """A Redis lock owned by a random token."""

    def __init__(self, client: redis.Redis, name: str, ttl_seconds: int) -> None:
        self.client, self.key, self.ttl_ms = client, KEY_PREFIX + name, ttl_seconds * 1000
        self.token = secrets.token_hex(16)

    def acquire(self) -> bool:
        """True when this holder got the lock."""
        return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def renew(self) -> bool:
        """Push the expiry ``ttl`` ahead if we still hold the lock; False when it was lost."""
        return bool(self.client.eval(_RENEW, 1, self.key, self.token, self.ttl_ms))

    def release(self) -> bool:
        """Delete the key only if it still holds our token (an expired lock may have a new owner)."""
        return bool(self.client.eval(_RELEASE, 1, self.key, self.token))

    def holder(self) -> str | None:
        """Who holds the lock now (a token), if anyone."""
        value = self.client.get(self.key)
        return value.decode() if value else None


class DbLease:
    """A lease row in the database, taken and released in short units of work of their own."""

    def __init__(self, name: str, ttl_seconds: int) -> None:
        self.name, self.ttl = name, timedelta(seconds=ttl_seconds)
        self.token = secrets.token_hex(16)
        self.engine = db.engine  # captured: the keeper renews from a thread without an app context

    def acquire(self) -> bool:
        """Take the lease when it is free or expired; True when this holder got it."""
        now = utcnow()
        with unit_of_work(context.SYSTEM):
            dialect = db.session.get_bind().dialect.name
            db.session.execute(insert_ignoring_conflicts(JobLease, dialect, name=self.name))
            taken = db.session.execute(
                update(JobLease)
                .where(JobLease.name == self.name, or_(JobLease.leased_until.is_(None), JobLease.leased_until < now))
                .values(owner=self.token, leased_until=now + self.ttl).execution_options(synchronize_session=False))
            return taken.rowcount == 1

    def renew(self) -> bool:
        """Push the expiry ``ttl`` ahead if we still own the lease; False when it was lost."""
        with self.engine.begin() as conn:
            renewed = conn.execute(update(JobLease).where(JobLease.name == self.name, JobLease.owner == self.token)
                                   .values(leased_until=utcnow() + self.ttl))
            return renewed.rowcount == 1

    def release(self) -> bool:
        """Free the lease if we still own it."""
        with unit_of_work(context.SYSTEM):
            freed = db.session.execute(update(JobLease).where(JobLease.name == self.name, JobLease.owner == self.token)
                                       .values(owner=None, leased_until=None)
                                       .execution_options(synchronize_session=False))
            return freed.rowcount == 1


def redis_client(url: str | None = None) -> redis.Redis | None:
    """A Redis client for the configured REDIS_URL, or None in the embedded default."""
    url = url or current_app.config.get("REDIS_URL")
    if not url:
        return None
    import redis  # here: every command would otherwise pay for importing it

    return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)


def lock_for(name: str, ttl_seconds: int) -> RedisLock | DbLease:
    """The lock suited to this deployment: Redis when configured, else a database lease."""
    client = redis_client()
    return RedisLock(client, name, ttl_seconds) if client is not None else DbLease(name, ttl_seconds)
