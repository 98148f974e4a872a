"""Case files in a real browser: a caseworker is never offered 在档; 退档 without its reason keeps what was typed,
then asks for confirmation before it happens; the 工作台's counts follow."""
import pytest

from tests.browser.conftest import login

#: the demo's 魏城镇 files (file id = person id): one 申请, one 在档 per viewport
APPLIED, FILED = 41, {"desktop": 9, "phone": 11}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_closing_a_file_keeps_the_form_and_asks_first(demo_site, new_page, viewport):
    page = new_page(viewport)
    login(page, demo_site, "demo_caseworker")
    page.goto(f"{demo_site.url}/cases/{APPLIED}")
    offered = page.locator("select[name=to_status] option").all_inner_texts()
    assert "在档" not in offered  # only a reviewer puts a file 在档

    file_id = FILED[viewport]
    page.goto(f"{demo_site.url}/cases/{file_id}")
    assert "在档" in page.locator("h1").inner_text()
    page.select_option("select[name=to_status]", "退档")
    page.fill("input[name=on]", "2025-07-01")
    page.fill("textarea[name=note]", "本人申请退出")
    page.get_by_role("button", name="变更状态").click()
    page.wait_for_load_state()
    assert "原因" in " ".join(page.locator(".error, .flash-error").all_inner_texts())
    assert page.input_value("select[name=to_status]") == "退档" and page.input_value("input[name=on]") == "2025-07-01"
    assert page.input_value("textarea[name=note]") == "本人申请退出"

    offered = page.locator("select[name=reason] option:not([disabled])").all_inner_texts()
    assert "解困" not in offered and "识别不准" in offered  # only 退档's reasons
    page.select_option("select[name=reason]", "识别不准")
    page.get_by_role("button", name="变更状态").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "确认将档案改为“退档”", page.locator(".error, .flash").all_inner_texts()
    assert "2025年7月1日" in page.locator(".confirm").inner_text()
    page.get_by_role("button", name="确认改为“退档”").click()
    page.wait_for_load_state()
    assert "退档" in page.locator("h1").inner_text() and "档案已改为“退档”" in page.locator(".flash").inner_text()
