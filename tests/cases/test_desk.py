"""The case-file desk: status changes keep the form on a refusal, 解困脱困/退档 ask once more, applications are
审核 in a batch with each refused file named on its row, and a caseworker is not offered 在档."""
import re

from sqlalchemy import func, select

from caseapp.cases.models import HardshipFile
from caseapp.core.db import db
from tests.cases.helpers import open_file_for
from tests.conftest import login
from tests.persons.people import org_tree, user_in


def _post(app, client, path, data):
    with app.app_context():
        resp = client.post(path, data=data)
        return resp.status_code, resp.get_data(as_text=True)


def test_a_caseworker_is_offered_only_what_they_may_choose(app, client):
    t = org_tree()
    f = open_file_for(user_in(t.town_a))
    login(client, user_in(t.town_a))
    page = client.get(f"/cases/{f.id}").get_data(as_text=True)
    options = re.findall(r'<option value="([^"]*)"', page.split('name="to_status"')[1].split("</select>")[0])
    assert options == ["退档"]


def test_withdrawing_is_confirmed_after_a_dry_run(app, client):
    t = org_tree()
    f = open_file_for(user_in(t.town_a))
    login(client, user_in(t.town_a))
    status, page = _post(app, client, f"/cases/{f.id}/status", {"to_status": "退档", "reason": "其他",
                                                                 "on": "2025-03-10", "note": ""})
    assert status == 422 and "原因为“其他”时须填写说明" in page and '<option selected value="其他">' in page
    assert 'value="2025-03-10"' in page  # the date typed is still there
    status, page = _post(app, client, f"/cases/{f.id}/status", {"to_status": "退档", "reason": "死亡",
                                                                 "on": "2025-03-10"})
    assert status == 200 and "确认改为“退档”" in page and "不能恢复为“在档”" in page
    db.session.expire_all()
    assert db.session.get(HardshipFile, f.id).status == "申请"
    status, _ = _post(app, client, f"/cases/{f.id}/status", {"to_status": "退档", "reason": "死亡",
                                                              "on": "2025-03-10", "confirmed": "1"})
    db.session.expire_all()
    assert status == 302 and db.session.get(HardshipFile, f.id).status == "退档"


def test_applications_are_filed_in_a_batch_and_a_refusal_names_the_file(app, client):
    t = org_tree()
    reviewer = user_in(t.county, "reviewer", "caseworker")
    mine = open_file_for(reviewer, name="自己登记")
    others = [open_file_for(user_in(t.town_a), name=f"申请人{n}") for n in range(2)]
    login(client, reviewer)
    listing = client.get("/cases/?status=申请").get_data(as_text=True)
    assert re.search(r'申请 <span class="count">3</span>', listing) and 'name="ids"' in listing
    ids = [mine.id] + [f.id for f in others]
    status, page = _post(app, client, "/cases/file-many", {"ids": ids, "on": "2025-03-05"})
    assert status == 422 and "整批未办理" in page
    row = re.search(r'<tr class="row-error">(.*?)</tr>', page, re.S).group(1)
    assert "自己登记" in row and "登记人不能审核自己登记的档案" in row
    assert sorted(int(x) for x in re.findall(r'name="ids" value="(\d+)"[^>]*checked', page)) == sorted(ids)
    assert db.session.scalar(select(func.count()).where(HardshipFile.status == "在档")) == 0
    status, _ = _post(app, client, "/cases/file-many", {"ids": ids[1:], "on": "2025-03-05"})
    assert status == 303
    assert db.session.scalar(select(func.count()).where(HardshipFile.status == "在档")) == 2
