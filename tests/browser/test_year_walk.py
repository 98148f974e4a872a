"""A year of 医疗救助 through the real pages, at desktop and phone sizes, with every error case of the issue on the
way and the user's work kept each time (typed values, the chosen person, ticked rows, the chosen action):

- aid for a person not 在档 (the form stays, with what was typed);
- 驳回 without a reason, 集体研究 without a 纪要编号 (the ticked rows and the typed meeting stay);
- exporting with nothing selected (the list stays);
- paying a batch with an open objection (the row holding it says so, the ticks stay); 发放 asks to confirm.

Each viewport works on its own two people of the demo's 魏城镇 (who are 在档) and on 王海燕 (申请, not 在档).
"""
from datetime import date

import pytest

from tests.browser.conftest import login

AID = "13043425P00430010001H"
PEOPLE = {"desktop": ("王建国", "张桂兰"), "phone": ("陈海燕", "赵春生")}


def _pick(page, name: str) -> None:
    """Choose a person in the picker: type the name, click the first match."""
    box = page.locator("[data-person-picker] input[type=text], [data-person-picker] input:not([type])").first
    box.fill("")
    box.type(name)
    choice = page.locator(".picker-results li").filter(has_text=name).first
    choice.wait_for()
    choice.click()


def _register(page, site, name: str) -> tuple[int | None, object]:
    page.goto(f"{site.url}/payments/new")
    _pick(page, name)
    project = page.locator("select[name=project_id] option").filter(has_text=AID).first.get_attribute("value")
    page.select_option("select[name=project_id]", project)
    page.select_option("select[name=aid_type]", "医疗救助")
    page.fill("input[name=amount]", "2,000")
    page.fill("input[name=on]", "2025-06-02")
    page.fill("textarea[name=reason]", "住院治疗医疗救助")
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_load_state()
    if "/payments/new" in page.url:
        return None, page
    return int(page.url.rstrip("/").rsplit("/", 1)[1]), page


def _tick(page, ids) -> None:
    for item_id in ids:
        page.check(f"input[name=ids][value='{item_id}']")


def _ticked(page) -> set[int]:
    boxes = page.locator("input[name=ids]:checked")
    return {int(boxes.nth(i).get_attribute("value")) for i in range(boxes.count())}


def _act(page, action: str, **fields) -> None:
    page.select_option("select[name=action]", action)
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    page.locator("fieldset.actions-panel button[type=submit].primary").click()
    page.wait_for_load_state()


def _errors(page) -> str:
    return " ".join(page.locator(".error, .flash-error").all_inner_texts())


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_year_of_aid_with_every_error_kept_on_the_page(demo_site, new_page, viewport):
    first, second = PEOPLE[viewport]
    demo_site.day(date(2025, 6, 2))
    worker = new_page(viewport)
    login(worker, demo_site, "demo_caseworker")

    refused, page = _register(worker, demo_site, "王海燕")  # 申请, not 在档
    assert refused is None and "在档" in _errors(page), _errors(page)
    assert page.input_value("input[name=amount]") == "2,000"
    assert page.input_value("textarea[name=reason]") == "住院治疗医疗救助"
    assert page.input_value("select[name=aid_type]") == "医疗救助"
    assert "王海燕" in page.input_value("[data-person-picker] input:not([type=hidden])")
    ids = [_register(worker, demo_site, name)[0] for name in (first, second)]
    assert all(ids), "both 在档 people are registered"

    reviewer = new_page(viewport)
    login(reviewer, demo_site, "demo_reviewer")
    reviewer.goto(f"{demo_site.url}/payments/?status=登记")
    _tick(reviewer, ids)
    _act(reviewer, "reject")  # no reason
    assert "驳回必须填写原因" in _errors(reviewer)
    assert _ticked(reviewer) == set(ids) and reviewer.input_value("select[name=action]") == "reject"
    _act(reviewer, "review")
    assert "审核通过 2 笔" in reviewer.locator(".flash").all_inner_texts()[0]

    leader = new_page(viewport)
    login(leader, demo_site, "demo_leader")
    demo_site.day(date(2025, 6, 3))
    leader.goto(f"{demo_site.url}/payments/?status=已审核")
    _tick(leader, ids)
    _act(leader, "approve", meeting_date="2025-06-03", attendees="主席、副主席")  # no 纪要编号
    assert "纪要编号" in _errors(leader)
    assert _ticked(leader) == set(ids) and leader.input_value("[name=meeting_date]") == "2025-06-03"
    assert leader.input_value("[name=attendees]") == "主席、副主席"
    _act(leader, "approve", minutes_no="县工会党组〔2025〕6号")
    assert "集体研究通过 2 笔" in leader.locator(".flash").all_inner_texts()[0]

    demo_site.day(date(2025, 6, 4))
    reviewer.goto(f"{demo_site.url}/payments/?status=已批准")
    _tick(reviewer, ids)
    _act(reviewer, "publicize", start_date="2025-06-04")
    assert "2 笔" in reviewer.locator(".flash").all_inner_texts()[0]
    reviewer.goto(f"{demo_site.url}/payments/{ids[0]}")
    reviewer.fill("[name=content]", "群众反映该职工已再就业")
    reviewer.fill("[name=raised_on]", "2025-06-05")
    reviewer.get_by_role("button", name="登记异议").click()
    reviewer.wait_for_load_state()

    finance = new_page(viewport)
    login(finance, demo_site, "demo_finance")
    demo_site.day(date(2025, 6, 20))
    finance.goto(f"{demo_site.url}/payments/?status=公示中")
    finance.get_by_role("button", name="公示名单 Word").click()  # nothing ticked
    finance.wait_for_load_state()
    assert "请先选择要导出的记录" in _errors(finance) and "/payments/" in finance.url
    _tick(finance, ids)
    _act(finance, "pay", date="2025-06-20", batch=f"NX20250620-{viewport}")
    row = finance.locator(f"#item-{ids[0]}")
    assert "异议" in row.locator(".error").inner_text() and "row-error" in row.get_attribute("class")
    assert _ticked(finance) == set(ids) and finance.input_value("[name=batch]") == f"NX20250620-{viewport}"
    finance.uncheck(f"input[name=ids][value='{ids[0]}']")
    _act(finance, "pay")
    assert finance.locator("h1").inner_text() == "确认发放" and "¥2,000.00" in finance.locator(".confirm").inner_text()
    finance.get_by_role("button", name="确认发放").click()
    finance.wait_for_load_state()
    assert "发放 1 笔" in finance.locator(".flash").all_inner_texts()[0]
