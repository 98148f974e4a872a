"""Creating users, checking passwords, ending sessions, issuing API tokens."""
from __future__ import annotations

import functools
import hashlib
import secrets

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from caseapp.auth import throttle
from caseapp.auth.models import ApiToken, User, UserRole
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


def _role_keys(roles: list[str]) -> list[str]:
    """Roles as keys (Chinese names accepted), at least one."""
    try:
        role_keys = sorted({parse_role(r) for r in roles})
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="roles") from exc
    if not role_keys:
        raise ValidationFailed("至少指定一个角色", field="roles")
    return role_keys


def create_user(username: str, org_code: str, roles: list[str], *, password: str,
                email: str | None = None, display_name: str = "", must_change: bool = False) -> User:
    """Create a user in an organisation within scope (admins only); ``must_change``: the password was generated
    for them and must be changed at the first login."""
    require_role("admin")
    username = username.strip()
    if not username:
        raise ValidationFailed("用户名不能为空", field="username")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ValidationFailed(f"用户名 {username} 已存在", field="username")
    role_keys = _role_keys(roles)
    check_password_strength(password)
    org = get_by_code(org_code)
    require_org_in_scope(org.id)
    user = User(username=username, org=org, email=(email or "").strip() or None, display_name=display_name or username,
                password_hash=hash_password(password), must_change_password=must_change,
                role_rows=[UserRole(role=r) for r in role_keys])
    db.session.add(user)
    db.session.flush()
    record("user.create", user, after={"username": username, "org": org.code, "roles": role_keys})
    return user


def list_users() -> list[User]:
    """Users of the actor's subtree (admins and auditors)."""
    require_role("admin", "auditor")
    return list(db.session.scalars(scoped(select(User), User.org_id).order_by(User.username)))


#: one message for a wrong password, an unknown name and a disabled account
BAD_CREDENTIALS = "用户名或密码错误，或账号已停用"


def authenticate(username: str, password: str, address: str) -> User:
    """The user for valid credentials, throttled per account name and per client address (``throttle.py``)."""
    try:
        return throttle.check(username, address, lambda: _verify(username, password))
    except throttle.Blocked as exc:
        raise LoginRefused(f"登录尝试过于频繁，已暂时锁定，请 {_wait_text(exc.seconds)}后再试",
                           code="throttled") from None


def _verify(username: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    # an unknown name costs the same hash check as a real one: the answer time tells nothing either
    valid = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not valid or not user.is_enabled:
        raise LoginRefused(BAD_CREDENTIALS)
    user.last_login_at = utcnow()
    _upgrade_hash(user, password)
    return user


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


def _wait_text(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 120 else f"{(seconds + 59) // 60} 分钟"


def _upgrade_hash(user: User, password: str) -> None:
    """Re-hash with the current default method when an older one was used."""
    current = hash_password(password)
    if user.password_hash.split("$", 1)[0] != current.split("$", 1)[0]:
        user.password_hash = current


def _user_facts(user: User) -> dict:
    return {"display_name": user.display_name, "email": user.email or "", "org": user.org.code,
            "roles": sorted(user.roles)}


def update_user(user: User, *, display_name: str, email: str | None, roles: list[str], org_code: str) -> User:
    """Change a user's name, e-mail, roles and organisation (admins, both organisations in scope); audited with
    what changed. An administrator cannot take their own 管理员 role away."""
    principal = require_role("admin")
    require_org_in_scope(user.org_id)
    role_keys = _role_keys(roles)
    if principal.user_id == user.id and "admin" not in role_keys:
        raise ValidationFailed("不能取消自己的管理员角色（请由其他管理员办理）", field="roles")
    org = get_by_code(org_code)
    require_org_in_scope(org.id)
    before = _user_facts(user)
    user.display_name = (display_name or "").strip() or user.username
    user.email = (email or "").strip() or None
    user.org = org
    if sorted(user.roles) != role_keys:
        user.role_rows = [row for row in user.role_rows if row.role in role_keys] + [
            UserRole(role=r) for r in role_keys if r not in user.roles]
    db.session.flush()
    after = _user_facts(user)
    changed = [k for k in after if after[k] != before[k]]
    record("user.update", user, before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return user


def reset_password(user: User) -> str:
    """A new random password for ``user`` (admins, in scope), to be changed at the next login; every session and
    API token of the user ends. Returns the password, shown once."""
    principal = require_role("admin")
    require_org_in_scope(user.org_id)
    if principal.user_id == user.id:
        raise ValidationFailed("请在“修改密码”页面修改自己的密码")
    password = generate_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_other_sessions(user)
    revoked = revoke_tokens(user)
    record("user.password_reset", user, summary=f"重置密码（须在下次登录时修改；API 令牌作废 {revoked} 个）")
    return password


def end_other_sessions(user: User) -> None:
    """Invalidate every session cookie issued for this user so far."""
    user.session_generation += 1


def change_password(user: User, old: str, new: str) -> None:
    """Change the user's own password; every other session ends."""
    if not check_password_hash(user.password_hash, old):
        raise ValidationFailed("原密码不正确", field="old_password")
    check_password_strength(new)
    if new == old:
        raise ValidationFailed("新密码不能与原密码相同", field="new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_other_sessions(user)
    revoked = revoke_tokens(user)
    record("user.password_change", user, summary=f"修改密码（API 令牌作废 {revoked} 个）")


def set_enabled(user: User, enabled: bool) -> None:
    """Enable or disable an account (admins only); disabling ends its sessions and tokens."""
    principal = require_role("admin")
    require_org_in_scope(user.org_id)
    if not enabled and principal.user_id == user.id:
        raise ValidationFailed("不能停用自己的账号")
    user.is_enabled = enabled
    end_other_sessions(user)
    if not enabled:
        revoke_tokens(user)  # enabling again does not bring old tokens back
    record("user.enable" if enabled else "user.disable", user)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    """Create an API token for ``user`` and return it; only its hash is kept."""
    token = "cat_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_hash_token(token), prefix=token[:10]))
    record("user.token_issue", user, summary="签发 API 令牌")
    return token


def revoke_tokens(user: User) -> int:
    """Revoke every live API token of ``user``; returns how many."""
    return db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                              .values(revoked_at=utcnow())).rowcount


def user_for_token(token: str) -> User | None:
    """The enabled user owning an unrevoked token, or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.is_enabled:
        return None
    return row.user
