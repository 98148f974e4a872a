"""rosters/bulkwrite.py: COPY (PostgreSQL) and executemany (SQLite) write the same rows, defaults and tokens."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select, text

from caseapp.cases.models import HardshipFile
from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.persons.models import Person
from caseapp.rosters.bulkwrite import among, insert_rows, update_rows
from tests.factories import OrgFactory
from tests.persons.people import new_id

TABLE = Person.__table__


def _people(org_id: int, n: int) -> list[dict]:
    numbers = [new_id() for _ in range(n)]
    return [{"org_id": org_id, "name": f"职工{i}", "id_number": number, "id_hash": lookup_hash(number),
             "id_masked": number[:4] + "*" * 10 + number[-4:], "sex": "男", "birth_date": date(1980, 1, 1),
             "phone": f"+861380000{i:04d}" if i % 2 else None} for i, number in enumerate(numbers)]


def _raw(column: str, pk: int):
    return db.session.execute(text(f"SELECT {column} FROM persons WHERE id = :i"), {"i": pk}).scalar()


def test_insert_returns_ids_in_row_order_with_defaults_and_encryption(app):
    rows = _people(OrgFactory().id, 7)
    ids = insert_rows(TABLE, rows)
    people = [db.session.get(Person, pk) for pk in ids]
    assert [p.name for p in people] == [r["name"] for r in rows] and len(set(ids)) == 7
    assert [p.id_number for p in people] == [r["id_number"] for r in rows]
    assert people[1].phone == "+8613800000001" and people[0].phone is None and _raw("phone", ids[0]) is None
    assert people[0].ethnicity == "" and people[0].created_at.tzinfo is not None  # Python-side defaults
    assert _raw("id_number", ids[0]).startswith("gAAAAA") and rows[0]["id_number"] not in _raw("id_number", ids[0])


def test_json_columns_and_a_second_batch_get_fresh_ids(app):
    org = OrgFactory()
    person_ids = insert_rows(TABLE, _people(org.id, 2))
    files = [{"person_id": pid, "org_id": org.id, "applied_on": date(2025, 3, 1), "main_cause": "因病",
              "secondary_causes": ["因学"], "needs": []} for pid in person_ids]
    first, second = insert_rows(HardshipFile.__table__, files[:1]), insert_rows(HardshipFile.__table__, files[1:])
    assert second[0] > first[0]
    stored = db.session.get(HardshipFile, first[0])
    assert (stored.secondary_causes, stored.needs, stored.status, stored.family_size) == (["因学"], [], "申请", 1)


def test_update_sets_the_given_columns_by_id_and_bumps_updated_at(app):
    ids = insert_rows(TABLE, _people(OrgFactory().id, 3))
    db.session.execute(text("UPDATE persons SET updated_at = :t"), {"t": datetime(2020, 1, 1, tzinfo=timezone.utc)})
    update_rows(TABLE, [{"id": ids[0], "name": "改名", "phone": "+8613912345678"},
                        {"id": ids[2], "name": "又改", "phone": None}])
    db.session.expire_all()
    first, middle, last = (db.session.get(Person, pk) for pk in ids)
    assert (first.name, first.phone, last.name, last.phone) == ("改名", "+8613912345678", "又改", None)
    assert _raw("phone", ids[0]).startswith("gAAAAA")
    assert middle.name == "职工1" and middle.updated_at.year == 2020 and first.updated_at.year > 2020


def test_writes_in_a_savepoint_vanish_with_it_and_updates_can_repeat(app):
    org = OrgFactory()
    kept = insert_rows(TABLE, _people(org.id, 1))
    savepoint = db.session.begin_nested()
    insert_rows(TABLE, _people(org.id, 3))
    update_rows(TABLE, [{"id": kept[0], "name": "临时"}])
    update_rows(TABLE, [{"id": kept[0], "work_unit": "纺织厂"}])  # the working table of the first is gone
    savepoint.rollback()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1
    assert db.session.execute(text("SELECT name FROM persons")).scalar() == "职工0"


def test_among_is_in(app):
    rows = _people(OrgFactory().id, 4)
    ids = insert_rows(TABLE, rows)
    wanted = [rows[0]["id_hash"], rows[3]["id_hash"], "0" * 64]
    assert sorted(db.session.scalars(select(Person.id).where(among(Person.id_hash, wanted)))) == [ids[0], ids[3]]
    assert list(db.session.scalars(select(Person.id).where(among(Person.id_hash, [])))) == []


def test_a_duplicate_key_is_sqlalchemys_integrity_error_on_every_engine(app):
    from sqlalchemy.exc import IntegrityError

    rows = _people(OrgFactory().id, 2)
    insert_rows(TABLE, rows[:1])
    savepoint = db.session.begin_nested()
    with pytest.raises(IntegrityError):
        insert_rows(TABLE, rows)  # the first number is registered already: the unique keyed hash refuses it
    savepoint.rollback()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1
