"""The award desk: nominees confirmed in a batch (a refusal names its row), award payments registered at each
category's amount with the event's project preselected, and a wrong amount named on its rows."""
import re
from datetime import date

from sqlalchemy import func, select

from caseapp.awards import recipients, services
from caseapp.awards.models import AwardRecipient
from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from caseapp.payments.models import PaymentItem
from caseapp.payments.settings import seed_aid_types
from tests.conftest import acting_as, login


def _post(app, client, path, data):
    with app.app_context():
        resp = client.post(path, data=data)
        return resp.status_code, resp.get_data(as_text=True)


def _event_with_nominees(tree, award_project, n=3, cap=2):
    with acting_as(tree.admin):
        event = services.create_event(project_id=award_project.id, name="2025年评选", held_on=date(2025, 4, 20))
        category = services.get_category(event, "先进劳模")
        services.update_category(category, max_count=cap)
    with acting_as(tree.worker_a):
        people = [recipients.nominate_person(event, category, name=f"候选{i}", id_number=make_id_number(seq=701 + 2 * i),
                                             org_code=tree.town_a.code) for i in range(n)]
    return event, people


def test_nominees_are_confirmed_in_a_batch_and_the_one_over_the_cap_is_named(app, client, tree, award_project):
    event, people = _event_with_nominees(tree, award_project)
    login(client, tree.reviewer)
    ids = [r.id for r in people]
    status, page = _post(app, client, f"/awards/{event.id}/recipients/confirm", {"ids": ids})
    assert status == 422 and "整批未办理" in page
    row = re.search(r'<tr class="row-error">(.*?)</tr>', page, re.S).group(1)
    assert "候选2" in row and "名额" in row
    assert sorted(int(x) for x in re.findall(r'name="ids" value="(\d+)"[^>]*checked', page)) == sorted(ids)
    assert db.session.scalar(select(func.count()).where(AwardRecipient.status == "确定")) == 0
    status, _ = _post(app, client, f"/awards/{event.id}/recipients/confirm", {"ids": ids[:2]})
    assert status == 302
    assert db.session.scalar(select(func.count()).where(AwardRecipient.status == "确定")) == 2


def test_award_payments_follow_the_event_and_a_wrong_amount_is_named_per_row(app, client, tree, award_project):
    seed_aid_types()
    event, people = _event_with_nominees(tree, award_project, n=2)
    with acting_as(tree.reviewer):
        recipients.confirm_many(event, [r.id for r in people])
    login(client, tree.worker_a)
    with app.app_context():
        page = client.get(f"/payments/batch-new?source=award&event_id={event.id}").get_data(as_text=True)
    assert f'<option selected value="{award_project.id}">' in page and '<option value="表彰奖励">' in page
    assert "生活救助" not in page and "候选0 · 先进劳模 ¥1,000.00" in page
    data = {"source": "award", "event_id": event.id, "project_id": award_project.id, "aid_type": "表彰奖励",
            "amount": "800", "ids": [r.id for r in people], "reason": "县级劳模奖励", "idem_key": "a1"}
    status, page = _post(app, client, "/payments/batch-new", data)
    assert status == 422 and page.count('class="row-error"') == 2 and "奖励金额应为 ¥1,000.00" in page
    assert 'value="800"' in page and "县级劳模奖励" in page
    status, _ = _post(app, client, "/payments/batch-new", {**data, "amount": "", "idem_key": "a2"})
    assert status == 303
    assert db.session.scalars(select(PaymentItem.amount_fen)).all() == [100_000, 100_000]


def test_an_event_without_confirmed_nominees_says_why(app, client, tree, award_project):
    seed_aid_types()
    event, _ = _event_with_nominees(tree, award_project, n=1)
    login(client, tree.worker_a)
    with app.app_context():
        page = client.get(f"/payments/batch-new?source=award&event_id={event.id}").get_data(as_text=True)
    assert "有 1 名获奖对象尚未确定" in page
