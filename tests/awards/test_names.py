"""A nomination never renames a person: another name for a registered 身份证号 is refused, unless corrected."""
from datetime import date

import pytest
from sqlalchemy import select

from caseapp.awards import recipients, services
from caseapp.awards.models import AwardRecipient
from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Conflict
from caseapp.core.idnumber import make_id_number
from tests.awards.conftest import make_person
from tests.conftest import acting_as, login


@pytest.fixture
def event(award_project, tree):
    with acting_as(tree.admin):
        return services.create_event(project_id=award_project.id, name="2025年评选", held_on=date(2025, 4, 20),
                                     categories=[{"name": "先进劳模", "kind": "individual", "max_count": 5,
                                                  "amount_fen": 100_000}])


def _nominate(tree, event, **extra):
    return recipients.nominate_person(event, services.get_category(event, "先进劳模"), name="李春花",
                                      id_number=make_id_number(seq=31, sex=None), org_code=tree.town_a.code, **extra)


def test_another_name_is_refused_with_both_names_and_the_masked_number(tree, event):
    person = make_person(tree.town_a, seq=31, name="张三")
    with acting_as(tree.worker_a), pytest.raises(Conflict) as refused:
        _nominate(tree, event)
    message = refused.value.message
    assert "张三" in message and "李春花" in message and person.id_masked in message
    assert make_id_number(seq=31, sex=None) not in message
    db.session.expire_all()
    assert person.name == "张三"


def test_the_page_refuses_and_changes_nothing(app, tree, event):
    person = make_person(tree.town_a, seq=31, name="张三")
    client = app.test_client()
    login(client, tree.worker_a)
    with app.app_context():
        page = client.post(f"/awards/{event.id}/nominate/person", follow_redirects=True, data={
            "category": services.get_category(event, "先进劳模").id, "name": "李春花",
            "id_number": make_id_number(seq=31, sex=None), "org_code": tree.town_a.code}).get_data(as_text=True)
    assert "已登记为“张三”" in page and "李春花" in page
    db.session.expire_all()
    assert person.name == "张三"
    assert db.session.scalars(select(AwardRecipient).where(AwardRecipient.event_id == event.id)).all() == []


def test_a_chosen_correction_renames_and_stays_in_the_persons_history(app, tree, event):
    person = make_person(tree.town_a, seq=31, name="张三")
    with acting_as(tree.worker_a):
        r = _nominate(tree, event, correct_name=True)
    assert r.person.id == person.id and person.name == "李春花"
    renames = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.rename")).all()
    assert [(a.object_id, a.before, a.after) for a in renames] == [(str(person.id), {"name": "张三"},
                                                                     {"name": "李春花"})]
    client = app.test_client()
    login(client, tree.worker_a)
    with app.app_context():
        page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert "更正姓名：张三 → 李春花" in page
