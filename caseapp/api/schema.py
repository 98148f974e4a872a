"""A small JSON-Schema subset: validates request bodies and feeds the OpenAPI document."""
from __future__ import annotations

import functools
from typing import Any, Callable

from flask import request

from caseapp.core.errors import ValidationFailed
from caseapp.core.limits import INT32
from caseapp.core.text import TextError, refuse_controls

SPEC: dict[str, dict[str, dict]] = {}
#: query parameters many lists share
PAGE = {"type": "integer", "minimum": 1, "maximum": 1_000_000, "description": "页码"}
YEAR = {"type": "integer", "minimum": 2000, "maximum": 2100, "description": "年度"}
_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "object": dict, "array": list}
_TYPE_ZH = {"string": "文本", "integer": "整数", "number": "数字", "boolean": "布尔值", "object": "对象", "array": "数组"}


def validate(value: Any, schema: dict, path: str = "") -> None:
    """Raise ValidationFailed (field = dotted path, Chinese message) when ``value`` breaks ``schema``."""
    kind = schema.get("type")
    if value is None and schema.get("nullable"):
        return
    if kind and (not isinstance(value, _TYPES[kind]) or (kind in ("integer", "number") and isinstance(value, bool))):
        raise ValidationFailed(f"{path or '请求体'} 应为{_TYPE_ZH[kind]}", field=path or None)
    if "enum" in schema and value not in schema["enum"]:
        raise ValidationFailed(f"{path} 只能是：{'、'.join(map(str, schema['enum']))}", field=path)
    if kind in ("integer", "number"):
        _check_range(value, schema, path)
    if kind == "string":
        _check_text(value, schema, path)
    if kind == "object":
        _validate_object(value, schema, path)
    if kind == "array":
        for i, item in enumerate(value):
            validate(item, schema.get("items", {}), f"{path}[{i}]")


def _check_range(value, schema: dict, path: str) -> None:
    """``minimum``/``maximum``; an integer without its own maximum holds at most 32 bits (the ids' range)."""
    low = schema.get("minimum", -INT32 - 1 if schema.get("type") == "integer" else None)
    high = schema.get("maximum", INT32 if schema.get("type") == "integer" else None)
    if low is not None and value < low:
        raise ValidationFailed(f"{path} 不能小于 {low}", field=path)
    if high is not None and value > high:
        raise ValidationFailed(f"{path} 不能大于 {high}", field=path)


def _check_text(value: str, schema: dict, path: str) -> None:
    limit = schema.get("maxLength", 10_000)
    if len(value) > limit:
        raise ValidationFailed(f"{path} 太长（最多 {limit} 个字符）", field=path)
    try:
        refuse_controls(value)
    except TextError as exc:
        raise ValidationFailed(f"{path} {exc}", field=path) from None


def _validate_object(value: dict, schema: dict, path: str) -> None:
    for name in schema.get("required", []):
        if value.get(name) in (None, ""):
            raise ValidationFailed(f"缺少必填字段 {_join(path, name)}", field=_join(path, name))
    for name, sub in schema.get("properties", {}).items():
        if name in value:
            validate(value[name], sub, _join(path, name))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def json_body(schema: dict | None = None) -> dict:
    """The request's JSON object, validated against ``schema``."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("请求体必须是 JSON 对象")
    if schema:
        validate(data, schema)
    return data


def query_args(declared: dict) -> dict:
    """The declared query-string parameters present in the request, typed and checked against their schemas."""
    values = {}
    for name, schema in declared.items():
        raw = request.args.get(name)
        if raw is None or raw == "":
            continue
        values[name] = _typed(raw, schema, name)
        validate(values[name], schema, name)
    return values


def _typed(raw: str, schema: dict, name: str):
    kind = schema.get("type")
    if kind == "integer":
        if not (raw.lstrip("-").isascii() and raw.lstrip("-").isdigit()) or len(raw) > 20:
            raise ValidationFailed(f"参数 {name} 应为整数", field=name)
        return int(raw)
    if kind == "boolean":
        if raw.lower() not in ("1", "0", "true", "false"):
            raise ValidationFailed(f"参数 {name} 应为 true 或 false", field=name)
        return raw.lower() in ("1", "true")
    return raw


class _Endpoint:
    """``@endpoint(rule, methods, summary=…, body=schema, response=schema)`` registers a route and its spec."""

    def __init__(self) -> None:
        self._bp = None
        self._pending: list[tuple] = []

    def bind(self, bp) -> None:
        self._bp = bp
        for args in self._pending:
            bp.add_url_rule(*args[0], **args[1])
        self._pending.clear()

    def __call__(self, rule: str, methods=("GET",), *, summary: str, body: dict | None = None,
                 response: dict | None = None, status: int = 200, tag: str = "", query: dict | None = None
                 ) -> Callable:
        """``query`` declares the query-string parameters ({name: schema}): checked before the view runs."""
        def decorate(fn):
            @functools.wraps(fn)
            def view(**kwargs):
                if query:
                    query_args(query)
                return fn(**kwargs)

            view.body_schema = body
            args = ((rule, f"{tag or 'api'}_{fn.__name__}", view), {"methods": list(methods)})
            if self._bp is None:
                self._pending.append(args)
            else:
                self._bp.add_url_rule(*args[0], **args[1])
            for method in methods:
                SPEC.setdefault(_openapi_path(rule), {})[method.lower()] = _operation(
                    fn, summary, body, response, status, tag, query)
            return view

        return decorate


endpoint = _Endpoint()


def _openapi_path(rule: str) -> str:
    import re

    return "/api/v1" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _operation(fn, summary, body, response, status, tag, query=None) -> dict:
    op = {"summary": summary, "description": (fn.__doc__ or "").strip(), "operationId": fn.__name__,
          "tags": [tag] if tag else [], "security": [{"bearer": []}],
          "responses": {str(status): {"description": "成功", **({"content": {"application/json": {"schema": response}}}
                                                            if response else {})},
                        "401": {"description": "未认证"}, "404": {"description": "不存在或无权访问"},
                        "422": {"description": "输入有误", "content": {"application/json": {"schema": ERROR}}}}}
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if query:
        op["parameters"] = [{"name": name, "in": "query", "required": False, "schema": schema}
                            for name, schema in query.items()]
    return op


ERROR = {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                                          "field": {"type": "string"}, "request_id": {"type": "string"}}}


def openapi_document() -> dict:
    """The whole OpenAPI 3.0 document."""
    return {"openapi": "3.0.3", "info": {"title": "caseapp API", "version": "1", "description": "县总工会帮扶救助业务接口"},
            "servers": [{"url": "/"}],
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                           "schemas": {"Error": ERROR}},
            "paths": SPEC}
