"""劳模 records through the services: validation, duplicates, scope, audit, person reuse."""
import pytest
from sqlalchemy import select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from caseapp.core.idnumber import make_id_number
from caseapp.modelworkers import services
from caseapp.modelworkers.models import ModelWorker
from caseapp.persons.models import Person
from tests.conftest import acting_as

ID1 = make_id_number(seq=11)


def _create(org, id_number=ID1, **over):
    data = dict(name="李劳模", id_number=id_number, org_code=org.code, level="县级", title="县级劳动模范",
                year_awarded=2024, awarded_by="魏县人民政府")
    return services.create_model_worker(**{**data, **over})


def test_create_registers_person_and_audits_masked(tree):
    with acting_as(tree.worker_a):
        mw = _create(tree.town_a, phone="13812345678")
    assert (mw.level, mw.status, mw.person.name, mw.org_id) == ("县级", "在职", "李劳模", tree.town_a.id)
    assert mw.person.phone_masked == "138****5678"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "modelworker.create")).one()
    assert event.after["id_number"] == mw.person.id_masked
    assert ID1 not in str(event.after)


def test_second_title_reuses_person_but_same_title_is_refused(tree):
    with acting_as(tree.worker_a):
        first = _create(tree.town_a)
        second = _create(tree.town_a, level="市级", title="市级劳动模范", year_awarded=2020)
        assert second.person_id == first.person_id
        with pytest.raises(Conflict) as err:
            _create(tree.town_a)
    assert "已有2024年县级“县级劳动模范”" in err.value.message
    assert db.session.scalar(select(db.func.count(Person.id))) == 1


@pytest.mark.parametrize("over, field", [
    ({"level": "乡级"}, "level"), ({"title": " "}, "title"), ({"year_awarded": 1900}, "year_awarded"),
    ({"status": "调离"}, "status"),
    ({"allowance_monthly_fen": 10000}, "is_allowance_paid"), ({"id_number": "130434198506150012"}, "id_number"),
])
def test_validation_names_the_field_in_chinese(tree, over, field):
    with acting_as(tree.worker_a), pytest.raises(ValidationFailed) as err:
        _create(tree.town_a, **over)
    assert err.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message)


def test_scope_create_elsewhere_and_read_elsewhere(tree):
    with acting_as(tree.worker_a):
        with pytest.raises(NotFound):
            _create(tree.town_b)
        mw = _create(tree.town_a)
    with acting_as(tree.worker_b):
        with pytest.raises(NotFound):
            services.get_model_worker(mw.id)
        assert services.list_model_workers() == ([], 0)
    with acting_as(tree.admin):
        assert services.get_model_worker(mw.id) is mw


def test_person_registered_elsewhere_is_a_conflict_with_masked_message(tree):
    with acting_as(tree.worker_b):
        _create(tree.town_b)
    with acting_as(tree.worker_a), pytest.raises(Conflict) as err:
        _create(tree.town_a, title="另一称号")
    assert "沙口集乡工会" in err.value.message and ID1 not in err.value.message


def test_auditor_cannot_write(tree):
    with acting_as(tree.auditor), pytest.raises(Forbidden):
        _create(tree.county)


def test_update_audits_only_changes(tree):
    with acting_as(tree.worker_a):
        mw = _create(tree.town_a)
        services.update_model_worker(mw, status="退休", is_hardship=True, hardship_reason="因病致困")
    assert (mw.status, mw.is_hardship) == ("退休", True)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "modelworker.update")).one()
    assert event.before == {"status": "在职", "is_hardship": False, "hardship_reason": ""}


def test_list_filters_and_name_search(tree):
    with acting_as(tree.admin):
        _create(tree.town_a)
        _create(tree.town_b, id_number=make_id_number(seq=13), name="王模范", level="市级", is_hardship=True,
                hardship_reason="因残")
        assert services.list_model_workers(level="市级")[1] == 1
        assert services.list_model_workers(hardship=True)[0][0].person.name == "王模范"
        assert services.list_model_workers(q="李")[1] == 1
        assert services.list_model_workers(org_id=tree.town_a.id)[1] == 1
        assert services.list_model_workers(status="退休")[1] == 0
        assert db.session.scalar(select(db.func.count(ModelWorker.id))) == 2
