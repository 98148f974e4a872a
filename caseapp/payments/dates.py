"""The dates the money steps must keep, by the official calendar (the workflow table names them per step).

- 集体研究 is recorded once held: its meeting date is not in the future.
- 公示 starts no earlier than its 集体研究 and no earlier than today; recording a 公示 that began earlier is an
  admin's act with a written reason, audited on its own.
- 发放 only after the 公示 has ended: the pay date after its last working day, and that day already past today;
  a payment is never dated in the future.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from caseapp.core import audit
from caseapp.core.calendar import format_date_zh, local_today
from caseapp.core.context import Principal
from caseapp.core.db import db
from caseapp.core.errors import Conflict, ValidationFailed
from caseapp.payments.models import Meeting, PaymentItem

#: ids per IN list
CHUNK = 5000


@dataclass(frozen=True)
class Step:
    """One workflow step about to be applied: which items, by whom, dated when, with which values and reason."""

    ids: list[int]
    principal: Principal
    on: date | None
    values: dict
    reason: str

    def chunks(self):
        """The ids in slices far below the databases' bound-parameter limits."""
        for start in range(0, len(self.ids), CHUNK):
            yield self.ids[start:start + CHUNK]


def meeting_held(step: Step) -> None:
    """集体研究: the meeting being recorded has taken place."""
    meeting = db.session.get(Meeting, step.values.get("meeting_id"))
    if meeting is not None and meeting.meeting_date > local_today():
        raise ValidationFailed(f"会议日期（{format_date_zh(meeting.meeting_date)}）不能晚于今天：集体研究须在会后登记",
                               field="meeting_date")


def publicity_starts_after_approval(step: Step) -> None:
    """公示: not before the approving meeting, and not before today unless an admin records why."""
    start = step.values["publicity_start"]
    approved = max((db.session.scalar(select(func.max(Meeting.meeting_date)).join(
        PaymentItem, PaymentItem.meeting_id == Meeting.id).where(PaymentItem.id.in_(chunk)))
        for chunk in step.chunks()), key=lambda d: d or date.min, default=None)
    if approved is not None and start < approved:
        raise Conflict(f"公示开始日期（{format_date_zh(start)}）不能早于集体研究日期（{format_date_zh(approved)}）",
                       code="publicity")
    if start >= local_today():
        return
    if not (step.principal.has_role("admin") and step.reason):
        raise ValidationFailed(f"公示开始日期（{format_date_zh(start)}）不能早于今天；补录已经开始的公示须由管理员填写原因",
                               field="start_date")
    audit.record("payment.publicize_backdated", ("payment_publicity", start.isoformat()),
                 org_id=step.principal.org_id, after={"item_ids": step.ids, "start": start.isoformat(),
                                                      "today": local_today().isoformat(), "reason": step.reason},
                 summary=f"管理员补录公示（开始于{format_date_zh(start)}）{len(step.ids)} 笔：{step.reason}")


def publicity_over(step: Step) -> None:
    """发放: dated today or earlier, after the last working day of every item's 公示, which is already past."""
    today = local_today()
    if step.on is None:
        raise ValidationFailed("请填写发放日期", field="date")
    if step.on > today:
        raise ValidationFailed(f"发放日期（{format_date_zh(step.on)}）不能晚于今天", field="date")
    early = sum(db.session.scalar(select(func.count()).where(
        PaymentItem.id.in_(chunk), or_(PaymentItem.publicity_end.is_(None), PaymentItem.publicity_end >= step.on)))
        for chunk in step.chunks())
    if early:
        raise Conflict(f"有 {early} 条记录公示期未满（按法定工作日计算），发放日期须晚于公示结束日", code="publicity")
