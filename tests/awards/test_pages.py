"""评选表彰 pages: create with prefill and the 五一 warning, edit caps, nominate, confirm beyond the cap, scope."""
from datetime import date

from caseapp.awards import services
from caseapp.awards.models import AwardRecipient
from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from tests.conftest import login
from tests.conftest import acting_as
from tests.factories import OrgFactory, UserFactory


def _client(app, user):
    c = app.test_client()
    login(c, user)
    return c


def test_create_event_prefills_and_warns_after_may_day(app, tree, award_project):
    c = _client(app, tree.admin)
    resp = c.post("/awards/", data={"project_id": award_project.id, "name": "2025年县级劳模和先进集体评选",
                                    "held_on": "2025-05-10"}, follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "2025年5月10日不在五一劳动节（2025年5月1日）之前" in body
    assert "先进劳模" in body and "¥1,000.00" in body and "0 / 100" in body and "0 / 20" in body


def test_edit_cap_nominate_confirm_and_refuse_beyond_cap(app, tree, award_project):
    with acting_as(tree.admin):
        event = services.create_event(project_id=award_project.id, name="评选", held_on=date(2025, 4, 1))
    cat = services.get_category(event, "先进劳模")
    admin = _client(app, tree.admin)
    assert admin.post(f"/awards/{event.id}/categories/{cat.id}", data={"max_count": "1", "amount": "1000"}
                      ).status_code == 302
    assert cat.max_count == 1
    worker = _client(app, tree.worker_a)
    for seq, name in ((501, "甲"), (503, "乙")):
        resp = worker.post(f"/awards/{event.id}/nominate/person", data={
            "category": cat.id, "name": name, "id_number": make_id_number(seq=seq), "org_code": tree.town_a.code})
        assert resp.status_code == 302
    first, second = db.session.scalars(db.select(AwardRecipient).order_by(AwardRecipient.id)).all()
    reviewer = _client(app, tree.reviewer)
    assert reviewer.post(f"/awards/{event.id}/recipients/{first.id}/confirm").status_code == 302
    page = reviewer.post(f"/awards/{event.id}/recipients/{second.id}/confirm", follow_redirects=True)
    assert "名额已满：先进劳模 1/1" in page.get_data(as_text=True)
    db.session.refresh(second)
    assert (first.status, second.status) == ("确定", "提名")
    assert make_id_number(seq=501) not in page.get_data(as_text=True)


def test_duplicate_nomination_flashes_and_collective_in_person_category_refused(app, tree, award_project):
    with acting_as(tree.admin):
        event = services.create_event(project_id=award_project.id, name="评选", held_on=date(2025, 4, 1))
    person_cat, collective_cat = (services.get_category(event, n) for n in ("先进劳模", "先进集体"))
    worker = _client(app, tree.worker_a)
    data = {"category": person_cat.id, "name": "甲", "id_number": make_id_number(seq=601), "org_code": tree.town_a.code}
    worker.post(f"/awards/{event.id}/nominate/person", data=data)
    again = worker.post(f"/awards/{event.id}/nominate/person", data=data, follow_redirects=True)
    assert "已在本次评选中被提名" in again.get_data(as_text=True)
    wrong = worker.post(f"/awards/{event.id}/nominate/collective", data={
        "category": person_cat.id, "org_code": tree.town_a.code, "name": "某集体"}, follow_redirects=True)
    assert "只能提名个人" in wrong.get_data(as_text=True)
    ok = worker.post(f"/awards/{event.id}/nominate/collective", data={
        "category": collective_cat.id, "org_code": tree.town_a.code, "name": "", "contact_name": "钱",
        "contact_phone": "13912345678"}, follow_redirects=True)
    assert "已提名 东代固乡工会" in ok.get_data(as_text=True) and "139****5678" in ok.get_data(as_text=True)


def test_other_county_gets_404(app, tree, award_project):
    with acting_as(tree.admin):
        event = services.create_event(project_id=award_project.id, name="评选", held_on=date(2025, 4, 1))
    stranger = UserFactory(org=OrgFactory(name="馆陶县总工会"), roles=["admin"])
    c = _client(app, stranger)
    assert c.get(f"/awards/{event.id}").status_code == 404
    assert c.post(f"/awards/{event.id}/categories", data={"name": "x", "kind": "individual", "max_count": "1"}
                  ).status_code == 404
    assert "还没有评选活动" in c.get("/awards/").get_data(as_text=True)
