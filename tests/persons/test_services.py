"""Person registration: ID and phone validation, one person per 身份证号, scope, audited full view."""
from datetime import date

import pytest
from sqlalchemy import func, select, text

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Conflict, Forbidden, ValidationFailed
from caseapp.core.idnumber import MSG_CHECK, MSG_LEGACY, MSG_SCIENTIFIC, MSG_SEX
from caseapp.persons import services
from caseapp.persons.models import Person
from tests.conftest import acting_as
from tests.persons.people import new_id, org_tree, user_in


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("raw, message", [
    ("130434198003040011", MSG_CHECK), ("1.30434E+17", MSG_SCIENTIFIC), ("130434800304001", MSG_LEGACY),
    ("13043419800304", "身份证号应为18位，现在是14位"), ("130434199902300016", "出生日期不存在"),
])
def test_bad_id_numbers_are_refused_with_the_reason(app, raw, message):
    t = org_tree()
    with acting_as(user_in(t.town_a)), pytest.raises(ValidationFailed) as err:
        services.register_person("张三", raw, today=date(2025, 6, 1))
    assert err.value.field == "id_number" and message in err.value.message
    assert _count(Person) == 0


def test_declared_sex_must_match_digit_17_and_phone_must_be_valid(app):
    t = org_tree()
    with acting_as(user_in(t.town_a)):
        with pytest.raises(ValidationFailed, match=MSG_SEX):
            services.register_person("张三", new_id("男"), sex="女")
        with pytest.raises(ValidationFailed) as err:
            services.register_person("张三", new_id(), phone="12345")
        assert err.value.field == "phone"
        person = services.register_person("李梅", new_id("女"), phone="138 1234 5678", work_unit="棉纺厂")
    assert (person.sex, person.phone, person.phone_masked) == ("女", "+8613812345678", "138****5678")
    assert person.org_id == t.town_a.id


def test_same_number_in_scope_updates_the_one_person(app):
    t = org_tree()
    number = new_id()
    with acting_as(user_in(t.town_a)):
        first = services.register_person("王强", number, work_unit="旧单位")
        again = services.register_person("王强", number.lower() if number.endswith("X") else f" {number} ",
                                         work_unit="新单位", phone="13912345678")
        assert services.find_by_id_number(number) is first
    assert again is first and first.work_unit == "新单位" and _count(Person) == 1
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "persons")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["person.create", "person.update"]


def test_duplicate_in_another_township_names_it_masked_and_writes_nothing(app):
    t = org_tree()
    number = new_id()
    with acting_as(user_in(t.town_a)):
        services.register_person("赵六", number)
    events, persons = _count(AuditEvent), _count(Person)
    with acting_as(user_in(t.town_b)), pytest.raises(Conflict) as err:
        services.register_person("赵六", number, work_unit="别处")
    message = err.value.message
    assert f"该人员已在 {t.town_a.name} 登记（{number[:4]}**********{number[-4:]}）" in message
    assert number not in message and "请联系该工会或县总工会" in message
    assert (_count(AuditEvent), _count(Person)) == (events, persons)


def test_search_is_scoped_and_by_name_prefix(app):
    t = org_tree()
    with acting_as(user_in(t.town_a)):
        mine = services.register_person("张小明", new_id())
    with acting_as(user_in(t.town_b)):
        services.register_person("张大山", new_id())
    with acting_as(user_in(t.town_a)):
        rows, total = services.search_persons("张")
        assert (rows, total) == ([mine], 1)
    with acting_as(user_in(t.county, "reviewer")):
        assert services.search_persons("张")[1] == 2
        assert services.search_persons(id_hash=mine.id_hash)[0] == [mine]


def test_reveal_is_for_permitted_roles_and_audited_each_time(app):
    t = org_tree()
    number = new_id()
    with acting_as(user_in(t.town_a)):
        person = services.register_person("孙七", number, phone="13812345678", bank_account="6222 0212 3456 7890")
        assert services.reveal(person, "id_number") == number
        assert services.reveal(person, "bank_account") == "6222021234567890"
    with acting_as(user_in(t.county, "auditor")), pytest.raises(Forbidden):
        services.reveal(person, "phone")
    views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.view_full")
                               .order_by(AuditEvent.id)).all()
    assert [v.after["field"] for v in views] == ["id_number", "bank_account"]
    assert all(number not in (v.summary or "") for v in views)


def test_personal_data_is_encrypted_at_rest_and_masked_in_the_audit_log(app):
    t = org_tree()
    number = new_id()
    with acting_as(user_in(t.town_a)):
        person = services.register_person("周八", number, phone="13812345678", bank_account="6222021234567890")
    db.session.flush()
    raw = db.session.execute(text("SELECT id_number, phone, bank_account, id_hash FROM persons WHERE id = :i"),
                             {"i": person.id}).one()
    assert all(value.startswith("gAAAAA") for value in raw[:3])  # Fernet tokens
    assert number not in raw.id_hash and len(raw.id_hash) == 64
    audit = db.session.execute(text("SELECT before, after, summary FROM audit_events")).all()
    dumped = repr(audit)
    assert number not in dumped and "13812345678" not in dumped and "6222021234567890" not in dumped
