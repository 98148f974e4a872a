"""The sender: lease a due digest, send it, then record the outcome, each step a unit of work of its own.

A lease only protects once it is committed, and the mail goes out only after the reminders it carries are
committed; no transaction (on SQLite: no write lock) is held while SMTP talks. A sender that dies mid-send leaves its lease to expire;
the digest is then retried (at least once delivery, with the same Message-ID, so a resend is recognisable).
Temporary failures back off exponentially from the start of the run that failed, and a retry falling due
within ``REMINDER_RETRY_GRACE_SECONDS`` of a run is taken by it (a tick does not miss it by milliseconds); the
digest is dead-lettered after ``REMINDER_MAX_ATTEMPTS`` attempts, or at once when the server refuses it for
good (an SMTP 5xx answer). Every failure is logged at WARNING with the server's answer.
"""
from __future__ import annotations

import logging
import secrets
import smtplib
from datetime import date, datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import and_, or_, select, update

from caseapp.core import context
from caseapp.core.calendar import local_today
from caseapp.core.db import db, insert_ignoring_conflicts, utcnow
from caseapp.core.uow import unit_of_work
from caseapp.jobs.runner import scrub_error
from caseapp.reminders import mail
from caseapp.reminders.models import Reminder, ReminderDigest

MAX_BATCH = 500
log = logging.getLogger("caseapp.reminders")


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after the n-th failed attempt: base, 2×base, 4×base … capped at six hours."""
    base = _setting("REMINDER_RETRY_BASE_SECONDS", 300)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def send_due(now: datetime | None = None) -> dict:
    """Send every digest that is due; returns ``{"sent": n, "failed": n}`` and, after a failure, ``last_error``."""
    now = now or utcnow()
    with _step():
        prepare_digests(local_today(now), now)
    owner, sent, failed, last_error = secrets.token_hex(16), 0, 0, None
    for _ in range(MAX_BATCH):
        with _step():
            digest_id = claim_next(owner, now)
        if digest_id is None:
            break
        outcome = send_claimed(digest_id, owner, now)
        sent, failed = sent + (outcome is True), failed + isinstance(outcome, str)
        last_error = outcome if isinstance(outcome, str) else last_error
    return {"sent": sent, "failed": failed, **({"last_error": last_error} if failed else {})}


def _step(write: bool = True):
    """One step of the sender, committed on its own as the system."""
    return unit_of_work(context.SYSTEM, write=write)


def prepare_digests(day: date, now: datetime) -> None:
    """Open today's digest for every user with unsent reminders; dead-letter digests that keep crashing."""
    dialect = db.session.get_bind().dialect.name
    users = db.session.scalars(select(Reminder.user_id).where(Reminder.digest_id.is_(None)).distinct())
    for user_id in list(users):
        db.session.execute(insert_ignoring_conflicts(ReminderDigest, dialect, user_id=user_id, day=day,
                                                     status="pending", attempts=0, next_attempt_at=now,
                                                     created_at=now))
    db.session.execute(
        update(ReminderDigest)
        .where(ReminderDigest.status == "pending", ReminderDigest.attempts >= _setting("REMINDER_MAX_ATTEMPTS", 5),
               _lease_free(now))
        .values(status="dead", last_error="多次发送中断，已停止重试", leased_until=None, lease_owner=None))


def _lease_free(now: datetime):
    return or_(ReminderDigest.leased_until.is_(None), ReminderDigest.leased_until < now)


def claim_next(owner: str, now: datetime) -> int | None:
    """Lease the next due digest with a conditional UPDATE and attach its user's unsent reminders."""
    grace = timedelta(seconds=_setting("REMINDER_RETRY_GRACE_SECONDS", 60))
    due = and_(ReminderDigest.status == "pending", ReminderDigest.next_attempt_at <= now + grace, _lease_free(now),
               ReminderDigest.attempts < _setting("REMINDER_MAX_ATTEMPTS", 5))
    lease = timedelta(seconds=_setting("REMINDER_LEASE_SECONDS", 300))
    stmt = select(ReminderDigest.id).where(due).order_by(ReminderDigest.id).limit(20)
    candidates = list(db.session.scalars(stmt))
    for digest_id in candidates:
        taken = db.session.execute(
            update(ReminderDigest).where(ReminderDigest.id == digest_id, due)
            .values(lease_owner=owner, leased_until=now + lease, attempts=ReminderDigest.attempts + 1)
            .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            _attach_reminders(digest_id)
            return digest_id
    return None


def _attach_reminders(digest_id: int) -> None:
    user_id = db.session.scalar(select(ReminderDigest.user_id).where(ReminderDigest.id == digest_id))
    db.session.execute(update(Reminder).where(Reminder.user_id == user_id, Reminder.digest_id.is_(None))
                       .values(digest_id=digest_id).execution_options(synchronize_session=False))


def send_claimed(digest_id: int, owner: str, now: datetime) -> bool | str | None:
    """Send a leased digest and record the outcome: True when sent, the error text when it failed, None when it
    had nothing to send."""
    with _step(write=False):
        message, attempts = _message(digest_id)
    if message is None:
        with _step():
            _settle(digest_id, owner, status="empty")
        return None
    try:
        if isinstance(message, Exception):
            raise message
        mail.deliver(message, digest_id)
    except Exception as exc:
        error, permanent = smtp_answer(exc), is_permanent(exc)
        log.warning("reminder digest %s, attempt %s, not sent (%s): %s", digest_id, attempts,
                    "refused for good, dead-lettered" if permanent else "will retry", error)
        with _step():
            _failed(digest_id, attempts, owner, error, now, permanent)
        return error
    with _step():
        _settle(digest_id, owner, status="sent", sent_at=utcnow(), last_error=None)
    return True


def _message(digest_id: int) -> tuple[EmailMessage | Exception | None, int]:
    """The digest's e-mail (None: no reminders; an exception: it cannot be built) and its attempts so far."""
    digest = db.session.get(ReminderDigest, digest_id, populate_existing=True)
    reminders = list(db.session.scalars(select(Reminder).where(Reminder.digest_id == digest_id)
                                        .order_by(Reminder.due_on, Reminder.id)))
    if not reminders:
        return None, digest.attempts
    if not digest.user.email:
        return ValueError("收件人没有邮箱地址"), digest.attempts
    try:
        return mail.build_digest(digest, reminders), digest.attempts
    except Exception as exc:  # a broken template must not stop the other digests
        return exc, digest.attempts


def smtp_answer(exc: BaseException) -> str:
    """What the mail server answered (code and text, no addresses), else the scrubbed exception."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = {f"{code} {_text(text)}" for code, text in exc.recipients.values()}
        return scrub_error(exc, "; ".join(sorted(answers)))
    if isinstance(exc, smtplib.SMTPResponseException):
        return scrub_error(exc, f"{exc.smtp_code} {_text(exc.smtp_error)}")
    return scrub_error(exc)


def _text(answer) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def is_permanent(exc: BaseException) -> bool:
    """An SMTP 5xx answer (the mailbox does not exist, the message is refused): retrying cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600


def _failed(digest_id: int, attempts: int, owner: str, error: str, now: datetime, permanent: bool = False) -> None:
    dead = permanent or attempts >= _setting("REMINDER_MAX_ATTEMPTS", 5)
    _settle(digest_id, owner, status="dead" if dead else "pending", last_error=error,
            next_attempt_at=now + retry_delay(attempts))


def _settle(digest_id: int, owner: str, **values) -> None:
    """Release our lease with the outcome; a lease taken over by another sender is left alone."""
    db.session.execute(update(ReminderDigest)
                       .where(ReminderDigest.id == digest_id, ReminderDigest.lease_owner == owner)
                       .values(leased_until=None, lease_owner=None, **values)
                       .execution_options(synchronize_session=False))
