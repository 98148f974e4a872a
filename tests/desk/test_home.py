"""Each role's 工作台: its queue, every count equal to the total of the list it links to; the grouped menu
trimmed by role; the product's Chinese name; reminders that cannot reach users without e-mail."""
import html
import re
from datetime import date

from caseapp.cases import services as cases
from caseapp.core.db import db
from caseapp.payments import services
from tests.cases.helpers import open_file_for
from tests.conftest import acting_as, login, on_day
from tests.factories import UserFactory
from tests.payments.conftest import make_person, world  # noqa: F401  (fixture)


def _page(app, client, path):
    with app.app_context():
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return resp.get_data(as_text=True)


def _queue(page: str) -> list[tuple[str, int, str]]:
    return [(label, int(count), html.unescape(href)) for href, count, label in re.findall(
        r'<a class="queue-item[^"]*" href="([^"]+)">\s*<span class="queue-count">(\d+)</span>'
        r'<span class="queue-label">([^<]+)</span>', page)]


def _list_total(page: str) -> int:
    found = re.search(r"共 (\d+) 条", page)
    return int(found.group(1)) if found else len(re.findall(r'<tr[^>]*>\s*<td><input type="checkbox" name="ids"', page))


def _work(world):
    people = [make_person(world.org.id, 80 + i, name=f"台{i}") for i in range(5)]
    with acting_as(world.caseworker):
        ids = [services.register_payment(world.project, "慰问", 10_000, person_id=p.id, on=date(2025, 6, 2)).id
               for p in people]
    with acting_as(world.reviewer):
        services.review(ids[:3])
    with acting_as(world.leader):
        services.approve(ids[:1], meeting_date=date(2025, 6, 3), minutes_no="1号", attendees="甲")
    with acting_as(world.caseworker):
        late = open_file_for(world.caseworker, name="逾期复核", on=date(2024, 1, 5))
    with acting_as(world.reviewer), on_day(date(2024, 1, 6)):
        cases.change_status(late, "在档", on=date(2024, 1, 6))
    open_file_for(world.caseworker, name="待审申请")
    db.session.flush()
    return ids


def test_every_count_on_each_desk_is_the_total_of_its_list(app, world):
    _work(world)
    seen = {}
    for role in ("caseworker", "reviewer", "leader", "finance", "admin"):
        client = app.test_client()
        login(client, getattr(world, role))
        queue = _queue(_page(app, client, "/home"))
        assert queue, role
        for label, count, href in queue:
            if "/payments/" in href or "/cases/" in href:
                assert _list_total(_page(app, client, href)) == count, (role, label, href)
        seen[role] = {label: count for label, count, _ in queue}
    assert seen["reviewer"]["款项待内部审核"] == 2 and seen["leader"]["款项待集体研究"] == 2
    assert seen["leader"]["款项待公示"] == 1 and seen["reviewer"]["档案申请待审核"] == 1
    assert seen["caseworker"]["年度复核已逾期"] == 1 and "款项待集体研究" not in seen["caseworker"]


def test_the_menu_is_grouped_and_trimmed_by_role(app, world):
    client = app.test_client()
    login(client, world.finance)
    page = _page(app, client, "/home")
    groups = re.findall(r"<summary>([^<]+)</summary>", page)
    assert groups[:2] == ["业务办理", "预算与绩效"] and "系统管理" not in groups
    assert "节假日调整" not in page and "款项发放" in page
    assert "工会帮扶救助与表彰管理系统" in page and "caseapp ·" not in page
    client = app.test_client()
    login(client, world.admin)
    admin = _page(app, client, "/home")
    assert "系统管理" in re.findall(r"<summary>([^<]+)</summary>", admin) and "节假日调整" in admin


def test_the_admin_sees_who_gets_no_reminders(app, world):
    UserFactory(org=world.org, roles=["caseworker"], display_name="没邮箱的经办人", email=None)
    client = app.test_client()
    login(client, world.admin)
    page = _page(app, client, "/home")
    assert "没邮箱的经办人" in page and "提醒邮件无法送达" in page


def test_deadlines_of_the_next_30_days(app, world, monkeypatch):
    from caseapp.desk import views
    from caseapp.budgets.models import Rule

    db.session.add(Rule(year=2025, org_id=world.org.id, project_id=world.project.id, kind="deadline",
                        source_text="6月30日前完成救助", subject="生活救助发放", status="confirmed",
                        deadline_kind="fixed", deadline_month=6, deadline_day=30))
    db.session.flush()
    client = app.test_client()
    login(client, world.caseworker)
    monkeypatch.setattr(views, "local_today", lambda: date(2025, 6, 10))
    page = _page(app, client, "/home")
    assert "2025年6月30日" in page and "还有 20 天" in page and "生活救助发放" in page
    monkeypatch.setattr(views, "local_today", lambda: date(2025, 5, 30))
    assert "2025年6月30日" not in _page(app, client, "/home")
