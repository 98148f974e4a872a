"""Two web machines, one PostgreSQL database: a user's flow continues on whichever machine answers.

Each app has its own instance folder (as two machines would); they share only the database and the settings
every machine of a deployment shares (secret key, data and look-up keys). The session cookie set by one is
sent to the other, as a load balancer without sticky sessions would do.
"""
import io
from pathlib import Path

import openpyxl
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from caseapp.budgets.models import Project
from caseapp.core.db import db
from caseapp.core.stash import StashedFile
from caseapp.rosters import base
from tests.auth.test_login import login
from tests.budgets.test_importer import seed_bytes
from tests.conftest import make_app
from tests.factories import OrgFactory, UserFactory
from tests.rosters import fakekind

SHARED = {"SECRET_KEY": "k" * 64, "DATA_KEYS": [Fernet.generate_key().decode()], "LOOKUP_KEY": "l" * 64}


@pytest.fixture
def machines(fresh_pg_database, tmp_path):
    """Machines A and B on one fresh database, with an admin and a caseworker of the county union."""
    uri = fresh_pg_database()
    apps = [make_app(uri, str(tmp_path / name), **SHARED) for name in ("a", "b")]
    with apps[0].app_context():
        db.create_all()
        county = OrgFactory(code="130434", name="魏县总工会")
        users = UserFactory(org=county, roles=["admin"]), UserFactory(org=county, roles=["caseworker"])
        names = [u.username for u in users]
        db.session.commit()
    base.register(fakekind.make_kind())
    yield apps, names
    base.unregister(fakekind.KEY)
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def _on(app, cookie: str):
    """A browser whose next request lands on ``app`` with the session cookie it already holds."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def test_import_previewed_on_one_machine_is_confirmed_on_the_other(machines):
    (a, b), (admin, _) = machines
    first = a.test_client()
    assert login(first, admin).status_code == 302
    resp = first.post("/budgets/import", data={"document": (io.BytesIO(seed_bytes()), "weixian.docx"),
                                               "year": "", "org_code": "130434"}, content_type="multipart/form-data")
    assert resp.status_code == 302
    second = _on(b, first.get_cookie("session").value)
    assert "工会经费" in second.get("/budgets/import/preview").get_data(as_text=True)
    resp = second.post("/budgets/import/confirm", data={})
    assert resp.status_code == 302 and "year=2025" in resp.headers["Location"]
    with b.app_context():
        assert db.session.scalar(select(func.count(Project.id))) == 3
        assert db.session.scalar(select(func.count(StashedFile.id))) == 0  # confirmed: nothing kept
    for app in (a, b):
        assert not (tmp_path_of(app) / "imports").exists()


def test_error_workbook_made_on_one_machine_downloads_from_the_other(machines):
    (a, b), (_, caseworker) = machines
    first = a.test_client()
    assert login(first, caseworker).status_code == 302
    good = fakekind.ids(1)[0]
    page = first.post("/rosters/fake/import", content_type="multipart/form-data", data={
        "file": (io.BytesIO(fakekind.xlsx([["张三", good, "130434"], ["李四", "123", "130434"]])), "花名册.xlsx")})
    assert "整个文件均未导入" in page.get_data(as_text=True)
    resp = _on(b, first.get_cookie("session").value).get("/rosters/errors.xlsx")
    assert resp.status_code == 200
    cells = [c.value for row in openpyxl.load_workbook(io.BytesIO(resp.data)).active.iter_rows() for c in row]
    assert "身份证号：身份证号应为18位，现在是3位" in cells
    with a.app_context():
        stored = db.session.scalars(select(StashedFile.content)).one()
    assert good.encode() not in stored and b"PK" not in stored[:4]  # encrypted at rest, not a bare .xlsx
    assert not (tmp_path_of(a) / "roster_errors").exists()


def tmp_path_of(app) -> Path:
    return Path(app.instance_path)
