"""Creating users, checking passwords, ending sessions, issuing API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from caseapp.auth.models import ApiToken, LoginThrottle, User, UserRole
from caseapp.auth.roles import parse_role
from caseapp.core.audit import record
from caseapp.core.db import db, utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.core.scoping import require_org_in_scope, require_role, scoped
from caseapp.orgs.services import get_by_code

MIN_PASSWORD = 10


class LoginRefused(ValidationFailed):
    """A refused login; the failure counters it updated are committed all the same."""

    keeps_work = True


def hash_password(password: str) -> str:
    """A new hash of ``password`` with the configured method (cheap only in the testing config)."""
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def generate_password() -> str:
    """A random password that is easy to read out (no 0/O, 1/l)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(14))


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(f"密码至少 {MIN_PASSWORD} 位", field="password")


def create_user(username: str, org_code: str, roles: list[str], *, password: str,
                email: str | None = None, display_name: str = "") -> User:
    """Create a user in an organisation within scope (admins only)."""
    require_role("admin")
    username = username.strip()
    if not username:
        raise ValidationFailed("用户名不能为空", field="username")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ValidationFailed(f"用户名 {username} 已存在", field="username")
    try:
        role_keys = sorted({parse_role(r) for r in roles})
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="role") from exc
    if not role_keys:
        raise ValidationFailed("至少指定一个角色", field="role")
    check_password_strength(password)
    org = get_by_code(org_code)
    require_org_in_scope(org.id)
    user = User(username=username, org=org, email=email, display_name=display_name or username,
                password_hash=hash_password(password),
                role_rows=[UserRole(role=r) for r in role_keys])
    db.session.add(user)
    db.session.flush()
    record("user.create", user, after={"username": username, "org": org.code, "roles": role_keys})
    return user


def list_users() -> list[User]:
    """Users of the actor's subtree (admins and auditors)."""
    require_role("admin", "auditor")
    return list(db.session.scalars(scoped(select(User), User.org_id).order_by(User.username)))


def _locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def _throttle_row(ip: str) -> LoginThrottle:
    key = f"ip:{ip}"
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.key == key))
    if row is None:
        row = LoginThrottle(key=key, failures=0, window_start=utcnow())
        db.session.add(row)
    elif utcnow() - row.window_start > timedelta(seconds=current_app.config["LOGIN_LOCK_SECONDS"]):
        row.failures, row.window_start = 0, utcnow()
    return row


def authenticate(username: str, password: str, ip: str) -> User:
    """Return the user for valid credentials; count failures and lock after too many."""
    cfg = current_app.config
    throttle = _throttle_row(ip)
    if throttle.failures >= cfg["LOGIN_MAX_FAILURES"] * 4:
        raise LoginRefused("登录失败次数过多，请稍后再试")
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is not None and _locked(user):
        raise LoginRefused("该账号因多次登录失败已被暂时锁定，请15分钟后再试")
    if user is None or not check_password_hash(user.password_hash, password) or not user.is_enabled:
        throttle.failures += 1
        if user is not None:
            _count_failure(user)
        raise LoginRefused("用户名或密码错误，或账号已停用")
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, utcnow()
    _upgrade_hash(user, password)
    return user


def _count_failure(user: User) -> None:
    cfg = current_app.config
    user.failed_logins += 1
    if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
        user.locked_until = utcnow() + timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"])
        user.failed_logins = 0
        record("user.locked", user, summary="连续登录失败，账号暂时锁定")


def _upgrade_hash(user: User, password: str) -> None:
    """Re-hash with the current default method when an older one was used."""
    current = hash_password(password)
    if user.password_hash.split("$", 1)[0] != current.split("$", 1)[0]:
        user.password_hash = current


def end_other_sessions(user: User) -> None:
    """Invalidate every session cookie issued for this user so far."""
    user.session_generation += 1


def change_password(user: User, old: str, new: str) -> None:
    """Change the user's own password; every other session ends."""
    if not check_password_hash(user.password_hash, old):
        raise ValidationFailed("原密码不正确", field="old_password")
    check_password_strength(new)
    user.password_hash = hash_password(new)
    end_other_sessions(user)
    record("user.password_change", user, summary="修改密码")


def set_enabled(user: User, enabled: bool) -> None:
    """Enable or disable an account (admins only); disabling ends its sessions and tokens."""
    principal = require_role("admin")
    require_org_in_scope(user.org_id)
    if not enabled and principal.user_id == user.id:
        raise ValidationFailed("不能停用自己的账号")
    user.is_enabled = enabled
    end_other_sessions(user)
    record("user.enable" if enabled else "user.disable", user)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    """Create an API token for ``user`` and return it; only its hash is kept."""
    token = "cat_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_hash_token(token), prefix=token[:10]))
    record("user.token_issue", user, summary="签发 API 令牌")
    return token


def user_for_token(token: str) -> User | None:
    """The enabled user owning an unrevoked token, or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.is_enabled:
        return None
    return row.user
