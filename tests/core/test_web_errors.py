"""Database errors that slip past the services still answer in Chinese, never with a bare 500."""
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError


class _Orig(Exception):
    pass


@pytest.mark.parametrize("exc, status, words", [
    (IntegrityError("INSERT …", {}, _Orig("duplicate key")), 409, "数据冲突"),
    (OperationalError("UPDATE …", {}, _Orig("deadlock detected")), 503, "数据库繁忙"),
    (OperationalError("BEGIN IMMEDIATE", {}, _Orig("database is locked")), 503, "数据库繁忙"),
])
def test_database_errors_become_chinese_answers(app, exc, status, words):
    def boom():
        raise exc

    app.view_functions["budgets.check"] = boom  # any logged-in page will do
    try:
        from tests.factories import PASSWORD, UserFactory

        client = app.test_client()
        user = UserFactory()
        client.post("/login", data={"username": user.username, "password": PASSWORD})
        resp = client.get("/budgets/check")
        assert resp.status_code == status and words in resp.get_data(as_text=True)
        api = client.get("/budgets/check", headers={"Accept": "application/json"})
        assert api.status_code == status and words in api.json["message"]
    finally:
        from caseapp.budgets import import_views

        app.view_functions["budgets.check"] = import_views.check
