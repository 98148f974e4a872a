"""Loading the user of a request: session cookie (with generation check) or bearer token."""
from __future__ import annotations

from flask import Flask, request

from caseapp.core.db import db
from caseapp.extensions import login_manager


def register(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_from_session)
    login_manager.request_loader(_load_from_token)
    login_manager.unauthorized_handler(_unauthorized)


def _load_from_session(user_key: str):
    from caseapp.auth.models import User

    try:
        user_id, generation = (int(p) for p in user_key.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    # a bumped generation (logout elsewhere, password change, disabling) ends this session
    if user is None or not user.is_enabled or user.session_generation != generation:
        return None
    return user


def _load_from_token(req):
    from caseapp.auth.services import user_for_token

    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not req.path.startswith("/api/"):
        return None
    return user_for_token(header[len("Bearer "):].strip())


def _unauthorized():
    from flask import flash, redirect, url_for

    from caseapp.core.web import error_response

    if request.path.startswith("/api/"):
        return error_response(401, "需要有效的 API 令牌（Authorization: Bearer …）", "unauthorized")
    flash("请先登录", "warning")
    return redirect(url_for("auth.login", next=request.path))
