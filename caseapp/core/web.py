"""Request handling shared by every page and the API: the unit of work, request id, errors in Chinese.

Each request is one unit of work (``caseapp.core.uow``): opened before the view, committed right after it
returns — before the response is finalised, so that a conflict raised by the commit is answered like any
other refusal (409 in Chinese) — and rolled back on a safe method, an error status, or any refusal.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout
from werkzeug.exceptions import HTTPException

from caseapp.core import context, uow
from caseapp.core.errors import DomainError

log = logging.getLogger("caseapp.web")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: what a 503 (busy, deadlocked, disconnected) tells the client to wait before trying again
RETRY_AFTER_SECONDS = 5

_MESSAGES = {
    400: "请求有误", 403: "没有权限访问此页面", 404: "页面不存在或无权访问", 405: "不支持的请求方式",
    413: "上传的文件太大", 422: "提交的内容有误", 429: "请求过于频繁，请稍后再试", 500: "系统内部错误",
    503: "系统繁忙，请稍后重试",
}


class CaseFlask(Flask):
    """Flask whose views end their unit of work before the response is finalised."""

    def dispatch_request(self):
        """Run the view, then commit or roll back its unit of work (a commit conflict is handled as an error)."""
        return finish_view(super().dispatch_request())


def register(app: Flask) -> None:
    """Install hooks, error handlers, the user loader and template helpers."""
    from caseapp.auth import session as auth_session
    from caseapp.core import templating

    auth_session.register(app)
    templating.register(app)
    app.before_request(_begin_request)
    app.after_request(_headers)
    app.teardown_request(_teardown)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DBAPIError, _db_error)  # OperationalError, IntegrityError, DataError, InterfaceError
    app.register_error_handler(SQLAlchemyTimeout, _db_error)
    app.register_error_handler(Exception, _unexpected)


def _begin_request() -> None:
    # a request must never see the user Flask-Login cached for an earlier request sharing this app context
    g.pop("_login_user", None)
    g.request_id = context.new_request_id(request.headers.get("X-Request-Id"))
    # reads use a deferred transaction; writes take SQLite's write lock up front
    g.unit = uow.begin(principal_from_user(current_user), write=request.method not in SAFE_METHODS)


def principal_from_user(user) -> context.Principal | None:
    """The principal for a logged-in user (None when anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    source = "api" if request.path.startswith("/api/") else "web"
    return context.Principal(user_id=user.id, username=user.username, org_id=user.org_id,
                             org_path=user.org.path, roles=user.roles, source=source)


def finish_view(rv):
    """Commit the request's unit when it may write and answered below 400; otherwise roll it back."""
    response = current_app.make_response(rv)
    unit = g.get("unit")
    if unit is not None:
        uow.finish(unit, commit=request.method not in SAFE_METHODS and response.status_code < 400)
    return response


def _headers(response):
    response.headers["X-Request-Id"] = g.get("request_id", "")
    return response


def _teardown(exc) -> None:
    unit = g.pop("unit", None)
    if unit is not None:
        uow.close(unit)
    context.end_request()


def date_arg(name: str):
    """A YYYY-MM-DD query argument as a date, or None when absent or malformed."""
    from datetime import date

    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str, code: str | None = None, field: str | None = None,
                   back: str | None = None):
    """A Chinese error as JSON for the API or as a page for people (the request's work is rolled back); a 503
    says when to try again; ``back`` is where the page's link returns to."""
    uow.abandon()
    if not g.get("request_id"):  # refused before the request began (CSRF): still traceable
        g.request_id = context.new_request_id()
    rid = g.request_id
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else {}
    if wants_json():
        body = {"error": code or str(status), "message": message, "request_id": rid}
        if field:
            body["field"] = field
        return jsonify(body), status, headers
    return render_template("error.html", status=status, message=message, request_id=rid, back=back), status, headers


def _domain_error(exc: DomainError):
    return error_response(exc.status, exc.message, exc.code, exc.field)


def _csrf_error(exc: CSRFError):
    return error_response(400, "页面已过期或表单校验失败（CSRF），请刷新页面后重新提交", "csrf")


def _http_error(exc: HTTPException):
    status = exc.code or 500
    return error_response(status, _MESSAGES.get(status, exc.name), str(status))


def _db_error(exc: DBAPIError | SQLAlchemyTimeout):
    """A constraint the services did not foresee: 409; busy, deadlocked or disconnected: 503; a value a column
    cannot hold: 422; all in Chinese, never a bare 500."""
    refusal = uow.database_refusal(exc)
    return _domain_error(refusal) if refusal is not None else _unexpected(exc)


def _unexpected(exc: Exception):
    log.exception("unhandled error in request %s", g.get("request_id"))
    return error_response(500, _MESSAGES[500], "internal")
