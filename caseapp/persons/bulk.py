"""Set-based person upsert for rosters: one hash look-up per 5,000 rows, bulk INSERT (COPY) and UPDATE."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import defer

from caseapp.core.calendar import local_today
from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.core.errors import Conflict
from caseapp.core.idnumber import parse_id_number
from caseapp.core.masking import mask_account, mask_id, mask_phone
from caseapp.core.scoping import in_scope, require_org_in_scope, require_role
from caseapp.persons import names
from caseapp.persons.models import Person
from caseapp.rosters.bulkwrite import among, chunks, insert_rows, update_rows

__all__ = ["bulk_upsert_persons", "chunks", "expire_loaded", "load_by_hashes", "upsert_person_ids"]

#: optional row keys that update an existing person when the roster gives a value
_UPDATABLE = ("name", "work_unit", "ethnicity", "bank_name", "account_holder")
#: what an update compares against: never the 身份证号 itself (it is the key)
_KNOWN = (Person.id, Person.id_hash, Person.org_id, Person.id_masked, *(getattr(Person, k) for k in _UPDATABLE),
          Person.phone, Person.bank_account)


def upsert_person_ids(rows: list[dict], *, correct_names: bool = False) -> list[int]:
    """Insert new persons and update known ones from validated roster rows; each row's person id, in order.

    Each row holds ``name``, ``id_number`` (validated), ``org_id`` and optionally
    ``phone`` (E.164), ``work_unit``, ``ethnicity``, ``bank_name``, ``bank_account``, ``account_holder``,
    and ``sex``/``birth_date`` when the caller already parsed the number (saves parsing it again).
    A number already registered outside the actor's scope refuses the whole batch (masked in the message); one
    registered under another name refuses it too (``names.NameMismatch``, naming each ``row``), unless
    ``correct_names``: then each correction is audited and the name written.
    """
    from caseapp.persons.services import WRITE_ROLES  # services re-exports this module

    require_role(*WRITE_ROLES)
    for org_id in {row["org_id"] for row in rows}:
        require_org_in_scope(org_id)
    hashes = [lookup_hash(str(row["id_number"]).strip().upper()) for row in rows]
    by_hash = dict(zip(hashes, rows))  # a repeated number: its last row wins, as the database would have it
    known = _known(list(by_hash))
    _refuse_outside_scope(known.values())
    names.settle([names.Mismatch(by_hash[h].get("row"), p["id"], p["org_id"], p["id_masked"], p["name"],
                                 by_hash[h]["name"]) for h, p in known.items() if by_hash[h]["name"] != p["name"]],
                 correct=correct_names)
    new = [h for h in by_hash if h not in known]
    ids = dict(zip(new, insert_rows(Person.__table__, [_insert_values(h, by_hash[h]) for h in new])))
    changes = [v for h, p in known.items() if (v := _update_values(p, by_hash[h]))]
    for part in _same_keys(changes):
        update_rows(Person.__table__, part)
    expire_loaded(Person, (v["id"] for v in changes))
    ids.update((h, p["id"]) for h, p in known.items())
    # no audit event here: the roster import that calls this records the one event of the whole import
    return [ids[h] for h in hashes]


def bulk_upsert_persons(rows: list[dict], *, correct_names: bool = False) -> dict[str, Person]:
    """``upsert_person_ids`` for callers that want the persons: {id_hash: Person} (encrypted columns deferred)."""
    ids = upsert_person_ids(rows, correct_names=correct_names)
    stmt = select(Person).options(defer(Person.id_number), defer(Person.phone), defer(Person.bank_account))
    found: dict[str, Person] = {}
    for part in chunks(sorted(set(ids))):
        found.update((p.id_hash, p) for p in db.session.scalars(stmt.where(among(Person.id, part))))
    return found


def load_by_hashes(hashes: Iterable[str]) -> dict[str, Person]:
    """Persons by keyed hash, 5,000 per query (the 身份证号 itself is not decrypted)."""
    found: dict[str, Person] = {}
    stmt = select(Person).options(defer(Person.id_number))
    for part in chunks(list(hashes)):
        found.update((p.id_hash, p) for p in db.session.scalars(stmt.where(among(Person.id_hash, part))))
    return found


def expire_loaded(model, ids: Iterable[int]) -> None:
    """Expire instances of ``model`` the session already holds, after a bulk UPDATE changed their rows."""
    identity_map = db.session.identity_map
    for pk in ids:
        obj = identity_map.get(db.session.identity_key(model, pk))  # absent: nothing stale to expire
        if obj is not None:
            db.session.expire(obj)


def _known(hashes: list[str]) -> dict[str, dict]:
    """Registered persons by hash, as plain column dicts (no ORM objects for a 50,000-row roster)."""
    found: dict[str, dict] = {}
    for part in chunks(hashes):
        found.update((r.id_hash, r._asdict()) for r in db.session.execute(
            select(*_KNOWN).where(among(Person.id_hash, part))))
    return found


def _refuse_outside_scope(persons: Iterable[dict]) -> None:
    scope: dict[int, bool] = {}
    outside = [p for p in persons if not scope.setdefault(p["org_id"], in_scope(p["org_id"]))]
    if outside:
        first = db.session.scalars(select(Person).where(Person.id.in_([p["id"] for p in outside[:5]])).options(
            defer(Person.id_number), defer(Person.phone), defer(Person.bank_account)))
        shown = "；".join(f"{p.id_masked}（{p.org.name}）" for p in first)
        more = f" 等 {len(outside)} 人" if len(outside) > 5 else ""
        raise Conflict(f"以下人员已在其他工会登记：{shown}{more}，请联系该工会或县总工会",
                       field="id_number", code="duplicate_person")


def _insert_values(id_hash: str, row: dict) -> dict:
    phone, account = row.get("phone") or None, row.get("bank_account") or None
    number, sex, birth = _identity(row)
    return {"org_id": row["org_id"], "name": row["name"], "id_number": number, "id_hash": id_hash,
            "id_masked": mask_id(number), "sex": sex, "birth_date": birth,
            "ethnicity": row.get("ethnicity") or "", "work_unit": row.get("work_unit") or "",
            "phone": phone, "phone_masked": quick_mask_phone(phone) if phone else None,
            "bank_name": row.get("bank_name") or None, "bank_account": account,
            "bank_account_masked": mask_account(account) if account else None,
            "account_holder": row.get("account_holder") or None}


def _identity(row: dict) -> tuple[str, str, date]:
    """(normalised number, sex, birth date): from the row when its validator kept them, else parsed."""
    if row.get("sex") and row.get("birth_date"):
        return str(row["id_number"]).strip().upper(), row["sex"], row["birth_date"]
    parsed = parse_id_number(row["id_number"], today=local_today())  # already valid: gives sex and birth date
    return parsed.value, parsed.sex, parsed.birth_date


def _update_values(person: dict, row: dict) -> dict | None:
    """The changed columns of an existing person (with its id), or None when nothing changes."""
    values = {k: row[k] for k in _UPDATABLE if row.get(k) and row[k] != person[k]}
    if row.get("phone") and row["phone"] != person["phone"]:
        values.update(phone=row["phone"], phone_masked=quick_mask_phone(row["phone"]))
    if row.get("bank_account") and row["bank_account"] != person["bank_account"]:
        values.update(bank_account=row["bank_account"], bank_account_masked=mask_account(row["bank_account"]))
    return {"id": person["id"], **values} if values else None


def _same_keys(changes: list[dict]) -> list[list[dict]]:
    """Changes grouped by which columns they set (a bulk UPDATE sets the same columns in every row)."""
    groups: dict[tuple, list[dict]] = {}
    for values in changes:
        groups.setdefault(tuple(sorted(values)), []).append(values)
    return list(groups.values())


def quick_mask_phone(e164: str) -> str:
    """``mask_phone`` with a fast path for mobile numbers (the common case in rosters)."""
    if len(e164) == 14 and e164.startswith("+861"):
        return f"{e164[3:6]}****{e164[-4:]}"
    return mask_phone(e164)
