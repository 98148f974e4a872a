"""Payment settings: aid types, per-person yearly caps, the 公示 length and the duplicate period."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.core import audit
from caseapp.core.calendar import WorkCalendar
from caseapp.core.db import db
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.core.scoping import require_global_admin
from caseapp.payments.models import AID_KINDS, DEFAULT_AID_TYPES, AidCap, AidType, PaymentSetting


def seed_aid_types() -> int:
    """Create the six standard aid types that are missing; returns how many were added."""
    existing = set(db.session.scalars(select(AidType.name)))
    added = [AidType(name=name, kind=kind) for name, kind in DEFAULT_AID_TYPES if name not in existing]
    db.session.add_all(added)
    db.session.flush()
    return len(added)


def add_standard_aid_types() -> int:
    """Admin: add the standard aid types a fresh installation lacks (audited); returns how many."""
    require_global_admin()
    added = seed_aid_types()
    audit.record("payment.aid_types_seed", ("aid_types", "*"), after={"added": added})
    return added


def aid_types(active_only: bool = True) -> list[AidType]:
    """The aid types, standard ones first."""
    stmt = select(AidType).order_by(AidType.id)
    return list(db.session.scalars(stmt.where(AidType.is_active) if active_only else stmt))


def aid_caps() -> dict[int, int]:
    """{aid type id: per-person yearly cap in 分} of the capped aid types."""
    return dict(db.session.execute(select(AidCap.aid_type_id, AidCap.cap_fen)).all())


def aid_type_named(name: str) -> AidType:
    """The active aid type called ``name``, else a Chinese validation error."""
    aid = db.session.scalar(select(AidType).where(AidType.name == (name or "").strip(), AidType.is_active))
    if aid is None:
        raise ValidationFailed(f"未知的帮扶类型：{name}", field="aid_type")
    return aid


def add_aid_type(name: str, kind: str) -> AidType:
    """Admin: add an aid type with its eligibility rule."""
    require_global_admin()
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise ValidationFailed("请填写帮扶类型名称（不超过 40 字）", field="name")
    if kind not in AID_KINDS:
        raise ValidationFailed("请选择适用对象", field="kind")
    if db.session.scalar(select(AidType.id).where(AidType.name == name)):
        raise ValidationFailed(f"帮扶类型“{name}”已存在", field="name")
    aid = AidType(name=name, kind=kind)
    db.session.add(aid)
    db.session.flush()
    audit.record("payment.aid_type_add", aid, after={"name": name, "kind": kind})
    return aid


def set_aid_cap(aid_type_id: int, cap_fen: int | None) -> None:
    """Admin: set (or with None remove) the per-person yearly cap of an aid type."""
    require_global_admin()
    aid = db.session.get(AidType, aid_type_id)
    if aid is None:
        raise NotFound("帮扶类型不存在")
    row = db.session.get(AidCap, aid_type_id)
    before = {"cap_fen": row.cap_fen if row else None}
    if cap_fen is None:
        if row is not None:
            db.session.delete(row)
            from caseapp.payments.models import PersonAidCounter  # no cap, no counters to keep in step

            db.session.execute(PersonAidCounter.__table__.delete().where(
                PersonAidCounter.aid_type_id == aid_type_id))
    elif cap_fen < 0:
        raise ValidationFailed("限额不能为负数", field="cap_fen")
    elif row is None:
        db.session.add(AidCap(aid_type_id=aid_type_id, cap_fen=cap_fen))
    else:
        row.cap_fen = cap_fen
    db.session.flush()
    audit.record("payment.aid_cap", ("aid_types", aid_type_id), before=before, after={"cap_fen": cap_fen},
                 summary=f"{aid.name} 个人年度限额")


def current() -> PaymentSetting:
    """The settings row, or an unsaved one holding the defaults."""
    return db.session.get(PaymentSetting, 1) or PaymentSetting(id=1, publicity_workdays=5, period_kind="year")


def update(publicity_workdays: int, period_kind: str) -> PaymentSetting:
    """Admin: change the 公示 length (working days) and the duplicate period."""
    require_global_admin()
    if not 1 <= publicity_workdays <= 30:
        raise ValidationFailed("公示期应为 1 至 30 个工作日", field="publicity_workdays")
    if period_kind not in ("year", "quarter"):
        raise ValidationFailed("期间只能按年或按季度", field="period_kind")
    row = db.session.get(PaymentSetting, 1)
    before = {"publicity_workdays": row.publicity_workdays, "period_kind": row.period_kind} if row else None
    if row is None:
        row = PaymentSetting(id=1)
        db.session.add(row)
    row.publicity_workdays, row.period_kind = publicity_workdays, period_kind
    db.session.flush()
    audit.record("payment.settings", ("payment_settings", 1), before=before,
                 after={"publicity_workdays": publicity_workdays, "period_kind": period_kind})
    return row


def period_of(year: int, on: date) -> str:
    """The duplicate-rule period of an item of a ``year`` project registered on ``on``."""
    if current().period_kind == "quarter":
        return f"{year}-Q{(on.month - 1) // 3 + 1}"
    return str(year)


def publicity_end(start: date, calendar: WorkCalendar | None = None) -> date:
    """The last day of a 公示 of N working days starting on ``start`` (a non-working start day does not count)."""
    cal = calendar or WorkCalendar()
    n = current().publicity_workdays
    return cal.add_workdays(start, n - 1 if cal.is_workday(start) else n)
