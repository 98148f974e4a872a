"""Login, throttling, logout ending every session, password change and disabling."""
import re

from caseapp.auth import services
from caseapp.core.db import db
from tests.factories import PASSWORD, UserFactory


def login(client, username, password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def test_login_and_dashboard(client):
    user = UserFactory(roles=["admin"])
    resp = login(client, user.username)
    assert resp.status_code == 302
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "年度预算项目" in page.get_data(as_text=True)


def test_wrong_password_is_chinese_and_locks_after_repeats(client, app):
    user = UserFactory()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        resp = login(client, user.username, "wrong-password!")
        assert "用户名或密码错误" in resp.get_data(as_text=True)
    resp = login(client, user.username)  # right password, but locked now
    assert "暂时锁定" in resp.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_logout_ends_other_sessions(app):
    user = UserFactory()
    first, second = app.test_client(), app.test_client()
    login(first, user.username)
    login(second, user.username)
    assert second.get("/dashboard").status_code == 200
    first.post("/logout")
    assert second.get("/dashboard").status_code == 302  # the copied/other cookie no longer works


def test_password_change_keeps_this_session_only(app):
    user = UserFactory()
    mine, other = app.test_client(), app.test_client()
    login(mine, user.username)
    login(other, user.username)
    resp = mine.post("/account/password", data={"old_password": PASSWORD, "new_password": "new-password-123",
                                                "confirm": "new-password-123"})
    assert resp.status_code == 302
    assert mine.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    assert login(app.test_client(), user.username, "new-password-123").status_code == 302


def test_disabled_user_is_logged_out(app, operator):
    user = UserFactory()
    c = app.test_client()
    login(c, user.username)
    services.set_enabled(user, False)
    db.session.flush()
    assert c.get("/dashboard").status_code == 302


def test_cookie_flags(client):
    user = UserFactory()
    resp = login(client, user.username)
    cookie = resp.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_error_page_is_chinese_with_request_id(client):
    resp = client.get("/no-such-page")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 404
    assert "页面不存在" in body
    assert re.search(r"请求编号：<code>[0-9a-f]{16}</code>", body)


def test_csrf_required_when_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = app.test_client().post("/login", data={"username": "x", "password": "y"})
        assert resp.status_code == 400
        assert "CSRF" in resp.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
