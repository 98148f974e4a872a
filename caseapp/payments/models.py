"""Payment items, aid types, settings, meetings, objections, the item history, the cap counters, the
append-only ledger and the idempotency keys: every table of the payments area.

The rules that use them live in ``caps.py`` (counters), ``ledger.py`` and ``idempotency.py``.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.budgets.models import Project  # noqa: F401  (relationship target)
from caseapp.core import limits
from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.core.ddl import protect_append_only, register_table_ddl
from caseapp.persons.models import Person  # noqa: F401  (relationship target)

#: workflow states, in order; the transition table is in ``workflow.py``
REGISTERED, REVIEWED, APPROVED, PUBLICIZED = "登记", "已审核", "已批准", "公示中"
PAID, SETTLED, RETURNED = "已发放", "已到账", "已退回"
REJECTED, CANCELLED, REVERSED = "已驳回", "已撤销", "已冲正"
STATUSES = (REGISTERED, REVIEWED, APPROVED, PUBLICIZED, PAID, SETTLED, RETURNED, REJECTED, CANCELLED, REVERSED)
#: states holding a reservation (budget reserved, head count and per-person amount used)
RESERVED_STATES = (REGISTERED, REVIEWED, APPROVED, PUBLICIZED)
#: states whose money left the union (ledger entry with no reversal)
PAID_STATES = (PAID, SETTLED)
LIVE_STATES = RESERVED_STATES + PAID_STATES
#: the live states as SQL, the one spelling used by the partial unique indexes and every cap statement
LIVE_SQL = "status IN (" + ",".join(f"'{s}'" for s in LIVE_STATES) + ")"
_PAID_FOREVER = "('已发放','已到账','已退回','已冲正')"

#: what an aid type requires of its recipient (依档帮扶 and the award and 劳模 rules)
AID_KINDS = {"hardship": "困难职工（须在档）", "modelworker": "劳模（须有劳模档案）",
             "award": "表彰奖励（须为确定的获奖对象）", "general": "一般（须为登记人员）"}
DEFAULT_AID_TYPES = (("生活救助", "hardship"), ("医疗救助", "hardship"), ("助学", "hardship"),
                     ("慰问", "general"), ("劳模帮扶", "modelworker"), ("表彰奖励", "award"))


class AidType(db.Model):
    """帮扶类型: seeded with the six standard kinds; admins add more."""

    __tablename__ = "aid_types"
    __table_args__ = (CheckConstraint("kind IN ('hardship','modelworker','award','general')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  #: the eligibility rule, see AID_KINDS
    is_active: Mapped[bool] = mapped_column(default=True)


class AidCap(db.Model):
    """Setting: the most one person may receive of one aid type in one year (no row: no cap)."""

    __tablename__ = "aid_caps"
    __table_args__ = (CheckConstraint("cap_fen >= 0", name="cap_nonnegative"),)

    aid_type_id: Mapped[int] = mapped_column(ForeignKey("aid_types.id"), primary_key=True)
    cap_fen: Mapped[int] = limits.money(limits.PAYMENT_YUAN, "每人每年上限")


class PaymentSetting(db.Model):
    """Payment settings, one row (id 1); defaults apply while it is missing."""

    __tablename__ = "payment_settings"
    __table_args__ = (CheckConstraint("period_kind IN ('year','quarter')", name="period_kind"),
                      CheckConstraint("publicity_workdays BETWEEN 1 AND 30", name="publicity_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    publicity_workdays: Mapped[int] = mapped_column(default=5)  #: 公示期 in working days
    #: granularity of "one item per person + project + aid type + period": year or quarter
    period_kind: Mapped[str] = mapped_column(String(8), default="year")


class Meeting(db.Model):
    """集体研究: the meeting that approved a batch of items."""

    __tablename__ = "payment_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    meeting_date: Mapped[date] = mapped_column()
    minutes_no: Mapped[str] = limits.text(60, "纪要编号")
    attendees: Mapped[str] = limits.long_text(2000, "参会人员")  #: as written in the minutes
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaymentItem(db.Model):
    """One amount to one person or one 先进集体, from one project, of one aid type."""

    __tablename__ = "payment_items"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("person_id IS NOT NULL OR award_recipient_id IS NOT NULL", name="has_recipient"),
        CheckConstraint("status IN (" + ",".join(f"'{s}'" for s in STATUSES) + ")", name="status"),
        Index("uq_payment_items_live_period", "person_id", "project_id", "aid_type_id", "period", unique=True,
              sqlite_where=text(LIVE_SQL + " AND person_id IS NOT NULL"),
              postgresql_where=text(LIVE_SQL + " AND person_id IS NOT NULL")),
        Index("uq_payment_items_live_award", "award_event_id", "recipient_key", unique=True,
              sqlite_where=text(LIVE_SQL + " AND award_event_id IS NOT NULL"),
              postgresql_where=text(LIVE_SQL + " AND award_event_id IS NOT NULL")),
        Index("ix_payment_items_project_status", "project_id", "status"),
        #: the work list and its counts: one year of a county's items by status, newest first; of a province's
        Index("ix_payment_items_org_year_status", "org_id", "year", "status", "id"),
        Index("ix_payment_items_year_status", "year", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    aid_type_id: Mapped[int] = mapped_column(ForeignKey("aid_types.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)  #: None for a 集体
    award_recipient_id: Mapped[int | None] = mapped_column(ForeignKey("award_recipients.id"), index=True)  #: 表彰奖励
    #: copied from the recipient: at most one live item per recipient per event
    award_event_id: Mapped[int | None] = mapped_column(ForeignKey("award_events.id"))
    #: copied from the recipient: the head count (名额) counter
    award_category_id: Mapped[int | None] = mapped_column(ForeignKey("award_categories.id"), index=True)
    #: "p<person id>" or "r<recipient id>" (集体): at most one live item per recipient per award event
    recipient_key: Mapped[str] = mapped_column(String(24))
    recipient_name: Mapped[str] = mapped_column(String(200))  #: 姓名 or 集体名称 when registered
    amount_fen: Mapped[int] = limits.money(limits.PAYMENT_YUAN, "金额")
    year: Mapped[int] = mapped_column()  #: the project's fiscal year (per-person yearly caps)
    period: Mapped[str] = mapped_column(String(8))  #: "2025" or "2025-Q2" per PaymentSetting.period_kind
    reason: Mapped[str] = limits.long_text(2000, "发放事由", default="")
    evidence: Mapped[str] = limits.long_text(2000, "证明材料", default="")  #: 证明材料说明
    status: Mapped[str] = mapped_column(String(8), default=REGISTERED, index=True)
    status_reason: Mapped[str | None] = limits.long_text(2000, "原因")  #: why rejected / cancelled / …
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  #: None: CLI operator
    registered_by_name: Mapped[str] = mapped_column(String(100))
    reviewed_by_name: Mapped[str | None] = mapped_column(String(100))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("payment_meetings.id"))
    publicity_start: Mapped[date | None] = mapped_column()
    publicity_end: Mapped[date | None] = mapped_column()  #: last working day of the 公示
    paid_on: Mapped[date | None] = mapped_column()
    bank_batch: Mapped[str | None] = limits.text(60, "银行批次号")
    settled_on: Mapped[date | None] = mapped_column()  #: 到账 / 退回 date from the bank
    registered_on: Mapped[date] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting | None] = relationship()
    aid_type: Mapped[AidType] = relationship()
    person: Mapped["Person | None"] = relationship()
    project: Mapped["Project"] = relationship()


class PaymentEvent(db.Model):
    """The history of an item: one row per transition (written set-based for batches)."""

    __tablename__ = "payment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("payment_items.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(8))
    to_status: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    actor_name: Mapped[str] = mapped_column(String(100))
    #: who took the step (None: the registration's fast path and the CLI operator); maker-checker reads it
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: token shared by the rows of one (batch) transition; the set-based UPDATEs select items through it
    batch: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Objection(db.Model):
    """异议 raised during the 公示; while open it holds its item."""

    __tablename__ = "payment_objections"
    __table_args__ = (CheckConstraint("status IN ('open','dismissed','upheld')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("payment_items.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    raised_on: Mapped[date] = mapped_column()
    content: Mapped[str] = limits.long_text(2000, "异议内容")  #: no personal data of the objector
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolution: Mapped[str | None] = limits.long_text(2000, "处理说明")
    resolved_on: Mapped[date | None] = mapped_column()
    recorded_by: Mapped[str] = mapped_column(String(100))

    item: Mapped[PaymentItem] = relationship()


def paid_guard_sql(dialect: str) -> list[str]:
    """Triggers: once paid, an item's amount, recipient and project never change and the row is never deleted."""
    msg = "已发放的款项不可修改金额、对象或项目，也不可删除"
    cols = ("amount_fen", "person_id", "award_recipient_id", "project_id", "aid_type_id", "paid_on")
    if dialect == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in cols)
        back = f"NEW.status NOT IN {_PAID_FOREVER}"
        return [
            "CREATE OR REPLACE FUNCTION payment_items_paid_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF OLD.status IN {_PAID_FOREVER} AND (TG_OP = 'DELETE' OR {changed} OR {back}) THEN "
            f"RAISE EXCEPTION '{msg}' USING ERRCODE = 'P0001'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$",
            "CREATE TRIGGER payment_items_paid_guard_trg BEFORE UPDATE OR DELETE ON payment_items "
            "FOR EACH ROW EXECUTE FUNCTION payment_items_paid_guard()",
        ]
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in cols)
    return [
        f"CREATE TRIGGER payment_items_paid_no_update BEFORE UPDATE ON payment_items "
        f"WHEN OLD.status IN {_PAID_FOREVER} AND ({changed} OR NEW.status NOT IN {_PAID_FOREVER}) "
        f"BEGIN SELECT RAISE(ABORT, '{msg}'); END",
        f"CREATE TRIGGER payment_items_paid_no_delete BEFORE DELETE ON payment_items "
        f"WHEN OLD.status IN {_PAID_FOREVER} BEGIN SELECT RAISE(ABORT, '{msg}'); END",
    ]


register_table_ddl(PaymentItem.__table__, paid_guard_sql)


# --------------------------------------------------------------------------- cap counters (rules: caps.py)
class BudgetCounter(db.Model):
    """Money reserved and paid against a project's 预算数."""

    __tablename__ = "budget_counters"
    __table_args__ = (
        CheckConstraint("reserved_fen >= 0 AND paid_fen >= 0", name="nonnegative"),
        CheckConstraint("reserved_fen + paid_fen <= cap_fen", name="within_cap"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    reserved_fen: Mapped[int] = limits.money(limits.BUDGET_YUAN, "已占用", default=0)  #: registered, not yet paid
    paid_fen: Mapped[int] = limits.money(limits.BUDGET_YUAN, "已支付", default=0)  #: payments minus reversals
    cap_fen: Mapped[int] = limits.money(limits.BUDGET_YUAN, "预算数")  #: copy of projects.budget_fen, refreshed on reservation


class CategoryCounter(db.Model):
    """Head count used in an award category (名额)."""

    __tablename__ = "category_counters"
    __table_args__ = (CheckConstraint("used >= 0 AND used <= cap", name="within_cap"),)

    category_id: Mapped[int] = mapped_column(ForeignKey("award_categories.id"), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))  #: the category's name, for messages
    used: Mapped[int] = mapped_column(default=0)  #: live items (registered … paid)
    cap: Mapped[int] = mapped_column()  #: the category's max_count


class PersonAidCounter(db.Model):
    """What one person received (or has reserved) of one aid type in one year."""

    __tablename__ = "person_aid_counters"
    __table_args__ = (CheckConstraint("used_fen >= 0 AND used_fen <= cap_fen", name="within_cap"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    aid_type_id: Mapped[int] = mapped_column(ForeignKey("aid_types.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    used_fen: Mapped[int] = limits.money(limits.BUDGET_YUAN, "已用", default=0)
    cap_fen: Mapped[int] = limits.money(limits.PAYMENT_YUAN, "每人每年上限")  #: copy of aid_caps.cap_fen


# --------------------------------------------------------------------------- the ledger (rules: ledger.py)
PAYMENT, REVERSAL, RETURN = "发放", "冲正", "退回"


class LedgerEntry(db.Model):
    """One movement of money: a payment (positive) or the reversal of one (negative). Never changed."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('发放','冲正','退回')", name="kind"),
        CheckConstraint("(kind = '发放' AND amount_fen > 0 AND reverses_id IS NULL) OR "
                        "(kind <> '发放' AND amount_fen < 0 AND reverses_id IS NOT NULL)", name="sign"),
        #: an item is paid at most once (a new payment needs a new item)
        Index("uq_ledger_entries_paid_item", "item_id", unique=True,
              sqlite_where=text("kind = '发放'"), postgresql_where=text("kind = '发放'")),
        #: what a project paid after a day (the daily scan: its budget counter less the month since)
        Index("ix_ledger_entries_project_date", "project_id", "entry_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("payment_items.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    aid_type_id: Mapped[int] = mapped_column(ForeignKey("aid_types.id"))
    year: Mapped[int] = mapped_column(index=True)  #: the project's fiscal year
    amount_fen: Mapped[int] = limits.money(limits.PAYMENT_YUAN, "金额", signed=True)  #: payments positive, reversals negative
    kind: Mapped[str] = mapped_column(String(4))  #: 发放 / 冲正 / 退回
    entry_date: Mapped[date] = mapped_column()  #: 发放日期 or the reversal's date
    bank_batch: Mapped[str | None] = mapped_column(String(60))
    #: the payment this entry undoes; UNIQUE, so one entry is reversed at most once
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


protect_append_only(LedgerEntry.__table__)


# --------------------------------------------------------------------------- idempotency keys (idempotency.py)
class IdempotencyKey(db.Model):
    """A client's retry key and the response its first successful request produced."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  #: "<user id>:<client key>"
    request_hash: Mapped[str] = mapped_column(String(64))  #: SHA-256 of the canonical request body
    response: Mapped[dict | None] = mapped_column(JSON)  #: {"status": 201, "body": {...}}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
