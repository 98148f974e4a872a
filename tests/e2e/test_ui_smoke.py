"""Every page without arguments opens for an admin holding every role: 200 or a redirect, Chinese, no English errors."""
import re

import pytest

from caseapp.auth.roles import ROLES
from tests.e2e.browser import Browser, import_seed, seed_aid_types
from tests.factories import UserFactory

#: English a user should never read on a page (error texts, WTForms defaults, Python leaking through)
ENGLISH = re.compile(r"\b(Error|Exception|Traceback|Internal Server|Not Found|Forbidden|Bad Request|"
                     r"This field is required|Not a valid|Invalid|None|undefined|nan|qualitative)\b")
#: downloads that exist only after an action; without it they say so in Chinese
NOTHING_YET = {"/rosters/errors.xlsx": "错误清单不存在或已过期"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _get_routes(app) -> list[str]:
    """Pages answering GET with no URL arguments (the JSON API and static files aside)."""
    return sorted({rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
                   and not rule.rule.startswith("/api/")})


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def everyone(app, staff):
    user = UserFactory(org=staff.county, roles=list(ROLES), display_name="全能管理员")
    browser = Browser(app, user)
    import_seed(browser)
    seed_aid_types(browser)
    return browser


def test_every_page_opens_in_chinese(app, everyone):
    routes = _get_routes(app)
    assert len(routes) > 20
    routes += re.findall(r'href="(/projects/\d+)"', everyone.page("/dashboard?year=2025"))  # the imported projects
    problems = []
    for path in routes:
        resp = everyone.get(path)
        if 300 <= resp.status_code < 400:
            continue
        body = resp.get_data(as_text=True) if resp.mimetype.startswith("text/") else ""  # downloads are binary
        if path in NOTHING_YET and resp.status_code == 404 and NOTHING_YET[path] in body:
            continue
        if resp.status_code != 200:
            problems.append(f"{path}: {resp.status_code}")
        elif resp.mimetype == "text/html":
            title = re.search(r"<title>(.*?)</title>", body, flags=re.S)
            if not title or not CJK.search(title.group(1).split("·")[0]):
                problems.append(f"{path}: title {title.group(1) if title else None!r}")
            english = ENGLISH.findall(_visible_text(body))
            if english:
                problems.append(f"{path}: English text {sorted(set(english))}")
    assert not problems, "\n".join(problems)
