"""Set-based person upsert for rosters: chunked hash look-ups and bulk INSERT/UPDATE statements."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import defer

from caseapp.core.audit import record
from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.core.errors import Conflict
from caseapp.core.idnumber import parse_id_number
from caseapp.core.masking import mask_account, mask_id, mask_phone
from caseapp.core.scoping import in_scope, require_org_in_scope, require_role
from caseapp.persons.models import Person

CHUNK = 500
#: optional row keys that update an existing person when the roster gives a value
_UPDATABLE = ("name", "work_unit", "ethnicity", "bank_name", "account_holder")


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load_by_hashes(hashes: Iterable[str]) -> dict[str, Person]:
    """Persons by keyed hash, ``IN`` 500 at a time (the 身份证号 itself is not decrypted)."""
    found: dict[str, Person] = {}
    stmt = select(Person).options(defer(Person.id_number))
    for part in chunks(list(hashes)):
        for person in db.session.scalars(stmt.where(Person.id_hash.in_(part))):
            found[person.id_hash] = person
    return found


def bulk_upsert_persons(rows: list[dict]) -> dict[str, Person]:
    """Insert new persons and update known ones from validated roster rows; returns {id_hash: Person}.

    Each row holds ``name``, ``id_number`` (validated), ``org_id`` and optionally
    ``phone`` (E.164), ``work_unit``, ``ethnicity``, ``bank_name``, ``bank_account``, ``account_holder``.
    A number already registered outside the actor's scope refuses the whole batch (masked in the message).
    """
    from caseapp.persons.services import WRITE_ROLES  # services re-exports this module

    require_role(*WRITE_ROLES)
    for org_id in {row["org_id"] for row in rows}:
        require_org_in_scope(org_id)
    by_hash = {lookup_hash(str(row["id_number"]).strip().upper()): row for row in rows}
    found = load_by_hashes(by_hash)
    _refuse_outside_scope(found.values())
    new_hashes = [h for h in by_hash if h not in found]
    last_id = db.session.scalar(select(func.max(Person.id))) or 0
    for part in chunks([_insert_values(h, by_hash[h]) for h in new_hashes]):
        db.session.execute(insert(Person), part)
    changes = [v for h, p in found.items() if (v := _update_values(p, by_hash[h]))]
    for part in chunks(changes):
        db.session.execute(update(Person), part)
    by_id = {p.id: p for p in found.values()}
    for values in changes:
        db.session.expire(by_id[values["id"]])
    if new_hashes:
        found.update(_load_inserted(last_id, set(new_hashes)))
    if new_hashes or changes:
        record("person.bulk_upsert", ("persons", "bulk"),
               summary=f"批量登记人员：新增 {len(new_hashes)} 人，更新 {len(changes)} 人")
    return found


def _load_inserted(last_id: int, hashes: set[str]) -> dict[str, Person]:
    """What this call just inserted: one primary-key range scan, not another round of ``IN`` look-ups."""
    stmt = select(Person).where(Person.id > last_id).options(
        defer(Person.id_number), defer(Person.phone), defer(Person.bank_account))
    return {p.id_hash: p for p in db.session.scalars(stmt) if p.id_hash in hashes}


def _refuse_outside_scope(persons: Iterable[Person]) -> None:
    scope = {}
    outside = [p for p in persons if not scope.setdefault(p.org_id, in_scope(p.org_id))]
    if outside:
        shown = "；".join(f"{p.id_masked}（{p.org.name}）" for p in outside[:5])
        more = f" 等 {len(outside)} 人" if len(outside) > 5 else ""
        raise Conflict(f"以下人员已在其他工会登记：{shown}{more}，请联系该工会或县总工会",
                       field="id_number", code="duplicate_person")


def _insert_values(id_hash: str, row: dict) -> dict:
    phone, account = row.get("phone") or None, row.get("bank_account") or None
    parsed = parse_id_number(row["id_number"], today=date.today())  # already valid: gives sex and birth date
    return {"org_id": row["org_id"], "name": row["name"], "id_number": parsed.value, "id_hash": id_hash,
            "id_masked": mask_id(parsed.value), "sex": parsed.sex, "birth_date": parsed.birth_date,
            "ethnicity": row.get("ethnicity") or "", "work_unit": row.get("work_unit") or "",
            "phone": phone, "phone_masked": quick_mask_phone(phone) if phone else None,
            "bank_name": row.get("bank_name") or None, "bank_account": account,
            "bank_account_masked": mask_account(account) if account else None,
            "account_holder": row.get("account_holder") or None}


def _update_values(person: Person, row: dict) -> dict | None:
    """The changed columns of an existing person (with its id), or None when nothing changes."""
    values = {k: row[k] for k in _UPDATABLE if row.get(k) and row[k] != getattr(person, k)}
    if row.get("phone") and row["phone"] != person.phone:
        values.update(phone=row["phone"], phone_masked=quick_mask_phone(row["phone"]))
    if row.get("bank_account") and row["bank_account"] != person.bank_account:
        values.update(bank_account=row["bank_account"], bank_account_masked=mask_account(row["bank_account"]))
    return {"id": person.id, **values} if values else None


def quick_mask_phone(e164: str) -> str:
    """``mask_phone`` with a fast path for mobile numbers (the common case in rosters)."""
    if len(e164) == 14 and e164.startswith("+861"):
        return f"{e164[3:6]}****{e164[-4:]}"
    return mask_phone(e164)
