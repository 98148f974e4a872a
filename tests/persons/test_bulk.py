"""Bulk person upsert for rosters: chunked look-ups, set-based writes, the scope rule, encryption."""
import pytest
from sqlalchemy import func, select, text

from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.core.errors import Conflict
from caseapp.core.idnumber import make_id_number
from caseapp.persons import services
from caseapp.persons.models import Person
from tests.conftest import acting_as, make_app
from tests.persons.people import new_id, org_tree, user_in


def _rows(n: int, org_id: int) -> list[dict]:
    from datetime import date

    return [{"name": f"职工{i}", "id_number": make_id_number(birth=date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                                                           seq=i % 1000, sex=None),
             "org_id": org_id, "phone": f"+86138{i:08d}", "work_unit": "纺织厂"} for i in range(n)]


def test_bulk_inserts_new_and_updates_known_persons_across_chunks(app):
    t = org_tree()
    rows = _rows(1200, t.town_a.id)
    with acting_as(user_in(t.town_a)):
        known = services.register_person("职工7", rows[7]["id_number"], work_unit="旧单位")
        result = services.bulk_upsert_persons(rows)
    assert len(result) == 1200 and db.session.scalar(select(func.count()).select_from(Person)) == 1200
    assert result[known.id_hash].id == known.id
    db.session.refresh(known)
    assert (known.work_unit, known.phone) == ("纺织厂", "+8613800000007")
    sample = result[lookup_hash(rows[1100]["id_number"])]
    assert sample.id_masked == rows[1100]["id_number"][:4] + "*" * 10 + rows[1100]["id_number"][-4:]
    assert sample.phone_masked == "138****1100"
    token = db.session.scalar(text("SELECT id_number FROM persons WHERE id = :i").bindparams(i=sample.id))
    assert token.startswith("gAAAAA")


def test_bulk_refuses_numbers_registered_in_another_township(app):
    t = org_tree()
    number = new_id()
    with acting_as(user_in(t.town_b)):
        services.register_person("外镇人", number)
    rows = [{"name": "外镇人", "id_number": number, "org_id": t.town_a.id}, *_rows(3, t.town_a.id)]
    with acting_as(user_in(t.town_a)), pytest.raises(Conflict) as err:
        services.bulk_upsert_persons(rows)
    assert t.town_b.name in err.value.message and number not in err.value.message
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1


def test_id_number_is_not_in_the_sqlite_file_after_commit(tmp_path):
    """Read the committed database file's bytes: the number and phone appear only encrypted."""
    from caseapp.core import context
    from tests.factories import OrgFactory

    app = make_app(f"sqlite:///{tmp_path / 'raw.sqlite'}", str(tmp_path))
    number = new_id()
    with app.app_context():
        db.create_all()
        token = context.set_principal(context.OPERATOR)
        try:
            org = OrgFactory()
            services.register_person("钱九", number, org=org, phone="13812345678")
            db.session.commit()
        finally:
            context.reset_principal(token)
        db.session.remove()
        db.engine.dispose()
    data = b"".join(p.read_bytes() for p in tmp_path.glob("raw.sqlite*"))
    assert "钱九".encode() in data  # the name is stored plain: the check would see the number too
    assert number.encode() not in data and b"13812345678" not in data


def test_person_ids_come_back_in_row_order_for_new_known_and_repeated_numbers(app):
    from caseapp.persons.bulk import upsert_person_ids

    t = org_tree()
    rows = _rows(5, t.town_a.id)
    with acting_as(user_in(t.town_a)):
        known = services.register_person("职工3", rows[3]["id_number"])
        ids = upsert_person_ids([rows[0], rows[3], rows[1], {**rows[0], "name": "再次"}])
    names = [db.session.get(Person, pk).name for pk in ids]
    assert ids[0] == ids[3] and ids[1] == known.id and len(set(ids)) == 3
    assert names == ["再次", "职工3", "职工1", "再次"]  # a repeated number: its last row wins


def test_unchanged_rows_write_nothing_and_are_not_audited(app):
    from caseapp.core.audit import AuditEvent

    t = org_tree()
    rows = _rows(3, t.town_a.id)
    with acting_as(user_in(t.town_a)):
        services.bulk_upsert_persons(rows)
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        services.bulk_upsert_persons(rows)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
