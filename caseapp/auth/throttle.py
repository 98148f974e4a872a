"""Login throttling by account name and by client address: a delay that grows, counted atomically.

Every attempt first reserves a slot on two counters, the typed account name's and the client address's (the
address ``ProxyFix`` recovered behind ``CASEAPP_TRUSTED_PROXIES`` proxies). A counter's first attempts are
free; the attempt that reaches the limit, and each one after it, blocks its key for a delay that doubles
(account: 15 s … 15 min; address: a higher limit and at most a minute, so one guesser behind a shared address
slows the others down without locking them out). While a key is blocked, attempts are refused without looking
at the password and without counting. A success clears the account's counter and gives the address its slot
back. The reservation is one conditional UPDATE per key (row-locked on PostgreSQL, under SQLite's write lock)
or one Lua script on Redis, so concurrent guesses cannot all slip past the limit. Unknown names are counted
exactly like real ones: the answers cannot tell them apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, or_, select, update

from caseapp.auth.models import LoginThrottle
from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db, insert_ignoring_conflicts, utcnow


@dataclass(frozen=True)
class Policy:
    """How many attempts a key gets free, and how its delay grows."""

    free: int
    base_seconds: int
    max_seconds: int
    window_seconds: int  #: a key untouched this long starts again from zero

    def delay(self, attempts: int) -> int:
        """Seconds to block after the ``attempts``-th attempt (0 while still free)."""
        over = attempts - self.free
        return 0 if over < 0 else min(self.base_seconds * 2 ** min(over, 30), self.max_seconds)


class Blocked(Exception):
    """A key is blocked; ``seconds`` until the next attempt is allowed."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = max(int(seconds), 1)


def policies() -> dict[str, Policy]:
    """The account and address policies from the configuration."""
    cfg = current_app.config
    window = cfg["LOGIN_WINDOW_SECONDS"]
    return {"acct": Policy(cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_DELAY_SECONDS"], cfg["LOGIN_LOCK_SECONDS"], window),
            "ip": Policy(cfg["LOGIN_ADDRESS_MAX_FAILURES"], cfg["LOGIN_DELAY_SECONDS"],
                         cfg["LOGIN_ADDRESS_MAX_DELAY"], window)}


def keys_for(username: str, address: str) -> dict[str, str]:
    """The counter keys: keyed hashes, so a password typed into the name field is never stored."""
    name = username.strip().lower()[:200]
    return {"acct": "acct:" + lookup_hash("login:" + name)[:40], "ip": "ip:" + lookup_hash("addr:" + address)[:40]}


def store():
    """The configured counter store: Redis when ``CASEAPP_LOGIN_THROTTLE=redis`` and Redis is set, else the database."""
    cfg = current_app.config
    if cfg.get("LOGIN_THROTTLE_STORE") == "redis" and cfg.get("REDIS_URL"):
        from caseapp.auth.throttle_redis import RedisStore

        return RedisStore.from_url(cfg["REDIS_URL"])
    return DatabaseStore()


class DatabaseStore:
    """Counters in ``login_throttles``, in the request's transaction."""

    def reserve(self, key: str, policy: Policy) -> None:
        """Count one attempt on ``key`` or raise Blocked."""
        now = utcnow()
        db.session.execute(insert_ignoring_conflicts(LoginThrottle, key=key, failures=0, last_attempt_at=now))
        stale = LoginThrottle.last_attempt_at < now - timedelta(seconds=policy.window_seconds)
        counted = db.session.execute(
            update(LoginThrottle).where(LoginThrottle.key == key,
                                        or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until <= now))
            .values(failures=case((stale, 1), else_=LoginThrottle.failures + 1), last_attempt_at=now)
            .returning(LoginThrottle.failures)).scalar()
        if counted is None:
            raise Blocked(self._remaining(key, now))
        delay = policy.delay(counted)
        if delay:
            db.session.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                               .values(blocked_until=now + timedelta(seconds=delay)))

    @staticmethod
    def _remaining(key: str, now: datetime) -> int:
        until = db.session.scalar(select(LoginThrottle.blocked_until).where(LoginThrottle.key == key))
        return (until - now).total_seconds() if until else 1

    def clear(self, key: str) -> None:
        """A successful login: the account starts again from zero."""
        db.session.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                           .values(failures=0, blocked_until=None))

    def give_back(self, key: str, policy: Policy) -> None:
        """A successful login from an address: its slot is returned (and a block it set is lifted)."""
        remaining = case((LoginThrottle.failures > 0, LoginThrottle.failures - 1), else_=0)
        db.session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(
            failures=remaining,
            blocked_until=case((LoginThrottle.failures - 1 < policy.free, None), else_=LoginThrottle.blocked_until)))


def check(username: str, address: str, attempt):
    """Reserve the attempt on both keys, then run ``attempt()``; a success clears the counters it reserved."""
    current, rules, keys = store(), policies(), keys_for(username, address)
    current.reserve(keys["acct"], rules["acct"])  # always this order: two requests never lock rows crosswise
    try:
        current.reserve(keys["ip"], rules["ip"])
    except Blocked:
        current.give_back(keys["acct"], rules["acct"])  # not checked, so not counted against the account
        raise
    result = attempt()
    current.clear(keys["acct"])
    current.give_back(keys["ip"], rules["ip"])
    return result
