"""The "payment" roster kind: registering payment items from an Excel list (发放名单).

Rows are checked one by one for what a row alone can tell (project, aid type, 身份证号, amount); then the whole
file goes through the set-based registration in one transaction: eligibility, caps over the whole file and
duplicates are judged together, and any refusal names the file's rows. A file-content idempotency key makes
importing the same list again a refusal instead of a second payment.
"""
from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from caseapp.budgets.models import Project

from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.core.errors import Conflict, DomainError
from caseapp.core.idnumber import IdNumberError, parse_id_number
from caseapp.core import limits
from caseapp.core.money import MoneyError, format_yuan
from caseapp.core.scoping import scoped, scoped_with_ancestors
from caseapp.payments import idempotency, services, settings
from caseapp.payments.models import PaymentItem
from caseapp.payments.registration import Line, lines_refused, register_lines
from caseapp.persons import names
from caseapp.rosters.base import Column, RosterContext, RosterKind, RowErrors, register

PROJECT, AID, NAME, ID, AMOUNT, REASON = "项目编码", "发放类型", "姓名", "身份证号", "金额(元)", "发放事由"
COLUMNS = [
    Column(PROJECT, width=14, help="预算项目编码（当年度）"),
    Column(AID, width=12, help="如：生活救助、医疗救助、助学、慰问、劳模帮扶、表彰奖励"),
    Column(NAME, width=16, help="个人填姓名（须与身份证号一致）；表彰奖励的先进集体填集体名称",
           limit=PaymentItem.recipient_name),
    Column(ID, required=False, text=True, width=22, help="个人必填；先进集体不填"),
    Column(AMOUNT, required=False, width=12, help="单位：元；表彰奖励可不填，按获奖类别的奖励金额发放",
           limit=PaymentItem.amount_fen),
    Column(REASON, required=False, width=30, limit=PaymentItem.reason),
]


def _cached(ctx: RosterContext, key, load):
    if key not in ctx.org_cache:
        ctx.org_cache[key] = load()
    return ctx.org_cache[key]


def validate_row(cells: dict[str, str], ctx: RosterContext) -> dict:
    """What one row alone can tell: the project and aid type exist, the 身份证号 and the amount are valid."""
    errors: list[tuple[str, str]] = []
    code, aid_name = cells.get(PROJECT, "").strip(), cells.get(AID, "").strip()
    project = _cached(ctx, ("project", code), lambda: _project(code))
    if project is None:
        errors.append((PROJECT, f"预算项目“{code}”不存在或无权访问"))
    kinds = _cached(ctx, "aid_kinds", lambda: {a.name: a.kind for a in settings.aid_types()})
    if aid_name not in kinds:
        errors.append((AID, f"未知的帮扶类型“{aid_name}”，可选：{'、'.join(kinds)}"))
    award = kinds.get(aid_name) == "award"
    clean = {"row": ctx.row, "project_id": project.id if project else None, "aid_type": aid_name,
             "name": cells.get(NAME, "").strip(), "id_number": None, "reason": cells.get(REASON, "").strip()}
    raw_id = cells.get(ID, "").strip()
    if raw_id or not award:
        try:
            clean["id_number"] = parse_id_number(raw_id, today=ctx.today).value
        except IdNumberError as exc:
            errors.append((ID, str(exc)))
    clean["amount_fen"] = _amount(cells.get(AMOUNT, "").strip(), award, errors)
    if errors:
        raise RowErrors(errors)
    return clean


def _project(code: str):
    try:
        return services.find_project(code)
    except DomainError:
        return None


def _amount(text: str, award: bool, errors: list) -> int | None:
    if not text:
        if not award:
            errors.append((AMOUNT, "请填写金额（元）"))
        return None
    try:
        fen = limits.fen(PaymentItem.amount_fen, text)
    except MoneyError as exc:
        errors.append((AMOUNT, str(exc)))
        return None
    if fen <= 0:
        errors.append((AMOUNT, "金额必须大于 0"))
    return fen


def apply_rows(rows: list[dict], ctx: RosterContext) -> tuple[int, int]:
    """Register every row in one transaction through the set-based path; the same list twice pays once."""
    key = "roster:payment:" + lookup_hash(json.dumps(rows, sort_keys=True, ensure_ascii=False))  # keyed: rows hold IDs
    stored = idempotency.claim(key, {"rows": len(rows)})
    if stored is not None:
        raise Conflict(f"同样内容的发放名单已导入过（登记 {stored['body']['count']} 笔），不会重复登记",
                       code="duplicate_file")
    award_names, awards = _award_recipients(rows)
    _names_match(rows, ctx.correct_names)
    lines, missing = {}, []
    for r in rows:
        label = f"第{r['row']}行"
        if r["aid_type"] in award_names:
            recipient = awards.get((r["project_id"], r["id_number"] or r["name"]))
            if recipient is None:
                missing.append((label, f"{r['name']} 不是本项目评选表彰的获奖对象"))
            line = Line(r["aid_type"], r["amount_fen"], recipient_id=recipient, reason=r["reason"], label=label)
        else:
            line = Line(r["aid_type"], r["amount_fen"], id_number=r["id_number"], reason=r["reason"], label=label)
        lines.setdefault(r["project_id"], []).append(line)
    if missing:
        raise lines_refused(missing, conflict=False)
    # the projects validation found, owned by the caller's union or one above it (a county project funds a
    # township's aid): looked up the same way here, never only in the caller's subtree
    projects = {p.id: p for p in db.session.scalars(scoped_with_ancestors(
        select(Project).where(Project.id.in_(list(lines))), Project.org_id))}
    count = sum(len(register_lines(projects[project_id], project_lines, on=ctx.today))
                for project_id, project_lines in sorted(lines.items()))
    idempotency.store(key, 201, {"count": count})
    return count, 0


def _award_recipients(rows: list[dict]) -> tuple[set[str], dict]:
    """The award aid types' names, and {(project id, 身份证号 or 集体名称): recipient id} in one query."""
    from caseapp.awards.models import AwardEvent, AwardRecipient
    from caseapp.persons.models import Person

    award_names = {a.name for a in settings.aid_types() if a.kind == "award"}
    wanted = [r for r in rows if r["aid_type"] in award_names]
    if not wanted:
        return award_names, {}
    hashes = {lookup_hash(r["id_number"]): r["id_number"] for r in wanted if r["id_number"]}
    names = {r["name"] for r in wanted if not r["id_number"]}
    stmt = scoped(select(AwardRecipient.id, AwardEvent.project_id, Person.id_hash, AwardRecipient.collective_name)
                  .join(AwardEvent, AwardEvent.id == AwardRecipient.event_id)
                  .outerjoin(Person, Person.id == AwardRecipient.person_id)
                  .where(AwardEvent.project_id.in_({r["project_id"] for r in wanted}),
                         AwardRecipient.status != "撤销",
                         or_(Person.id_hash.in_(hashes or [""]), AwardRecipient.collective_name.in_(names or [""]))),
                  AwardRecipient.org_id)
    found: dict = {}
    for r in db.session.execute(stmt.order_by(AwardRecipient.id)):
        found.setdefault((r.project_id, hashes.get(r.id_hash) if r.id_hash else r.collective_name), r.id)
    return award_names, found


def _names_match(rows: list[dict], correct: bool) -> None:
    """实名制: the 姓名 of each individual row must be the name recorded for its 身份证号 (one query); a
    different one is refused, or — ``correct`` — corrected on the person (audited)."""
    from caseapp.persons.models import Person

    hashes = {lookup_hash(r["id_number"]): r for r in rows if r["id_number"]}
    recorded = db.session.execute(scoped(select(Person.id, Person.id_hash, Person.name, Person.org_id,
                                                Person.id_masked).where(Person.id_hash.in_(list(hashes) or [""])),
                                         Person.org_id)).all()
    mismatches = [names.Mismatch(hashes[p.id_hash]["row"], p.id, p.org_id, p.id_masked, p.name,
                                 hashes[p.id_hash]["name"]) for p in recorded if p.name != hashes[p.id_hash]["name"]]
    names.settle(mismatches, correct=correct)
    for m in mismatches:
        db.session.execute(update(Person).where(Person.id == m.person_id).values(name=m.given)
                           .execution_options(synchronize_session="fetch"))


def export_rows(ctx: RosterContext) -> Iterable[list]:
    """The live items in scope, newest project first, as the import's columns (身份证号 masked unless full)."""
    from caseapp.payments.models import LIVE_STATES

    stmt = scoped(select(PaymentItem), PaymentItem.org_id).where(PaymentItem.status.in_(LIVE_STATES)).join(
        Project, Project.id == PaymentItem.project_id).order_by(Project.year.desc(), PaymentItem.id).options(
        joinedload(PaymentItem.person), joinedload(PaymentItem.aid_type), joinedload(PaymentItem.project))
    for item in db.session.scalars(stmt):
        person = item.person
        number = (person.id_number if ctx.full else person.id_masked) if person else ""
        yield [item.project.code, item.aid_type.name, item.recipient_name, number,
               format_yuan(item.amount_fen).lstrip("¥").replace(",", ""), item.reason]


register(RosterKind(key="payment", title="款项发放名单", columns=COLUMNS, validate_row=validate_row,
                    apply_rows=apply_rows, export_rows=export_rows, key_column=None))
