"""家庭成员 of a case file: validated, 身份证号 encrypted with hash and mask."""
from __future__ import annotations

from datetime import date

from caseapp.cases import vocab
from caseapp.cases.models import FamilyMember, HardshipFile
from caseapp.core.crypto import lookup_hash
from caseapp.core.errors import ValidationFailed
from caseapp.core.masking import mask_id
from caseapp.persons.services import parse_id

MAX_MEMBERS = 30


def set_members(f: HardshipFile, rows: list[dict], *, today: date) -> None:
    """Replace the file's members with ``rows``; a row with an ``id`` and no 身份证号 keeps the stored one."""
    rows = [r for r in rows if (r.get("name") or "").strip()]
    if len(rows) > MAX_MEMBERS:
        raise ValidationFailed(f"家庭成员最多 {MAX_MEMBERS} 人", field="members")
    current = {m.id: m for m in f.members if m.id is not None}
    kept = []
    for index, row in enumerate(rows):
        member = current.get(_int(row.get("id"))) or FamilyMember()
        _fill(member, row, f"members[{index}]", today)
        kept.append(member)
    f.members = kept


def _fill(member: FamilyMember, row: dict, path: str, today: date) -> None:
    member.name = row["name"].strip()[:100]
    relation = (row.get("relation") or "").strip()
    if relation not in vocab.RELATIONS:
        raise ValidationFailed(f"请选择与申请人的关系（{'、'.join(vocab.RELATIONS)}）", field=f"{path}.relation")
    member.relation = relation
    income = row.get("income_fen") or 0
    if isinstance(income, bool) or not isinstance(income, int) or income < 0:
        raise ValidationFailed("收入应为不小于 0 的整数（分）", field=f"{path}.income_fen")
    member.income_fen = income
    member.health = (row.get("health") or "").strip()[:20]
    member.school_or_work = (row.get("school_or_work") or "").strip()[:200]
    raw = (row.get("id_number") or "").strip()
    if raw:
        number = parse_id(raw, today=today, field=f"{path}.id_number").value
        member.id_number, member.id_hash, member.id_masked = number, lookup_hash(number), mask_id(number)
    elif member.id is None:
        member.id_number = member.id_hash = member.id_masked = None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
