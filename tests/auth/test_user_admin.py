"""User administration on pages: edit name, e-mail, roles and organisation with the CLI's checks; a reset
prints a temporary password that must be changed at the next login; a new account's password too."""
import re

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from tests.conftest import login
from tests.factories import OrgFactory, UserFactory


def _post(app, client, path, data=None):
    with app.app_context():
        resp = client.post(path, data=data or {})
        return resp.status_code, resp.get_data(as_text=True), resp.headers.get("Location", "")


def test_admin_edits_a_user_and_the_change_is_audited(app, client):
    county = OrgFactory(name="魏县总工会")
    town = OrgFactory(parent=county, name="东代固乡工会")
    admin = UserFactory(org=county, roles=["admin"])
    worker = UserFactory(org=county, roles=["caseworker"], display_name="张经办", email=None)
    login(client, admin)
    with app.app_context():
        listing = client.get("/admin/users").get_data(as_text=True)
    assert "张经办" in listing and "未填写（收不到提醒）" in listing
    status, page, _ = _post(app, client, f"/admin/users/{worker.id}/edit", {
        "username": worker.username, "display_name": "张经办", "email": "zhang@example.test",
        "org_code": town.code})  # no role ticked
    assert status == 422 and "至少选择一个角色" in page and 'value="zhang@example.test"' in page
    status, _, location = _post(app, client, f"/admin/users/{worker.id}/edit", {
        "username": worker.username, "display_name": "张经办", "email": "zhang@example.test",
        "org_code": town.code, "roles": ["caseworker", "reviewer"]})
    assert status == 302 and location.endswith("/admin/users")
    db.session.expire_all()
    user = db.session.get(User, worker.id)
    assert (user.email, user.org_id, sorted(user.roles)) == ("zhang@example.test", town.id, ["caseworker", "reviewer"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.after["roles"] == ["caseworker", "reviewer"] and "display_name" not in event.after
    status, page, _ = _post(app, client, f"/admin/users/{admin.id}/edit", {
        "username": admin.username, "display_name": "管理员", "org_code": county.code, "roles": ["caseworker"]})
    assert status == 422 and "不能取消自己的管理员角色" in page


def test_a_reset_password_is_printed_once_and_must_be_changed(app, client):
    county = OrgFactory()
    admin = UserFactory(org=county, roles=["admin"])
    worker = UserFactory(org=county, roles=["caseworker"], display_name="李经办")
    login(client, admin)
    status, page, _ = _post(app, client, f"/admin/users/{worker.id}/reset")
    assert status == 200 and "密码重置通知" in page and "李经办" in page
    password = re.search(r'<code class="password">([^<]+)</code>', page).group(1)
    other = app.test_client()
    with app.app_context():
        assert other.post("/login", data={"username": worker.username, "password": password}).status_code == 302
        forced = other.get("/payments/")
        assert forced.status_code == 302 and forced.headers["Location"].endswith("/account/password")
        same = other.post("/account/password", data={"old_password": password, "new_password": password,
                                                     "confirm": password})
        assert same.status_code == 422 and "新密码不能与原密码相同" in same.get_data(as_text=True)
        done = other.post("/account/password", data={"old_password": password, "new_password": "a-new-long-secret",
                                                     "confirm": "a-new-long-secret"})
        assert done.status_code == 302 and other.get("/payments/").status_code == 200


def test_a_new_user_gets_a_slip_and_a_forced_change(app, client):
    county = OrgFactory()
    login(client, UserFactory(org=county, roles=["admin"]))
    status, page, _ = _post(app, client, "/admin/users/new", {
        "username": "wangwu", "display_name": "王五", "email": "", "org_code": county.code, "roles": ["finance"]})
    assert status == 200 and "账号开通通知" in page and "wangwu" in page
    assert db.session.scalar(select(User.must_change_password).where(User.username == "wangwu")) is True


def test_the_command_line_resets_with_the_same_service(app):
    county = OrgFactory()
    worker = UserFactory(org=county, roles=["caseworker"])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "reset-password", worker.username])
    assert result.exit_code == 0, result.output
    assert "临时密码" in result.output
    db.session.expire_all()
    assert db.session.get(User, worker.id).must_change_password is True
