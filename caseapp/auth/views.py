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
from caseapp.core.forms import attempt, submit
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
        return redirect(safe_next(request.args.get("next"), url_for("desk.home")))
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
    """Change one's own password (first of all when an administrator generated it)."""
    form = PasswordForm()
    done, status = submit(form, lambda: services.change_password(current_user, form.old_password.data,
                                                                  form.new_password.data) or True)
    if done:
        login_user(current_user._get_current_object())  # this session continues with the new generation
        flash("密码已修改，其他设备上的登录已失效", "success")
        return redirect(url_for("desk.home"))
    return render_template("auth/password.html", form=form), status


@bp.route("/admin/users")
@login_required
def users():
    """Users in the admin's subtree, by name, with what each can do."""
    return render_template("auth/users.html", users=services.list_users())


def _user_form(user=None) -> UserForm:
    form = UserForm(obj=None) if user is None else UserForm(
        formdata=None if request.method == "GET" else request.form, username=user.username,
        display_name=user.display_name, email=user.email or "", org_code=user.org.code, roles=sorted(user.roles))
    form.org_code.choices = [(o.code, f"{o.code} {o.name}") for o in list_orgs()]
    return form


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def user_new():
    """Create a user; the generated password is shown once on a slip to hand over, and must be changed at the
    first login."""
    require_role("admin")
    form = _user_form()
    password = services.generate_password()
    user, status = submit(form, lambda: services.create_user(
        form.username.data, form.org_code.data, form.roles.data, password=password, email=form.email.data or None,
        display_name=form.display_name.data or "", must_change=True))
    if user is None:
        return render_template("auth/user_form.html", form=form, user=None), status
    return render_template("auth/password_slip.html", user=user, password=password, created=True)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int):
    """Change a user's name, e-mail, roles and organisation (the same checks as the command line)."""
    require_role("admin")
    user = get_scoped(User, user_id)
    form = _user_form(user)
    saved, status = submit(form, lambda: services.update_user(
        user, display_name=form.display_name.data, email=form.email.data, roles=form.roles.data,
        org_code=form.org_code.data))
    if saved is not None:
        flash(f"已保存 {saved.display_name} 的账号信息", "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user), status


@bp.route("/admin/users/<int:user_id>/reset", methods=["POST"])
@login_required
def user_reset(user_id: int):
    """A new temporary password, shown once on a printable slip; the user must change it at the next login."""
    user = get_scoped(User, user_id)
    return attempt(lambda: render_template("auth/password_slip.html", user=user,
                                           password=services.reset_password(user), created=False),
                   lambda exc: (render_template("auth/user_form.html", form=_flashed(exc, _user_form(user)),
                                                user=user), exc.status))


def _flashed(exc, form):
    flash(exc.message, "error")
    return form


@bp.route("/admin/users/<int:user_id>/toggle", methods=["POST"])
@login_required
def user_toggle(user_id: int):
    """Enable or disable a user in scope."""
    user = get_scoped(User, user_id)

    def done():
        services.set_enabled(user, not user.is_enabled)
        flash(("已启用 " if user.is_enabled else "已停用 ") + (user.display_name or user.username), "success")
        return redirect(url_for("auth.users"))

    def again(exc):
        flash(exc.message, "error")
        return render_template("auth/users.html", users=services.list_users()), exc.status

    return attempt(done, again)


@bp.before_app_request
def _password_first():
    """A user whose password an administrator generated changes it before doing anything else."""
    if not getattr(current_user, "is_authenticated", False) or not current_user.must_change_password:
        return None
    if request.path.startswith("/api/") or request.endpoint in ("auth.password", "auth.logout", "static"):
        return None
    flash("这是管理员为您生成的临时密码，请先设置自己的新密码", "warning")
    return redirect(url_for("auth.password"))
