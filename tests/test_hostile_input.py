"""Every failure a Chinese answer: hostile values thrown at every form, every API endpoint and every roster kind.

Found generically, so areas added later are covered without touching this file: the forms by opening every
page of the URL map (ids from the cross-organisation walk's records) and reading its POST forms, the API from
the OpenAPI document (bodies and declared query parameters), the rosters from the roster registry. A case
passes when the answer is a 4xx with a Chinese message and no table gained or lost a row (every change is also
audited, so an update would add an audit row). Each test reports its count of cases.
"""
from __future__ import annotations

import io
import re
from datetime import date
from urllib.parse import urlsplit

import pytest

from caseapp.api.schema import openapi_document
from caseapp.auth.services import issue_token
from caseapp.core.db import db
from caseapp.rosters.base import all_kinds
from caseapp.rosters.services import MAX_CELL, import_roster
from tests import hostile
from tests.conftest import acting_as
from tests.factories import PASSWORD, OrgFactory, UserFactory
from tests.test_cross_org_access import ALL_ROLES, NOT_IDS, _records, _url
from tests.xlsx import workbook

#: where an error is shown on a page: a field's error, a flash, the error page
_ERROR_TEXT = re.compile(r'class="(?:error|flash[^"]*|errors|card error-page)"[^>]*>\s*(?:<h1>)?(.*?)</', re.S)
#: pages whose forms are not about input (leaving; the CSRF-free questionnaire has its own tests)
SKIP_ACTIONS = ("/logout",)


@pytest.fixture
def setting(app):
    """A county union with every record the URL map's ids name, and a user holding every role there."""
    org = OrgFactory(name="魏县总工会")
    user = UserFactory(org=org, roles=ALL_ROLES)
    ids = _records(org, user)
    client = app.test_client()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    token = issue_token(user)
    db.session.commit()  # the setting is committed, as it would be before anyone attacks it
    return {"ids": ids, "client": client, "token": token, "user": user, "org": org}


def _answer_problem(resp, before: dict) -> str | None:
    """Why ``resp`` is not a refusal in Chinese that wrote nothing (None when it is); ``before``: the rows every
    case starts from (each refusal leaves them as they were, so one fingerprint serves the whole sweep)."""
    if not 400 <= resp.status_code < 500:
        return f"status {resp.status_code}"
    if resp.is_json:
        if not hostile.has_chinese((resp.json or {}).get("message", "")):
            return f"no Chinese message: {resp.json}"
    elif not any(hostile.has_chinese(m) for m in _ERROR_TEXT.findall(resp.get_data(as_text=True))):
        return "no Chinese error shown"
    after = hostile.fingerprint()
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    return f"wrote {changed}" if changed else None


def _pages(app, ids: dict):
    """Every GET page of the URL map that the records' ids can open (API and static files aside)."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.startswith(("api.", "static")) or rule.arguments & NOT_IDS - {"kind"}:
            continue
        if rule.arguments - set(ids) - {"rule_id", "kind"}:
            continue
        yield _url(rule, ids) if rule.arguments else rule.rule


def _forms(app, client, ids: dict) -> dict:
    """Each distinct POST form on those pages: (action path, field names) → Form."""
    found = {}
    for url in _pages(app, ids):
        resp = client.get(url)
        if resp.status_code != 200 or not resp.mimetype == "text/html":
            continue
        for form in hostile.post_forms(resp.get_data(as_text=True), url):
            action = urlsplit(form.action).path
            if action.startswith(SKIP_ACTIONS):
                continue
            key = (action, tuple(sorted({f.name for f in form.fields})))
            found.setdefault(key, form)
    return found


@pytest.mark.slow
def test_every_form_refuses_every_hostile_value_in_chinese_and_writes_nothing(app, setting):
    client, failures, cases = setting["client"], [], 0
    forms = _forms(app, client, setting["ids"])
    before = hostile.fingerprint()
    assert len(forms) > 20, sorted(forms)
    for (action, _names), form in sorted(forms.items()):
        baseline = form.baseline()
        for f in form.fields:
            if f.name == "csrf_token" or f.type in ("file", "submit", "button"):
                continue
            for value in hostile.form_values(f):
                data = {**baseline, f.name: value}
                if form.multipart:
                    data["file"] = (io.BytesIO(workbook(["姓名"], [["张三"]])), "花名册.xlsx")
                resp = client.post(form.action, data=data)
                cases += 1
                problem = _answer_problem(resp, before)
                if problem:
                    failures.append(f"{action} {f.name}={value[:20]!r}: {problem}")
                    before = hostile.fingerprint()  # what it wrote is not blamed on the next case
    _report(f"{len(forms)} 个表单 × 字段 × 恶意值", cases)
    assert not failures, f"{len(failures)} of {cases} cases:\n" + "\n".join(failures)


def _operations(ids: dict):
    """(method, url, operation) of every API operation, path parameters filled from the records."""
    for path, methods in openapi_document()["paths"].items():
        url = path.removeprefix("/api/v1")
        for name in re.findall(r"{(\w+)}", url):
            value = {"code": ids["code"], "kind": "hardship", "token": "x"}.get(name, ids.get(name))
            url = url.replace(f"{{{name}}}", str(value))
        for method, operation in methods.items():
            yield method.upper(), "/api/v1" + url, operation


def _api_cases(op: dict):
    """(description, request kwargs) of every hostile request for one operation."""
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if schema:
        body = hostile.sample(schema)
        for path, sub in hostile.properties(schema):
            for value in hostile.json_values(sub):
                yield f"{'.'.join(map(str, path))}={str(value)[:20]!r}", {"json": hostile.with_value(body, path, value,
                                                                                                   schema)}
        deep = '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"
        for raw in (deep, '{"x": NaN}', "[]", "不是JSON"):
            yield f"body={raw[:12]!r}", {"data": raw, "content_type": "application/json"}
    for param in op.get("parameters", []):
        for value in hostile.query_values(param["schema"]):
            yield f"?{param['name']}={value[:20]!r}", {"query_string": {param["name"]: value}}


@pytest.mark.slow
def test_every_api_endpoint_refuses_every_hostile_value_in_chinese_and_writes_nothing(app, setting):
    client, failures, cases = app.test_client(), [], 0
    headers = {"Authorization": f"Bearer {setting['token']}", "Idempotency-Key": "hostile"}
    before = hostile.fingerprint()
    for method, url, op in _operations(setting["ids"]):
        for label, kwargs in _api_cases(op):
            resp = client.open(url, method=method, headers=headers, **kwargs)
            cases += 1
            if (problem := _answer_problem(resp, before)) is not None:
                failures.append(f"{method} {url} {label}: {problem}")
                before = hostile.fingerprint()
    _report("API 接口 × 字段与查询参数 × 恶意值", cases)
    assert cases > 300 and not failures, f"{len(failures)} of {cases} cases:\n" + "\n".join(failures)


def _baseline_row(kind, org) -> list[str]:
    row = []
    for column in kind.columns:
        if column.choices:
            row.append(column.choices[0])
        elif "身份证" in column.header:
            row.append("130434198506150011")
        elif "工会" in column.header:
            row.append(org.code)
        elif "金额" in column.header or "收入" in column.header or "人口" in column.header or "年份" in column.header:
            row.append("2")
        else:
            row.append("测试")
    return row


def _roster_values(column) -> tuple[str, ...]:
    from caseapp.core import limits

    bound = limits.bounds(column.limit) if column.limit is not None else None
    longest = (bound.max_length if bound and bound.max_length else MAX_CELL) + 1
    values = ("长" * longest,)
    if bound is not None and bound.money or any(w in column.header for w in ("金额", "收入")):
        values += hostile.AMOUNTS
    if "身份证" in column.header:
        values += hostile.ID_NUMBERS
    if any(w in column.header for w in ("人口", "年份")):
        values += hostile.NUMBERS
    return values


def test_every_roster_kind_refuses_every_hostile_cell_and_writes_nothing(app, setting):
    failures, cases = [], 0
    for kind in all_kinds():
        rows, wanted = [], []
        for index, column in enumerate(kind.columns):
            for value in _roster_values(column):
                row = _baseline_row(kind, setting["org"])
                row[index] = value
                rows.append(row)
                wanted.append((len(rows) + 1, column.header, value))
        before = hostile.fingerprint()
        with acting_as(setting["user"]):
            result = import_roster(kind.key, workbook(kind.headers, rows), filename="恶意.xlsx",
                                   event_id=setting["ids"]["event_id"], today=date(2025, 6, 1))
        cases += len(wanted)
        flagged = {(e.row, e.column) for e in result.errors if hostile.has_chinese(e.message)}
        rows_flagged = {row for row, _column in flagged}
        # an over-long cell is refused on its own column whatever the rest of the row; others at least refuse the row
        failures += [f"{kind.key} 第{n}行 {header}={value[:20]!r}: not refused" for n, header, value in wanted
                     if (n, header) not in flagged and (len(value) > 100 or n not in rows_flagged)]
        if hostile.fingerprint() != before:
            failures.append(f"{kind.key}: wrote rows")
    _report(f"{len(all_kinds())} 种花名册 × 列 × 恶意值", cases)
    assert cases > 50 and not failures, f"{len(failures)} of {cases} cases:\n" + "\n".join(failures)


def _report(what: str, cases: int) -> None:
    """Count the cases for the summary at the end of the run (``tests/conftest.py``)."""
    hostile.COUNTS[f"{what}（{db.engine.dialect.name}）"] = cases
