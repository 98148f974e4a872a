"""The strict Content-Security-Policy holds on real pages: a browser opening every page of the menu (and a
project's page with its charts) reports no violation, and the page behaviour moved to static scripts still runs.

The listener is installed before any page script (Playwright's init script is not subject to the page's
policy); a probe page with an inline script and an inline style proves that a violation would be seen.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from caseapp.core.db import db
from caseapp.orgs.models import Organisation
from tests.factories import PASSWORD, UserFactory

ALL_ROLES = ["caseworker", "reviewer", "leader", "finance", "admin", "auditor"]
#: every CSP violation and console error of the page, kept in the page itself
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""
PROBE = ('<!doctype html><html><head><title>probe</title></head><body><p style="color:red">x</p>'
         '<script>document.title = "ran";</script></body></html>')


def _problems(page, console: list[str]) -> list[str]:
    page.wait_for_load_state("load")
    return page.evaluate("window.__violations") + [m for m in console if "Content Security Policy" in m]


def _open(page, url: str, console: list[str]) -> list[str]:
    console.clear()
    resp = page.goto(url)
    assert resp.status == 200, f"{url}: {resp.status}"
    return _problems(page, console)


@pytest.mark.slow
def test_no_page_of_the_menu_violates_the_content_security_policy(live_server, new_page):
    app = live_server.app
    app.add_url_rule("/csp-probe", "csp_probe", lambda: PROBE)  # served with the app's headers, like any page
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0  # the county, its users, the 2025 budget
    with live_server.session():
        county = db.session.scalar(select(Organisation).where(Organisation.code == "711001"))
        username = UserFactory(org=county, roles=ALL_ROLES).username

    page = new_page("desktop")
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)

    probe = _open(page, f"{live_server.url}/csp-probe", console)
    assert any("script-src" in v for v in probe) and any("style-src" in v for v in probe), probe
    assert page.title() == "probe"  # the inline script was blocked

    assert not _open(page, f"{live_server.url}/login", console)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/home"))
    assert page.locator("nav a").count() > 10
    links = page.eval_on_selector_all("nav a[href^='/']", "links => links.map(a => a.getAttribute('href'))")
    assert not _problems(page, console)

    seen, failures = set(), {}
    for href in dict.fromkeys(links + ["/dashboard?year=2025"]):
        if (problems := _open(page, live_server.url + href, console)):
            failures[href] = problems
        seen.add(href)
        if href.startswith("/dashboard"):
            projects = page.eval_on_selector_all("a[href^='/projects/']", "a => a.map(x => x.getAttribute('href'))")
    assert projects, "the demo's projects are listed"
    if (problems := _open(page, live_server.url + projects[0], console)):
        failures[projects[0]] = problems
    assert not failures, failures
    assert len(seen) > 15, seen

    # the behaviour in static/caseapp.js and static/charts.js ran under the policy: the charts are drawn
    page.goto(f"{live_server.url}/charts/")
    charts = page.locator("[data-chart]")
    assert charts.count() > 0
    page.wait_for_selector("[data-chart] svg")
    assert not _problems(page, console)
