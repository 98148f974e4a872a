"""Each role's 工作台 in a real browser, at desktop and phone sizes: every queue count is the total of the list it
links to, the menu is the role's, nothing scrolls sideways on a phone, and the role's pages open without an
error page."""
import re

import pytest

from tests.browser.conftest import login

ROLES = ["demo_admin", "demo_caseworker", "demo_reviewer", "demo_leader", "demo_finance", "demo_auditor"]
#: a page of each menu group the role sees (a broken page shows 出错了)
PAGES = {
    "demo_admin": ["/payments/", "/cases/", "/charts/", "/audit/", "/jobs/", "/admin/users", "/awards/"],
    "demo_caseworker": ["/payments/", "/cases/", "/payments/new", "/charts/", "/deadlines/"],
    "demo_reviewer": ["/payments/?status=登记", "/cases/?status=申请", "/payments/objections"],
    "demo_leader": ["/payments/?status=已审核", "/charts/"],
    "demo_finance": ["/payments/?status=公示中", "/payments/bank-return"],
    "demo_auditor": ["/audit/", "/charts/"],
}


def list_total(page) -> int:
    """The total a list shows: its pager's 共 N 条, else its rows."""
    pending = page.locator("a.pending-count")  # the award events' 提名待确定
    if pending.count():
        return sum(int(pending.nth(i).inner_text()) for i in range(pending.count()))
    pager = page.locator("nav.pager")
    if pager.count():
        return int(re.search(r"共 (\d+) 条", pager.first.inner_text()).group(1))
    return page.locator("table.table tbody tr:not(.empty-row)").filter(has_not_text="没有").count()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("username", ROLES)
def test_home_counts_match_their_lists(demo_site, new_page, username, viewport):
    page = new_page(viewport)
    login(page, demo_site, username)
    assert page.url.endswith("/home") and page.locator("h1").inner_text() == "工作台"
    if viewport == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the home page scrolls sideways on a phone ({width}px)"
    items = page.locator("a.queue-item")
    queue = [(items.nth(i).locator(".queue-label").inner_text(), int(items.nth(i).locator(".queue-count").inner_text()),
              items.nth(i).get_attribute("href")) for i in range(items.count())]
    if username != "demo_auditor":
        assert queue, "a working role's desk has a queue"
    for label, count, href in queue:
        page.goto(demo_site.url + href)
        assert page.locator("h1").count() and "出错了" not in page.title(), (label, href)
        assert list_total(page) == count, f"{label}: the desk says {count}, the list shows {list_total(page)}"
    for path in PAGES[username] if viewport == "desktop" else PAGES[username][:2]:
        response = page.goto(demo_site.url + path)
        assert response.status == 200 and "出错了" not in page.title(), path
