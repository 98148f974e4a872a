"""The "hardship" roster kind: 困难职工花名册 import (bulk, set-based) and export (masked by default)."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseapp.cases import vocab
from caseapp.cases.models import FileStatusChange, HardshipFile
from caseapp.cases.thresholds import classify, threshold_for
from caseapp.core import limits
from caseapp.core.db import db
from caseapp.core.errors import Conflict
from caseapp.core.idnumber import IdNumberError, parse_id_number
from caseapp.core.money import MoneyError
from caseapp.core.phone import PhoneError, format_phone_national, normalize_phone
from caseapp.core.scoping import in_scope, scoped
from caseapp.persons.bulk import expire_loaded, upsert_person_ids
from caseapp.persons.models import Person
from caseapp.rosters.base import Column, RosterContext, RosterKind, RowErrors, register
from caseapp.rosters.bulkwrite import among, chunks, insert_rows, update_rows

NAME, ID, PHONE, ORG, UNIT = "姓名", "身份证号", "手机号", "所属工会", "工作单位"
CATEGORY, CAUSE, SIZE, INCOME, BANK, ACCOUNT = "困难类别", "主要致困原因", "家庭人口", "家庭月总收入(元)", "开户银行", "银行账号"
COLUMNS = [
    Column(NAME, width=10, limit=Person.name), Column(ID, text=True, width=22),
    Column(PHONE, required=False, text=True), Column(ORG, width=18, help="组织代码或完整名称"),
    Column(UNIT, required=False, width=24, limit=Person.work_unit),
    Column(CATEGORY, choices=list(vocab.CATEGORIES), help="须与当年标准建议一致"),
    Column(CAUSE, choices=list(vocab.CAUSES)), Column(SIZE, width=8),
    Column(INCOME, help="单位：元", limit=HardshipFile.family_income_fen),
    Column(BANK, required=False, width=18, limit=Person.bank_name),
    Column(ACCOUNT, required=False, text=True, width=24),
]


def validate_row(cells: dict[str, str], ctx: RosterContext) -> dict:
    """Check one row, collecting every problem; returns the clean values."""
    errors: list[tuple[str, str]] = []
    clean = {"name": cells.get(NAME, "").strip(), "work_unit": cells.get(UNIT, "").strip(),
             "bank_name": cells.get(BANK, "").strip() or None, "category": cells.get(CATEGORY, "").strip(),
             "main_cause": cells.get(CAUSE, "").strip()}
    if not clean["name"]:
        errors.append((NAME, "请填写姓名"))
    _check(errors, ID, lambda: clean.update(_identity(cells.get(ID, ""), ctx)), IdNumberError)
    phone = cells.get(PHONE, "").strip()
    clean["phone"] = None
    if phone:
        _check(errors, PHONE, lambda: clean.update(phone=_phone(phone, ctx)), PhoneError)
    org = ctx.org(cells.get(ORG, ""))
    if org is None:
        errors.append((ORG, "找不到该工会，或不在您的管理范围内（请填写组织代码或完整名称）"))
    clean["org_id"] = org.id if org else None
    clean["family_size"] = _family_size(cells.get(SIZE, ""), errors)
    _check(errors, INCOME, lambda: clean.update(family_income_fen=limits.fen(HardshipFile.family_income_fen,
                                                                              cells.get(INCOME, ""))), MoneyError)
    clean["bank_account"] = _account(cells.get(ACCOUNT, ""), errors)
    if not errors:
        _check_category(clean, org, ctx, errors)
    if errors:
        raise RowErrors(errors)
    return clean


def _check(errors: list, column: str, action, error_type) -> None:
    try:
        action()
    except error_type as exc:
        errors.append((column, str(exc)))


def _identity(text: str, ctx: RosterContext) -> dict:
    """The normalised number plus the sex and birth date it encodes (the person insert needs them)."""
    parsed = parse_id_number(text, today=ctx.today)
    return {"id_number": parsed.value, "sex": parsed.sex, "birth_date": parsed.birth_date}


def _phone(text: str, ctx: RosterContext) -> str:
    """``normalize_phone``, decided once per 7-digit 号段 for plain mobile numbers (validity depends on no more).

    Numbers starting 11, 12 or 179 are left to phonenumbers: it may read those digits as a carrier prefix.
    """
    if not (len(text) == 11 and text.isascii() and text.isdigit() and text[1] >= "3" and text[:3] != "179"):
        return normalize_phone(text)
    key = ("phone_prefix", text[:7])
    verdict = ctx.memo.get(key)
    if verdict is None:
        try:
            verdict = ctx.memo[key] = normalize_phone(text) == "+86" + text
        except PhoneError as exc:
            verdict = ctx.memo[key] = str(exc)
    if verdict is True:
        return "+86" + text
    if verdict is False:
        return normalize_phone(text)
    raise PhoneError(verdict)


def _family_size(text: str, errors: list) -> int:
    text = text.strip().removesuffix(".0")
    if not text.isdigit() or not 1 <= int(text) <= 30:
        errors.append((SIZE, "家庭人口应为 1 到 30 之间的整数"))
        return 1
    return int(text)


def _account(text: str, errors: list) -> str | None:
    digits = "".join(text.split()).replace("-", "")
    if digits and (not digits.isdigit() or not 8 <= len(digits) <= 30):
        errors.append((ACCOUNT, "银行账号应为 8 到 30 位数字（请把该列设为文本格式）"))
    return digits or None


def _check_category(clean: dict, org, ctx: RosterContext, errors: list) -> None:
    """A roster has no reason column, so its category must agree with the year's thresholds."""
    key = ("hardship_threshold", org.id, ctx.today.year)
    if key not in ctx.org_cache:
        ctx.org_cache[key] = threshold_for(ctx.today.year, org)
    threshold = ctx.org_cache[key]
    clean["per_capita_income_fen"] = clean["family_income_fen"] // clean["family_size"]
    clean["suggested_category"] = classify(clean["per_capita_income_fen"], threshold) if threshold else None
    if threshold is not None and clean["category"] != clean["suggested_category"]:
        errors.append((CATEGORY, f"按{ctx.today.year}年标准应为“{clean['suggested_category'] or '不符合困难标准'}”，"
                                 f"与填写的“{clean['category']}”不一致；如确需调整，请在系统中逐条填写理由"))


def apply_rows(clean_rows: list[dict], ctx: RosterContext) -> tuple[int, int]:
    """Upsert the persons in bulk, update their open files, open 申请 files for the rest; (created, updated)."""
    by_person = dict(zip(upsert_person_ids(clean_rows, correct_names=ctx.correct_names), clean_rows))
    open_files = _open_files(list(by_person))
    updates = [_file_update(f, by_person[pid]) for pid, f in open_files.items()]
    update_rows(HardshipFile.__table__, updates)
    expire_loaded(HardshipFile, (u["id"] for u in updates))
    new_rows = [_file_insert(pid, row, ctx) for pid, row in by_person.items() if pid not in open_files]
    file_ids = insert_rows(HardshipFile.__table__, new_rows)
    insert_rows(FileStatusChange.__table__, [_history(fid, ctx) for fid in file_ids])
    return len(new_rows), len(updates)  # the framework records the import's single audit event


def _open_files(person_ids: list[int]) -> dict[int, dict]:
    """The persons' open files as {person_id: {id, org_id, secondary_causes}}, refused if any is out of scope."""
    found: dict[int, dict] = {}
    columns = (HardshipFile.id, HardshipFile.person_id, HardshipFile.org_id, HardshipFile.secondary_causes)
    for part in chunks(person_ids):
        stmt = select(*columns).where(among(HardshipFile.person_id, part), HardshipFile.status.in_(vocab.OPEN_STATUSES))
        found.update((r.person_id, r._asdict()) for r in db.session.execute(stmt))
    if not all(in_scope(org_id) for org_id in {f["org_id"] for f in found.values()}):
        raise Conflict("部分人员的现有档案属于其他工会，不能通过本花名册修改，请联系县总工会", code="file_outside_scope")
    return found


def _file_update(f: dict, row: dict) -> dict:
    return {"id": f["id"], "category": row["category"], "suggested_category": row["suggested_category"],
            "category_reason": None, "main_cause": row["main_cause"], "family_size": row["family_size"],
            "family_income_fen": row["family_income_fen"], "per_capita_income_fen": row["per_capita_income_fen"],
            "secondary_causes": [c for c in f["secondary_causes"] or [] if c != row["main_cause"]]}


def _file_insert(person_id: int, row: dict, ctx: RosterContext) -> dict:
    return {"person_id": person_id, "org_id": row["org_id"], "status": vocab.APPLIED, "applied_on": ctx.today,
            "category": row["category"], "suggested_category": row["suggested_category"],
            "main_cause": row["main_cause"], "secondary_causes": [], "needs": [], "family_size": row["family_size"],
            "family_income_fen": row["family_income_fen"], "per_capita_income_fen": row["per_capita_income_fen"],
            "own_income_fen": 0, "created_by_id": ctx.actor.user_id}


def _history(file_id: int, ctx: RosterContext) -> dict:
    return {"file_id": file_id, "from_status": None, "to_status": vocab.APPLIED, "reason": None,
            "note": "花名册导入", "effective_on": ctx.today, "actor_id": ctx.actor.user_id,
            "actor_name": ctx.actor.username}


def export_rows(ctx: RosterContext) -> Iterable[list]:
    """Open files (申请/在档) in scope, one row each in column order; full personal data only if ``ctx.full``."""
    stmt = (scoped(select(HardshipFile), HardshipFile.org_id)
            .where(HardshipFile.status.in_(vocab.OPEN_STATUSES))
            .options(joinedload(HardshipFile.person), joinedload(HardshipFile.org))
            .order_by(HardshipFile.org_id, HardshipFile.id).execution_options(yield_per=1000))
    for f in db.session.scalars(stmt):
        p = f.person
        phone = (format_phone_national(p.phone) if p.phone else "") if ctx.full else (p.phone_masked or "")
        yield [p.name, p.id_number if ctx.full else p.id_masked, phone, f.org.name, p.work_unit, f.category or "",
               f.main_cause, f.family_size, f"{f.family_income_fen // 100}.{f.family_income_fen % 100:02d}",
               p.bank_name or "",
               (p.bank_account if ctx.full else p.bank_account_masked) or ""]


register(RosterKind(key="hardship", title="困难职工花名册", columns=COLUMNS, validate_row=validate_row,
                    apply_rows=apply_rows, export_rows=export_rows))
