"""What every request gets before any area sees it: the client's real address behind the configured number of
trusted proxies, numbers in URLs and query strings bounded, JSON that cannot nest without end or carry NaN, and
strict response headers (a Content-Security-Policy without inline script, ``no-store`` on every page)."""
from __future__ import annotations

import re

from flask import Flask, Request, current_app, g, request, session
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from caseapp.core.errors import ValidationFailed
from caseapp.core.limits import INT32
from caseapp.core.text import TextError, refuse_controls

#: no inline script or style, nothing from elsewhere, no framing, forms post only here
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
#: a single query or form value longer than this is refused (no column holds more than 10,000 characters)
MAX_VALUE_CHARS = 20_000
#: JSON deeper than this is refused before it is parsed (the API's own documents nest 4 levels)
MAX_JSON_DEPTH = 32
#: a JSON string (skipped whole) or one bracket
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def register(app: Flask) -> None:
    """Install the proxy handling, bounded converters, the strict request and JSON classes and the headers."""
    app.wsgi_app = TrustedProxies(app)
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = BoundedRequest
    app.json = StrictJSONProvider(app)
    app.before_request(_refuse_hostile_values)
    app.after_request(_security_headers)
    app.after_request(_refusals_answer_4xx)


class TrustedProxies:
    """Werkzeug's ProxyFix for ``TRUSTED_PROXIES`` proxies (read per request): the client address, scheme and
    host as the nearest trusted proxies saw them. With 0, forwarded headers are ignored (anyone can forge them)."""

    def __init__(self, app: Flask) -> None:
        self.app, self.wrapped, self._fixes = app, app.wsgi_app, {}

    def __call__(self, environ, start_response):
        count = int(self.app.config.get("TRUSTED_PROXIES") or 0)
        if not count:
            return self.wrapped(environ, start_response)
        if count not in self._fixes:
            self._fixes[count] = ProxyFix(self.wrapped, x_for=count, x_proto=count, x_host=count)
        return self._fixes[count](environ, start_response)


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` never matches a number beyond the 32-bit ids of this schema: 404, not a database error."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = INT32,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BoundedArgs(ImmutableMultiDict):
    """Query and form values: ``get(…, type=int)`` refuses, in Chinese, what is not an integer (werkzeug would
    quietly use the default) and an integer beyond 32 bits; an empty value still gives the default."""

    def get(self, key, default=None, type=None):  # noqa: A002  (werkzeug's signature)
        if type is not int:
            return super().get(key, default=default, type=type)
        raw = super().get(key)
        if raw is None or raw == "":
            return default
        text = raw.strip()
        if not (text.lstrip("-").isascii() and text.lstrip("-").isdigit()) or not -INT32 - 1 <= int(text) <= INT32:
            raise ValidationFailed(f"参数 {key} 应为整数（不超过 {INT32}）", field=key)
        return int(text)


class BoundedRequest(Request):
    """Flask's request with bounded argument parsing and refused deep JSON."""

    parameter_storage_class = BoundedArgs

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        """The parsed JSON body; nesting beyond ``MAX_JSON_DEPTH`` is a 422, not a RecursionError."""
        body = self.get_data(cache=True)
        if _depth_exceeds(body, MAX_JSON_DEPTH):
            raise ValidationFailed(f"JSON 嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）")
        return super().get_json(force=force, silent=silent, cache=cache)


def _refuse_hostile_values() -> None:
    """Every query and form value, read by a form or straight from ``request``: no control characters, no lone
    surrogates, at most ``MAX_VALUE_CHARS`` characters (longer than any column; files are not values)."""
    sources = (request.args, request.form) if request.method not in ("GET", "HEAD", "OPTIONS") else (request.args,)
    for values in sources:
        for name, value in values.items(multi=True):
            if len(value) > MAX_VALUE_CHARS:
                raise ValidationFailed(f"提交的内容过长（{name}：{len(value):,} 个字符，最多 {MAX_VALUE_CHARS:,} 个）",
                                       field=name)
            try:
                refuse_controls(value)
            except TextError as exc:
                raise ValidationFailed(f"提交的内容（{name[:40]}）{exc}", field=name) from None


def _depth_exceeds(body: bytes, limit: int) -> bool:
    """True when arrays and objects nest deeper than ``limit`` (brackets inside strings do not count)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for token in _JSON_TOKENS.finditer(body):
        char = token.group()
        if char in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif char in (b"]", b"}"):
            depth -= 1
    return False


def _refuse_constant(name: str):
    raise ValueError(f"JSON 中不允许 {name}")


class StrictJSONProvider(DefaultJSONProvider):
    """JSON without NaN and Infinity (Python accepts them; no database column holds them)."""

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_constant", _refuse_constant)
        return super().loads(s, **kwargs)


def _refusals_answer_4xx(response):
    """A write that was refused answers 4xx with its Chinese message, whatever the view returned.

    Views often show a refusal as a flash and redirect, or re-render the form with 200; a client (or a script)
    must not read either as success. The redirect becomes the error page with the refusal's status and message
    and a link back to where the view was going; a re-rendered page keeps its content with the refusal's status.
    """
    if request.method in ("GET", "HEAD", "OPTIONS") or response.status_code >= 400:
        return response
    unit = g.get("unit")
    refusal = unit.refusals[-1] if unit is not None and unit.refusals else None  # the one the view met last
    message = refusal.message if refusal is not None else g.get("form_refused")
    if not message:
        return response
    status = refusal.status if refusal is not None else 422
    if 300 <= response.status_code < 400:
        from caseapp.core.web import error_response

        session.pop("_flashes", None)  # the message is on this page; it must not show again on the next one
        body, _status, headers = error_response(status, message, getattr(refusal, "code", None),
                                                back=response.headers.get("Location"))
        return current_app.make_response((body, status, headers))
    response.status_code = status
    return response


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static":
        # pages and API answers carry personal data (masked or, after an audited reveal, in full): never cached
        headers["Cache-Control"] = "no-store"
    return response
