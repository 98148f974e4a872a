"""统计图表: the numbers of each chart are the numbers of the table beside it, from the ledger and the plan."""
import html
import json
import re
from datetime import date

from caseapp.charts.services import planned_curve, progress_percent
from caseapp.payments import services
from tests.conftest import acting_as, login, on_day
from tests.payments.conftest import make_person, world  # noqa: F401  (fixture)


def test_the_plan_curve_passes_through_the_plan_points():
    curve = planned_curve(1_000_000, {3: 30, 6: 60, 10: 80, 12: 100})
    assert (curve[0], curve[2], curve[5], curve[7], curve[11]) == (100_000, 300_000, 600_000, 700_000, 1_000_000)
    assert planned_curve(500, {}) == [0] * 12


def test_progress_against_the_target_follows_its_direction():
    assert progress_percent(">=", 39, 39) == 100.0 and progress_percent(">=", 40, 30) == 75.0
    assert progress_percent("<=", 100, 80) == 100.0 and progress_percent("<=", 100, 150) == 50.0
    assert progress_percent("qualitative", 1, 1) is None and progress_percent(">=", 0, 5) is None


def test_the_charts_page_shows_each_charts_numbers_in_its_table(app, world):
    people = [make_person(world.org.id, 90 + i) for i in range(2)]
    with acting_as(world.caseworker):
        ids = [services.register_payment(world.project, "慰问", 123_400, person_id=p.id, on=date(2025, 6, 2)).id
               for p in people]
    with acting_as(world.reviewer):
        services.review(ids)
    with acting_as(world.leader):
        services.approve(ids, meeting_date=date(2025, 6, 3), minutes_no="7号", attendees="甲、乙")
        with on_day(date(2025, 6, 4)):
            services.publicize(ids, date(2025, 6, 4))
    with acting_as(world.finance), on_day(date(2025, 6, 20)):
        services.pay(ids, on=date(2025, 6, 20), bank_batch="B6")
    client = app.test_client()
    login(client, world.finance)
    with app.app_context():
        page = client.get("/charts/?year=2025").get_data(as_text=True)
    charts = [json.loads(html.unescape(c)) for c in re.findall(r"data-chart='([^']*)'", page)]
    kinds = [c["kind"] for c in charts]
    assert kinds[:2] == ["execution", "execution"] and {"stacked", "pie", "progress", "timeline"} <= set(kinds)
    stacked = next(c for c in charts if c["kind"] == "stacked")
    assert stacked["series"] == [{"name": "慰问", "data": [0, 0, 0, 0, 0, 2468.0, 0, 0, 0, 0, 0, 0]}]
    june = re.search(r"<tr><td>6月</td>(.*?)</tr>", page.split("各月发放金额")[1], re.S).group(1)
    assert june.count("¥2,468.00") == 2  # 慰问 and the month's total
    execution = charts[0]
    assert execution["paid"][5] == 2468.0 and execution["budget"] == world.project.budget_fen / 100
    assert "<script>" not in page and "style=" not in page  # the CSP forbids both


def test_many_projects_get_one_table_instead_of_a_chart_each(app, world, monkeypatch):
    """A province's 500 projects: the year's chart, then one table of the projects (each links to its page, where
    its own chart is), not 500 charts."""
    from caseapp.charts import services as charts

    monkeypatch.setattr(charts, "PROJECT_CHARTS_MAX", 0)
    monkeypatch.setattr(charts, "PROGRESS_BARS_MAX", -1)
    client = app.test_client()
    login(client, world.finance)
    with app.app_context():
        page = client.get("/charts/?year=2025").get_data(as_text=True)
    kinds = [json.loads(html.unescape(c))["kind"] for c in re.findall(r"data-chart='([^']*)'", page)]
    assert kinds.count("execution") == 1 and "progress" not in kinds
    assert "各项目执行情况（1 个项目）" in page and f"/projects/{world.project.id}" in page
    assert "指标较多，只列表格" in page
