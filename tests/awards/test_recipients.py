"""Recipients: person vs collective, one per person per event (DB), caps on confirm, maker-checker, history."""
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from caseapp.awards import recipients, services
from caseapp.awards.models import AwardRecipient, AwardRecipientStatus
from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from caseapp.core.idnumber import make_id_number
from tests.awards.conftest import make_person
from tests.conftest import acting_as


@pytest.fixture
def event(award_project, tree):
    with acting_as(tree.admin):
        event = services.create_event(project_id=award_project.id, name="2025年评选", held_on=date(2025, 4, 20),
                                      categories=[{"name": "先进劳模", "kind": "individual", "max_count": 2,
                                                   "amount_fen": 100_000},
                                                  {"name": "先进集体", "kind": "collective", "max_count": 1}])
    return event


def _nominate(tree, event, seq, org=None, name="赵先进"):
    org = org or tree.town_a
    return recipients.nominate_person(event, services.get_category(event, "先进劳模"), name=name,
                                      id_number=make_id_number(seq=seq, sex=None), org_code=org.code)


def test_nominate_confirm_withdraw_with_history_and_masked_audit(tree, event):
    with acting_as(tree.worker_a):
        r = _nominate(tree, event, 21)
    with acting_as(tree.reviewer):
        recipients.confirm_recipient(r)
        recipients.withdraw_recipient(r, "公示期间收到实名举报")
    steps = db.session.scalars(select(AwardRecipientStatus).where(AwardRecipientStatus.recipient_id == r.id)
                               .order_by(AwardRecipientStatus.id)).all()
    assert [(s.from_status, s.to_status) for s in steps] == [(None, "提名"), ("提名", "确定"), ("确定", "撤销")]
    assert steps[-1].note == "公示期间收到实名举报"
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("award_recipient.%"))).all()
    assert len(audit) == 3
    assert all(make_id_number(seq=21, sex=None) not in str(a.after) for a in audit)


def test_confirm_refuses_beyond_the_cap_and_withdrawal_frees_a_place(tree, event):
    with acting_as(tree.worker_a):
        rs = [_nominate(tree, event, seq) for seq in (31, 33, 35)]
    with acting_as(tree.reviewer):
        recipients.confirm_recipient(rs[0])
        recipients.confirm_recipient(rs[1])
        with pytest.raises(Conflict) as err:
            recipients.confirm_recipient(rs[2])
        assert err.value.message == "名额已满：先进劳模 2/2"
        recipients.withdraw_recipient(rs[0])
        recipients.confirm_recipient(rs[2])
    assert [r.status for r in rs] == ["撤销", "确定", "确定"]


def test_cap_cannot_be_lowered_below_confirmed(tree, event):
    with acting_as(tree.worker_a):
        r = _nominate(tree, event, 41)
    with acting_as(tree.reviewer):
        recipients.confirm_recipient(r)
    with acting_as(tree.admin), pytest.raises(ValidationFailed) as err:
        services.update_category(r.category, max_count=0)
    assert "已确定的 1 个" in err.value.message


def test_one_recipient_per_person_per_event(tree, event):
    with acting_as(tree.worker_a):
        r = _nominate(tree, event, 51)
        with pytest.raises(Conflict) as err:
            _nominate(tree, event, 51)
        assert "已在本次评选中被提名" in err.value.message
    with acting_as(tree.reviewer):
        recipients.withdraw_recipient(r)
    with acting_as(tree.worker_a):
        again = _nominate(tree, event, 51)
    assert again.id == r.id and again.status == "提名"
    db.session.add(AwardRecipient(event_id=event.id, category_id=r.category_id, kind="individual",
                                  org_id=tree.town_a.id, person_id=r.person_id))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_person_and_collective_follow_the_category_kind(tree, event):
    with acting_as(tree.worker_a):
        with pytest.raises(ValidationFailed) as err:
            recipients.nominate_person(event, services.get_category(event, "先进集体"), name="甲",
                                       id_number=make_id_number(seq=61, sex=None), org_code=tree.town_a.code)
        assert err.value.field == "category" and "只能提名集体" in err.value.message
        with pytest.raises(ValidationFailed):
            recipients.nominate_collective(event, services.get_category(event, "先进劳模"), name="某车间",
                                           org_code=tree.town_a.code)
        c = recipients.nominate_collective(event, services.get_category(event, "先进集体"), name=None,
                                           org_code=tree.town_a.code, contact_name="钱主席",
                                           contact_phone="13912345678")
    assert (c.collective_name, c.collective_org_id, c.contact_phone_masked) == ("东代固乡工会", tree.town_a.id,
                                                                              "139****5678")


@pytest.mark.parametrize("bad", [
    dict(kind="collective", person=True),  # a collective category given a person
    dict(kind="individual", person=False),  # an individual category given only a collective name
])
def test_database_refuses_person_collective_mismatch(tree, event, bad):
    person = make_person(tree.town_a, seq=71)
    category = services.get_category(event, "先进集体" if bad["kind"] == "collective" else "先进劳模")
    row = AwardRecipient(event_id=event.id, category_id=category.id, kind=bad["kind"], org_id=tree.town_a.id,
                         person_id=person.id if bad["person"] else None,
                         collective_name=None if bad["person"] else "某车间")
    db.session.add(row)
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_recipient_kind_must_match_its_category_in_the_database(tree, event):
    person = make_person(tree.town_a, seq=73)
    collective = services.get_category(event, "先进集体")
    db.session.add(AwardRecipient(event_id=event.id, category_id=collective.id, kind="individual",
                                  org_id=tree.town_a.id, person_id=person.id))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_maker_checker_and_roles(tree, event):
    with acting_as(tree.admin):
        r = _nominate(tree, event, 81)
        with pytest.raises(Forbidden):
            recipients.confirm_recipient(r)
    with acting_as(tree.worker_a), pytest.raises(Forbidden):
        recipients.confirm_recipient(r)
    with acting_as(tree.auditor), pytest.raises(Forbidden):
        recipients.withdraw_recipient(r)


def test_other_township_cannot_see_or_touch_recipients(tree, event):
    with acting_as(tree.worker_a):
        r = _nominate(tree, event, 91)
    with acting_as(tree.worker_b):
        assert services.get_event(event.id) is event  # a county event is open to every township
        assert recipients.list_recipients(event) == []
        with pytest.raises(NotFound):
            recipients.get_recipient(event, r.id)
        with pytest.raises(NotFound):
            _nominate(tree, event, 93, org=tree.town_a)
    with acting_as(tree.admin):
        assert [x.id for x in recipients.list_recipients(event)] == [r.id]
        with pytest.raises(NotFound):
            recipients.get_recipient(event, r.id + 1000)
