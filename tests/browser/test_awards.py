"""Award recipients in a real browser: a reviewer confirms the nominees in one batch; the caseworker's batch of
award payments starts from the event's project and 表彰奖励, each row at its category's amount; an amount that does
not fit a category is refused with the ticked rows and the typed values kept."""
from datetime import date

from tests.browser.conftest import login


def test_confirm_nominees_then_register_their_awards(demo_site, new_page):
    reviewer = new_page("desktop")
    login(reviewer, demo_site, "demo_reviewer")
    reviewer.goto(f"{demo_site.url}/awards/")
    reviewer.locator("table.table a").first.click()
    reviewer.wait_for_load_state()
    event_id = int(reviewer.url.rstrip("/").rsplit("/", 1)[1])
    nominees = reviewer.locator("input[name=ids][form=confirm-many]").count()
    assert nominees > 0
    reviewer.check("input[data-select-all=ids]")
    reviewer.get_by_role("button", name="确定选中的人选").click()
    reviewer.wait_for_load_state()
    assert reviewer.locator("input[name=ids][form=confirm-many]").count() == 0
    assert reviewer.locator("span.tag", has_text="确定").count() == nominees

    demo_site.day(date(2025, 5, 6))
    worker = new_page("desktop")
    login(worker, demo_site, "demo_caseworker")
    worker.goto(f"{demo_site.url}/payments/batch-new?source=award&event_id={event_id}")
    project = worker.locator("select[name=project_id] option:checked").inner_text()
    assert "13043425P004300100025" in project  # the event's project, not 工会经费
    assert worker.input_value("select[name=aid_type]") == "表彰奖励"
    rows = worker.locator("input[name=ids]")
    assert rows.count() > 0
    ticked = [rows.nth(i).get_attribute("value") for i in range(min(3, rows.count()))]
    for value in ticked:
        worker.check(f"input[name=ids][value='{value}']")
    worker.fill("input[name=amount]", "500")
    worker.fill("input[name=on]", "2025-05-06")
    worker.fill("textarea[name=reason]", "2025年县级劳模一次性奖励")
    worker.get_by_role("button", name="登记选中的对象").click()
    worker.wait_for_load_state()
    errors = " ".join(worker.locator(".error, .flash-error").all_inner_texts())
    assert "整批未登记" in errors and "的奖励金额应为 ¥1,000.00" in errors
    assert worker.locator("tr.row-error .error").count() == len(ticked)  # each row says why
    kept = worker.locator("input[name=ids]:checked")
    assert sorted(kept.nth(i).get_attribute("value") for i in range(kept.count())) == sorted(ticked)
    assert worker.input_value("input[name=amount]") == "500"
    assert worker.input_value("textarea[name=reason]") == "2025年县级劳模一次性奖励"
    worker.fill("input[name=amount]", "")
    worker.get_by_role("button", name="登记选中的对象").click()
    worker.wait_for_load_state()
    assert "/payments/" in worker.url and worker.locator(".flash").count(), worker.url


def test_the_batch_of_file_holders_starts_from_the_aid_project(demo_site, new_page):
    """Defaults follow the source: 在档 file holders start at the project and aid type of the last 依档帮扶."""
    page = new_page("phone")
    login(page, demo_site, "demo_caseworker")
    page.goto(f"{demo_site.url}/payments/batch-new?source=files")
    assert "13043425P00430010001H" in page.locator("select[name=project_id] option:checked").inner_text()
    assert page.input_value("select[name=aid_type]") in ("生活救助", "医疗救助")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the batch page scrolls sideways on a phone ({width}px)"
