"""A user at a browser: one test client per person, each request in its own app context.

Each request gets its own session (bound to the test's connection), so an error page's rollback never
undoes the test's own data; pages commit their work as they would in production.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from tests.factories import PASSWORD, OrgFactory, UserFactory

SEED = Path(__file__).parents[2] / "caseapp" / "budgets" / "demo" / "weixian-2025-budget-performance.docx"
FUNDS, AID, AWARD = "13043425P000001100273", "13043425P00430010001H", "13043425P004300100025"


class Browser:
    """One user's test client."""

    def __init__(self, app, user):
        self.app, self.user = app, user
        self.client = app.test_client()
        assert self.post("/login", {"username": user.username, "password": PASSWORD}).status_code == 302

    def get(self, path: str, **kwargs):
        with self.app.app_context():
            return self.client.get(path, **kwargs)

    def post(self, path: str, data=None, **kwargs):
        with self.app.app_context():
            return self.client.post(path, data=data or {}, **kwargs)

    def page(self, path: str) -> str:
        """GET a page that must answer 200, as text."""
        resp = self.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return resp.get_data(as_text=True)

    def page_post(self, path: str, data=None) -> str:
        """POST a form that answers with a page (200), e.g. a confirmation step; the page as text."""
        resp = self.post(path, data)
        assert resp.status_code == 200, (path, resp.status_code, resp.get_data(as_text=True)[:2000])
        return resp.get_data(as_text=True)

    def follow(self, path: str, data=None, **kwargs) -> str:
        """POST, follow the redirect, and return the page shown (flash messages included)."""
        resp = self.post(path, data, follow_redirects=True, **kwargs)
        assert resp.status_code == 200, (path, resp.status_code, resp.get_data(as_text=True)[:2000])
        return resp.get_data(as_text=True)

    def upload(self, path: str, content: bytes, filename: str, **fields):
        return self.post(path, {**fields, "file": (io.BytesIO(content), filename)},
                         content_type="multipart/form-data")


def ids_in(page: str, pattern: str) -> list[int]:
    """Ids found in a page by a regular expression with one group (in page order, unique)."""
    return list(dict.fromkeys(int(x) for x in re.findall(pattern, page)))


def checkbox_ids(page: str) -> list[int]:
    """The values of the ``ids`` checkboxes on a work list or batch page."""
    return ids_in(page, r'name="ids" value="(\d+)"')


def person_id_number(n: int) -> str:
    """A valid 身份证号, distinct for each ``n`` < 1000."""
    return make_id_number(birth=date(1970 + n // 500, 3, 1), seq=n % 500 * 2 + 1, sex="男")


@dataclass
class Staff:
    """The county union, two townships and one user per role."""

    county: object
    town_a: object
    town_b: object
    admin: object
    caseworker: object
    reviewer: object
    leader: object
    finance: object
    town_worker: object


@pytest.fixture
def staff(app) -> Staff:
    county = OrgFactory(code="711001", name="魏县总工会")
    town_a = OrgFactory(code="711101", name="东代固乡工会", parent=county)
    town_b = OrgFactory(code="711102", name="牙里镇工会", parent=county)
    users = {role: UserFactory(org=county, roles=[role], display_name=label)
             for role, label in (("admin", "管理员甲"), ("caseworker", "经办人乙"), ("reviewer", "审核人丙"),
                                 ("leader", "领导丁"), ("finance", "财务戊"))}
    town_worker = UserFactory(org=town_a, roles=["caseworker"], display_name="乡镇经办人")
    db.session.flush()
    return Staff(county=county, town_a=town_a, town_b=town_b, town_worker=town_worker, **users)


def import_seed(admin: Browser) -> str:
    """Upload → preview → confirm the 2025 document as the admin; returns the dashboard shown afterwards."""
    resp = admin.post("/budgets/import", {"document": (io.BytesIO(SEED.read_bytes()), SEED.name), "year": "",
                                          "org_code": "711001"}, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    preview = admin.page("/budgets/import/preview")
    assert "尚未写入任何数据" in preview and "表彰人数不超过100人" in preview
    return admin.follow("/budgets/import/confirm")


def confirm_rules(admin: Browser) -> int:
    """Confirm every proposed rule on the rules page, keeping the project each was matched to."""
    page = admin.page("/budgets/rules?year=2025")
    forms = re.findall(r'action="/budgets/rules/(\d+)".*?</form>', page, flags=re.S)
    blocks = re.findall(r'(action="/budgets/rules/(\d+)".*?</form>)', page, flags=re.S)
    for block, rule_id in blocks:
        chosen = re.search(r'<option value="([^"]*)" selected>', block)
        admin.follow(f"/budgets/rules/{rule_id}", {"action": "confirm", "project_code": chosen.group(1) if chosen else ""})
    return len(forms)


def seed_aid_types(admin: Browser) -> None:
    """The admin adds the standard aid types on the settings page."""
    page = admin.follow("/payments/settings", {"what": "standard"})
    for name in ("生活救助", "医疗救助", "助学", "慰问", "劳模帮扶", "表彰奖励"):
        assert name in page, name
