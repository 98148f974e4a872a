"""Award events and their categories: create (prefilled from the project's rules), edit caps and amounts."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import selectinload

from caseapp.awards.models import KINDS, AwardCategory, AwardEvent, AwardRecipient
from caseapp.budgets.models import Project, Rule
from caseapp.core.audit import diff, record
from caseapp.core.db import db
from caseapp.core.errors import Conflict, NotFound, ValidationFailed
from caseapp.core.money import MoneyError, to_fen
from caseapp.core.scoping import get_scoped, principal_or_deny, require_org_in_scope, require_role

EVENT_ROLES = ("admin",)
LIVE_RULES = ("proposed", "confirmed")


def event_snapshot(event: AwardEvent) -> dict:
    """The event's fields for the audit log."""
    return {"project": event.project.code, "name": event.name, "held_on": event.held_on.isoformat(),
            "categories": [category_snapshot(c) for c in event.categories]}


def category_snapshot(category: AwardCategory) -> dict:
    return {"name": category.name, "kind": category.kind, "max_count": category.max_count,
            "amount_fen": category.amount_fen}


def create_event(*, project_id: int, name: str, held_on: date, categories: list[dict] | None = None) -> AwardEvent:
    """Create an event paid from a project in scope; without ``categories`` they are prefilled from its rules."""
    require_role(*EVENT_ROLES)
    project = get_scoped(Project, project_id)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写评选活动名称", field="name")
    if not isinstance(held_on, date):
        raise ValidationFailed("请填写评选日期", field="date")
    if db.session.scalar(select(AwardEvent.id).where(AwardEvent.project_id == project.id, AwardEvent.name == name)):
        raise Conflict(f"该项目下已有名为“{name}”的评选活动", field="name")
    event = AwardEvent(project=project, org_id=project.org_id, name=name, held_on=held_on)
    wanted = prefill_categories(project) if categories is None else categories
    for i, data in enumerate(wanted):
        event.categories.append(AwardCategory(**clean_category(data, f"categories[{i}]")))
    _refuse_duplicate_names(event.categories)
    db.session.add(event)
    db.session.flush()
    record("award_event.create", event, after=event_snapshot(event), summary=name)
    return event


def clean_category(data: dict, field: str = "category") -> dict:
    """Check one category's name, kind, cap and amount."""
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationFailed("请填写类别名称", field=f"{field}.name")
    if data.get("kind") not in KINDS:
        raise ValidationFailed("类别性质只能是个人（individual）或集体（collective）", field=f"{field}.kind")
    for key, label in (("max_count", "名额"), ("amount_fen", "奖励金额")):
        value = data.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationFailed(f"{label}须为不小于0的整数", field=f"{field}.{key}")
    return {"name": name, "kind": data["kind"], "max_count": data.get("max_count", 0),
            "amount_fen": data.get("amount_fen", 0), "source_text": data.get("source_text", "")}


def _refuse_duplicate_names(categories: list[AwardCategory]) -> None:
    names = [c.name for c in categories]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValidationFailed(f"类别名称重复：{'、'.join(sorted(dupes))}", field="categories")


def prefill_categories(project: Project) -> list[dict]:
    """Categories the project's documents imply: counts from the indicator target, cap and amount from rules.

    For 2025: 评选先进集体20个，先进劳模100名 gives 先进集体 (20) and 先进劳模 (100); 表彰人数不超过100人 caps
    the individuals and 每个人奖励1000元 is their amount. Collectives get no amount the documents do not state.
    """
    cap, amount = _award_rules(project.id)
    parts = [p for ind in project.indicators for p in (ind.target_parts or [])]
    found = [_category_from_part(label, value, cap, amount) for label, value, _unit in parts]
    if not any(c["kind"] == "individual" for c in found) and (cap or amount):
        found.append(_category_from_part("先进个人", cap.value if cap else 0, cap, amount))
    return found


def _award_rules(project_id: int) -> tuple[Rule | None, Rule | None]:
    stmt = select(Rule).where(Rule.project_id == project_id, Rule.status.in_(LIVE_RULES),
                              Rule.kind.in_(("headcount_cap", "per_person_amount"))).order_by(Rule.status, Rule.id)
    rules = db.session.scalars(stmt).all()
    first = lambda kind: next((r for r in rules if r.kind == kind and r.value is not None), None)  # noqa: E731
    return first("headcount_cap"), first("per_person_amount")


def _category_from_part(label: str, value, cap: Rule | None, amount: Rule | None) -> dict:
    count = int(Decimal(str(value)))
    if "集体" in label:
        return {"name": label, "kind": "collective", "max_count": count, "amount_fen": 0,
                "source_text": f"指标值：{label}{count}个；文件未规定集体奖励金额"}
    sources = [f"指标值：{label}{count}名"]
    if cap is not None:
        count = min(count, int(cap.value)) if count else int(cap.value)
        sources.append(cap.source_text)
    fen = _rule_fen(amount)
    if amount is not None:
        sources.append(amount.source_text)
    return {"name": label, "kind": "individual", "max_count": count, "amount_fen": fen,
            "source_text": "；".join(s for s in sources if s)}


def _rule_fen(rule: Rule | None) -> int:
    if rule is None:
        return 0
    try:
        return to_fen(rule.value, rule.unit or "元")
    except MoneyError:
        return 0


def date_warnings(event: AwardEvent) -> list[str]:
    """Warnings (never refusals) about the event date: a 五一劳动节前 rule on the project and a later date."""
    stmt = select(Rule).where(Rule.project_id == event.project_id, Rule.kind == "deadline",
                              Rule.status.in_(LIVE_RULES), Rule.festival == "labour_day")
    rule = db.session.scalars(stmt.order_by(Rule.id)).first()
    may_day = date(event.project.year, 5, 1)
    if rule is None or event.held_on < may_day:
        return []
    return [f"评选日期{_zh(event.held_on)}不在五一劳动节（{_zh(may_day)}）之前，"
            f"与项目要求不符：{rule.source_text or '五一劳动节前评选'}"]


def _zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _visible(stmt):
    """Events of the actor's subtree and of its ancestors (a county event is open to its townships)."""
    from caseapp.orgs.models import Organisation

    principal = principal_or_deny()
    if principal.org_path is None:
        return stmt
    ancestor = literal(principal.org_path).like(Organisation.path + "%")
    return stmt.join(Organisation, Organisation.id == AwardEvent.org_id).where(
        or_(Organisation.path.startswith(principal.org_path, autoescape=True), ancestor))


def list_events() -> list[AwardEvent]:
    """Events visible to the actor, newest first."""
    stmt = _visible(select(AwardEvent)).options(selectinload(AwardEvent.categories))
    return list(db.session.scalars(stmt.order_by(AwardEvent.held_on.desc(), AwardEvent.id.desc())))


def pending_by_event() -> dict[int, int]:
    """{event id: nominees in scope waiting to be 确定} (the desk's 表彰提名待确定 is their sum)."""
    from sqlalchemy import func

    from caseapp.core.scoping import scoped

    stmt = (select(AwardRecipient.event_id, func.count()).where(AwardRecipient.status == "提名")
            .group_by(AwardRecipient.event_id))
    return dict(db.session.execute(scoped(stmt, AwardRecipient.org_id)).all())


def get_event(event_id: int) -> AwardEvent:
    """One visible event (own subtree or an ancestor's), else NotFound; recipients stay scoped."""
    event = db.session.scalar(_visible(select(AwardEvent)).where(AwardEvent.id == event_id))
    if event is None:
        raise NotFound("评选活动不存在或无权访问")
    return event


def get_category(event: AwardEvent, category_ref) -> AwardCategory:
    """A category of ``event`` by id or by name."""
    for category in event.categories:
        if category.id == category_ref or category.name == str(category_ref).strip():
            return category
    raise NotFound(f"本次评选没有类别“{category_ref}”", field="category")


def confirmed_count(category: AwardCategory) -> int:
    """How many recipients of the category are 确定."""
    return db.session.scalar(select(func.count(AwardRecipient.id)).where(
        AwardRecipient.category_id == category.id, AwardRecipient.status == "确定"))


def add_category(event: AwardEvent, **data) -> AwardCategory:
    """Add a category to an event."""
    require_role(*EVENT_ROLES)
    require_org_in_scope(event.org_id)
    category = AwardCategory(**clean_category(data))
    event.categories.append(category)
    _refuse_duplicate_names(event.categories)
    db.session.flush()
    record("award_category.create", ("award_categories", category.id), after=category_snapshot(category),
           org_id=event.org_id, summary=f"{event.name}：新增类别 {category.name}")
    return category


def update_category(category: AwardCategory, *, name: str | None = None, max_count: int | None = None,
                    amount_fen: int | None = None) -> AwardCategory:
    """Edit a category's name, cap or amount; the cap may not fall below the confirmed recipients."""
    require_role(*EVENT_ROLES)
    require_org_in_scope(category.event.org_id)
    before = category_snapshot(category)
    clean = clean_category({**before, **{k: v for k, v in (("name", name), ("max_count", max_count),
                                                            ("amount_fen", amount_fen)) if v is not None}})
    used = confirmed_count(category)
    if clean["max_count"] < used:
        raise ValidationFailed(f"名额不能少于已确定的 {used} 个", field="max_count")
    category.name, category.max_count, category.amount_fen = clean["name"], clean["max_count"], clean["amount_fen"]
    _refuse_duplicate_names(category.event.categories)
    db.session.flush()
    old, new = diff(before, category_snapshot(category))
    if new:
        record("award_category.update", ("award_categories", category.id), before=old, after=new,
               org_id=category.event.org_id, summary=f"{category.event.name}：修改类别 {category.name}")
    return category
