"""Login, logout, own password, and the admin's user list."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from caseapp.auth import services
from caseapp.auth.forms import LoginForm, PasswordForm, UserForm
from caseapp.auth.models import User
from caseapp.core.audit import record
from caseapp.core import uow
from caseapp.core.errors import ValidationFailed
from caseapp.core.redirects import safe_next
from caseapp.core.scoping import get_scoped, require_role
from caseapp.core.web import principal_from_user
from caseapp.orgs.services import list_orgs

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with username and password."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data, request.remote_addr or "")
        except ValidationFailed as exc:
            flash(exc.message, "error")
            return render_template("auth/login.html", form=form), 200
        login_user(user)
        uow.act_as(principal_from_user(user))
        record("user.login", user)
        return redirect(safe_next(request.args.get("next"), url_for("budgets.dashboard")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out; every other session of this user ends too."""
    services.end_other_sessions(current_user)
    record("user.logout", current_user)
    logout_user()
    flash("已退出登录", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        services.change_password(current_user, form.old_password.data, form.new_password.data)
        login_user(current_user._get_current_object())  # this session continues with the new generation
        flash("密码已修改，其他设备上的登录已失效", "success")
        return redirect(url_for("budgets.dashboard"))
    return render_template("auth/password.html", form=form)


@bp.route("/admin/users")
@login_required
def users():
    """Users in the admin's subtree."""
    return render_template("auth/users.html", users=services.list_users())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def user_new():
    """Create a user; the generated password is shown once."""
    require_role("admin")
    form = UserForm()
    form.org_code.choices = [(o.code, f"{o.code} {o.name}") for o in list_orgs()]
    if form.validate_on_submit():
        pw = services.generate_password()
        user = services.create_user(form.username.data, form.org_code.data, form.roles.data, password=pw,
                                    email=form.email.data or None, display_name=form.display_name.data or "")
        flash(f"已创建用户 {user.username}，初始密码（只显示这一次）：{pw}", "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form)


@bp.route("/admin/users/<int:user_id>/toggle", methods=["POST"])
@login_required
def user_toggle(user_id: int):
    """Enable or disable a user in scope."""
    user = get_scoped(User, user_id)
    services.set_enabled(user, not user.is_enabled)
    flash(("已启用 " if user.is_enabled else "已停用 ") + user.username, "success")
    return redirect(url_for("auth.users"))
