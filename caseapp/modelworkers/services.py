"""劳模 records: registering, editing, listing within scope; benefit amounts by rule shape."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from caseapp.core.audit import diff, record
from caseapp.core.calendar import local_today
from caseapp.core.db import db
from caseapp.core.errors import Conflict, ValidationFailed
from caseapp.core.scoping import get_scoped, require_org_in_scope, require_role, scoped
from caseapp.modelworkers.models import LEVELS, STATUSES, BenefitRule, ModelWorker
from caseapp.orgs.services import get_by_code
from caseapp.persons.models import Person
from caseapp.persons.services import register_person

WRITE_ROLES = ("caseworker", "admin")
EDITABLE = ("level", "title", "year_awarded", "awarded_by", "status", "is_hardship", "hardship_reason",
            "is_allowance_paid", "allowance_monthly_fen")


def snapshot(mw: ModelWorker) -> dict:
    """A masked picture of the record for the audit log and the API."""
    return {"person": mw.person.name, "id_number": mw.person.id_masked, "org": mw.org.code if mw.org else None,
            **{name: getattr(mw, name) for name in EDITABLE}}


def clean_fields(data: dict) -> dict:
    """Check the 劳模 fields; returns them normalised or raises ValidationFailed (Chinese, with field)."""
    out = {name: data[name] for name in EDITABLE if name in data}
    if out.get("level") not in LEVELS:
        raise ValidationFailed("级别只能是：" + "、".join(LEVELS), field="level")
    out["title"] = (out.get("title") or "").strip()
    if not out["title"]:
        raise ValidationFailed("请填写荣誉称号", field="title")
    _check_year(out.get("year_awarded"))
    out.setdefault("status", "在职")
    if out["status"] not in STATUSES:
        raise ValidationFailed("状态只能是：" + "、".join(STATUSES), field="status")
    out["hardship_reason"] = (out.get("hardship_reason") or "").strip()
    out["is_hardship"] = bool(out.get("is_hardship"))
    _check_allowance(out)
    return out


def _check_year(year) -> None:
    if not isinstance(year, int) or isinstance(year, bool) or not 1950 <= year <= local_today().year:
        raise ValidationFailed(f"授予年份应为1950至{local_today().year}之间的年份", field="year_awarded")


def _check_allowance(out: dict) -> None:
    amount = out.setdefault("allowance_monthly_fen", 0) or 0
    if not isinstance(amount, int) or amount < 0:
        raise ValidationFailed("荣誉津贴月额不能为负数", field="allowance_monthly_fen")
    if amount and not out.get("is_allowance_paid"):
        raise ValidationFailed("填写了荣誉津贴月额，请同时勾选“发放荣誉津贴”", field="is_allowance_paid")
    out["allowance_monthly_fen"] = amount


def create_model_worker(*, name: str, id_number: str, org_code: str, phone: str | None = None,
                        correct_name: bool = False, **fields) -> ModelWorker:
    """Record a 劳模 title for the person with this 身份证号 (registered if new; another name is refused
    unless ``correct_name``)."""
    require_role(*WRITE_ROLES)
    clean = clean_fields(fields)
    org = get_by_code(org_code)
    require_org_in_scope(org.id)
    person = register_person(name, id_number, org=org, phone=phone, correct_name=correct_name)
    _refuse_duplicate(person.id, clean)
    mw = ModelWorker(person=person, org=org, **clean)
    db.session.add(mw)
    db.session.flush()
    record("modelworker.create", mw, after=snapshot(mw), summary=f"登记劳模 {person.name} {clean['title']}")
    return mw


def _refuse_duplicate(person_id: int, clean: dict, own_id: int | None = None) -> None:
    stmt = select(ModelWorker.id).where(
        ModelWorker.person_id == person_id, ModelWorker.level == clean["level"],
        ModelWorker.title == clean["title"], ModelWorker.year_awarded == clean["year_awarded"])
    found = db.session.scalar(stmt)
    if found is not None and found != own_id:
        raise Conflict(f"该人员已有{clean['year_awarded']}年{clean['level']}“{clean['title']}”的劳模记录",
                       field="title")


def update_model_worker(mw: ModelWorker, **fields) -> ModelWorker:
    """Edit a 劳模 record in scope; the change is audited field by field."""
    require_role(*WRITE_ROLES)
    before = snapshot(mw)
    clean = clean_fields({**{n: getattr(mw, n) for n in EDITABLE}, **fields})
    _refuse_duplicate(mw.person_id, clean, own_id=mw.id)
    for name, value in clean.items():
        setattr(mw, name, value)
    db.session.flush()
    old, new = diff(before, snapshot(mw))
    if new:
        record("modelworker.update", mw, before=old, after=new)
    return mw


def get_model_worker(mw_id: int) -> ModelWorker:
    """One 劳模 record in scope, else NotFound."""
    return get_scoped(ModelWorker, mw_id)


def list_model_workers(*, level: str | None = None, status: str | None = None, hardship: bool | None = None,
                       org_id: int | None = None, q: str | None = None, page: int = 1,
                       per_page: int = 50) -> tuple[list[ModelWorker], int]:
    """劳模 records in scope, filtered, newest title first; returns (page rows, total)."""
    stmt = scoped(select(ModelWorker).join(ModelWorker.person), ModelWorker.org_id)
    if level:
        stmt = stmt.where(ModelWorker.level == level)
    if status:
        stmt = stmt.where(ModelWorker.status == status)
    if hardship is not None:
        stmt = stmt.where(ModelWorker.is_hardship == hardship)
    if org_id:
        stmt = stmt.where(ModelWorker.org_id == org_id)
    if q and q.strip():
        stmt = stmt.where(Person.name.contains(q.strip(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.options(joinedload(ModelWorker.person), joinedload(ModelWorker.org))
                              .order_by(ModelWorker.year_awarded.desc(), Person.name, ModelWorker.id)
                              .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    return list(rows), total


def titles_of(person_id: int) -> list[ModelWorker]:
    """Every title of one person that lies in scope."""
    stmt = scoped(select(ModelWorker), ModelWorker.org_id).where(ModelWorker.person_id == person_id)
    return list(db.session.scalars(stmt.order_by(ModelWorker.year_awarded)))


def benefit_amount(rule: BenefitRule, model_worker: ModelWorker, income_fen: int | None = None) -> int:
    """What ``rule`` pays ``model_worker`` in 分: 0 when the rule does not apply to them.

    fixed: the rule's yearly amount; one_off: the amount, once (payments keep it once);
    top_up (差额补助): threshold − income, never negative, and the income must be known.
    """
    if not rule_applies(rule, model_worker):
        return 0
    if rule.shape != "top_up":
        return rule.amount_fen or 0
    if income_fen is None or income_fen < 0:
        raise ValidationFailed("差额补助须填写本人月收入（不能为负数）", field="income_fen")
    return max(rule.threshold_fen - income_fen, 0)


def rule_applies(rule: BenefitRule, model_worker: ModelWorker) -> bool:
    """Level filter, 困难劳模 filter, and no benefits after death."""
    if model_worker.status == "去世":
        return False
    if rule.level and rule.level != model_worker.level:
        return False
    return model_worker.is_hardship or not rule.hardship_only
