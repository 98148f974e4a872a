"""Database errors that slip past the services still answer in Chinese, never with a bare 500."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from caseapp.core.db import db
from caseapp.orgs.models import Organisation
from tests.conftest import login
from tests.factories import OrgFactory, UserFactory


class _Orig(Exception):
    pass


@pytest.mark.parametrize("exc, status, words", [
    (IntegrityError("INSERT …", {}, _Orig("duplicate key")), 409, "数据冲突"),
    (OperationalError("UPDATE …", {}, _Orig("deadlock detected")), 503, "数据库繁忙"),
    (OperationalError("BEGIN IMMEDIATE", {}, _Orig("database is locked")), 503, "数据库繁忙"),
    (OperationalError("SELECT …", {}, _Orig("server closed the connection unexpectedly")), 503, "连接暂时中断"),
    (OperationalError("SELECT …", {}, _Orig("terminating connection due to administrator command")), 503,
     "连接暂时中断"),
    (DataError("INSERT …", {}, _Orig("integer out of range")), 422, "超出允许范围"),
])
def test_database_errors_become_chinese_answers(app, exc, status, words):
    def boom():
        raise exc

    app.view_functions["budgets.check"] = boom  # any logged-in page will do
    try:
        client = app.test_client()
        login(client, UserFactory())
        resp = client.get("/budgets/check")
        assert resp.status_code == status and words in resp.get_data(as_text=True)
        api = client.get("/budgets/check", headers={"Accept": "application/json"})
        assert api.status_code == status and words in api.json["message"]
        assert (resp.headers.get("Retry-After") is not None) == (status == 503)  # when to try again
    finally:
        from caseapp.budgets import import_views

        app.view_functions["budgets.check"] = import_views.check


def _login(app, client):
    login(client, UserFactory(roles=["caseworker"]))


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_conflict_raised_at_commit_answers_409_in_chinese(app, accept):
    """The view leaves a duplicate pending; the commit's flush fails: the same 409 as a service's refusal."""
    from flask import redirect

    taken = OrgFactory()
    client = app.test_client()
    _login(app, client)

    def pending_duplicate():
        db.session.add(Organisation(code=taken.code, name="重复", level="county", path="/0/"))
        return redirect("/")

    original = app.view_functions["payments.act"]
    app.view_functions["payments.act"] = pending_duplicate
    try:
        with app.app_context():
            resp = client.post("/payments/actions", headers={"Accept": accept})
    finally:
        app.view_functions["payments.act"] = original
    assert resp.status_code == 409
    text = resp.get_data(as_text=True)
    assert "数据冲突" in (resp.json["message"] if accept == "application/json" else text)


def test_a_deadlock_while_committing_is_a_503_with_a_retry_hint(app, monkeypatch):
    client = app.test_client()
    login(client, UserFactory())

    real_commit, calls = db.session.commit, []

    def deadlocked():
        calls.append(1)
        if len(calls) == 1:  # the test app commits its setup as the request begins
            return real_commit()
        raise OperationalError("COMMIT", {}, _Orig("deadlock detected"))

    monkeypatch.setattr(db.session, "commit", deadlocked)  # the request's one commit, after the view returned
    resp = client.post("/logout")
    assert resp.status_code == 503 and "数据库繁忙" in resp.get_data(as_text=True)
    assert resp.headers["Retry-After"]


def test_a_connection_killed_mid_request_is_a_503(request, tmp_path, pg_server_url):
    from tests.jobs.committed import committed_app

    request.param = "postgresql"
    live = committed_app(request, tmp_path)

    def killed():
        db.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return "unreachable"

    live.view_functions["auth.login"] = killed
    try:
        resp = live.test_client().get("/login")
        assert resp.status_code == 503 and "连接暂时中断" in resp.get_data(as_text=True)
        assert resp.headers["Retry-After"]
        assert live.test_client().get("/no-such-page").status_code == 404  # the pool recovers
    finally:
        with live.app_context():
            db.engine.dispose()
