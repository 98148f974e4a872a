"""The public questionnaire: one-time random links per sampled person, QR codes, answering without login."""
from __future__ import annotations

import io
import secrets
import threading
import time
from collections import deque

from flask import current_app
from sqlalchemy import select, update

from caseapp.core.db import db, utcnow
from caseapp.core.errors import DomainError
from caseapp.surveys import vocab
from caseapp.surveys.answers import AnswerData, check, record_answer
from caseapp.surveys.models import Survey, SurveyMember, SurveyToken


class TokenRefused(DomainError):
    """A wrong, used or expired link: a plain Chinese message, no detail."""

    status = 404
    code = "token"


class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"


UNKNOWN = "链接无效：请核对二维码或链接是否完整。如有疑问请联系发放单位。"
USED = "此问卷已经提交过，每个链接只能填写一次。感谢您的参与！"
CLOSED = "本次满意度调查已经结束，感谢您的关注！"


def ensure_tokens(survey: Survey) -> int:
    """Give every person on the calling list a link of their own; returns how many were new."""
    have = select(SurveyToken.member_id).where(SurveyToken.survey_id == survey.id)
    missing = db.session.scalars(select(SurveyMember.id).where(
        SurveyMember.survey_id == survey.id, SurveyMember.is_active.is_(True), SurveyMember.id.not_in(have)))
    rows = [{"survey_id": survey.id, "member_id": mid, "token": secrets.token_urlsafe(18), "created_at": utcnow()}
            for mid in missing]
    if rows:
        db.session.execute(SurveyToken.__table__.insert(), rows)
    return len(rows)


def tokens(survey: Survey) -> list[SurveyToken]:
    """The links of the calling list, in drawing order (for printing)."""
    stmt = (select(SurveyToken).join(SurveyMember, SurveyMember.id == SurveyToken.member_id)
            .where(SurveyToken.survey_id == survey.id, SurveyMember.is_active.is_(True))
            .order_by(SurveyMember.role.desc(), SurveyMember.draw_rank))
    return list(db.session.scalars(stmt))


def token_of(member: SurveyMember) -> str:
    """The link token of a person on the calling list (created when missing)."""
    token = db.session.scalar(select(SurveyToken.token).where(SurveyToken.member_id == member.id))
    if token is None:
        if not member.is_active:
            from caseapp.core.errors import NotFound

            raise NotFound("此人不在回访名单中")
        ensure_tokens(member.survey)
        token = db.session.scalar(select(SurveyToken.token).where(SurveyToken.member_id == member.id))
    return token


def link(token: str) -> str:
    """The absolute address a QR code carries."""
    return f"{current_app.config.get('BASE_URL', 'http://127.0.0.1:5000').rstrip('/')}/surveys/q/{token}"


def qr_svg(text: str) -> bytes:
    """A QR code of ``text`` as SVG (segno: error correction M, printable at any size)."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    return buffer.getvalue()


def open_token(token: str) -> tuple[Survey, SurveyToken]:
    """The survey and link behind ``token``; a wrong, used or expired one is refused in plain Chinese."""
    row = db.session.scalar(select(SurveyToken).where(SurveyToken.token == (token or "")[:64]))
    if row is None:
        raise TokenRefused(UNKNOWN)
    survey = db.session.get(Survey, row.survey_id)
    if not survey.is_open:
        raise TokenRefused(CLOSED)
    if row.used_at is not None:
        raise TokenRefused(USED)
    return survey, row


def submit(token: str, data: AnswerData) -> None:
    """Record the respondent's answer once: the link is spent in the same conditional UPDATE that claims it."""
    survey, row = open_token(token)
    data.outcome, data.attempts = vocab.COMPLETED, 1
    check(data)
    claimed = db.session.execute(update(SurveyToken).where(SurveyToken.id == row.id, SurveyToken.used_at.is_(None))
                                 .values(used_at=utcnow()).returning(SurveyToken.id)).first()
    if claimed is None:  # someone submitted the same link a moment earlier
        raise TokenRefused(USED)
    member = db.session.get(SurveyMember, row.member_id)
    record_answer(survey, member, data, source="questionnaire", actor_name="问卷（本人填写）")


class RateLimiter:
    """At most ``limit`` requests per ``window`` seconds per client address, in this process."""

    def __init__(self) -> None:
        self._hits: dict[str, deque] = {}
        self._lock = threading.Lock()

    def check(self, key: str, limit: int, window: float) -> None:
        """Raise TooManyRequests when ``key`` went over the limit."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                raise TooManyRequests("请求过于频繁，请稍后再试")
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle addresses
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - window}


limiter = RateLimiter()


def throttle(address: str) -> None:
    """Apply the public pages' limit (``SURVEY_PUBLIC_RATE_LIMIT`` requests a minute per address)."""
    limiter.check(address or "-", int(current_app.config.get("SURVEY_PUBLIC_RATE_LIMIT", 30)), 60.0)
