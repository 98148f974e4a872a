"""Roster import through the service: every row validated, all or nothing, one audit event."""
import pytest
from sqlalchemy import func, select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Forbidden, ValidationFailed
from caseapp.persons.models import Person
from caseapp.rosters import base, services
from tests.conftest import acting_as
from tests.factories import OrgFactory, UserFactory
from tests.rosters import fakekind
from tests.rosters.fakekind import TODAY, ids, xlsx


def _import(data, kind="fake", **kw):
    return services.import_roster(kind, data, filename="花名册.xlsx", today=TODAY, **kw)


def _people() -> int:
    return db.session.scalar(select(func.count()).select_from(Person))


def _errors(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def test_valid_file_creates_everyone_and_audits_once_masked(fake_kind, org, operator):
    numbers = ids(3)
    result = _import(xlsx([[f"职工{i}", n, "130434", "甲", ""] for i, n in enumerate(numbers)]))
    assert (result.rows, result.created, result.updated, result.errors) == (3, 3, 0, [])
    assert _people() == 3
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.import")).all()
    assert len(events) == 1
    assert events[0].after == {"kind": "fake", "rows": 3, "created": 3, "updated": 0,
                               "filename": "花名册.xlsx", "event_id": None}
    assert not any(n in (events[0].summary or "") + str(events[0].after) for n in numbers)


def test_one_bad_row_writes_nothing_and_every_error_is_reported(fake_kind, org, operator):
    good, other = ids(2)
    result = _import(xlsx([["张三", good, "130434"],
                           ["", "13043419850615001", "无此工会", "丙"],
                           ["李四", other, "130434"]]))
    assert result.rows == 3 and result.created == 0
    assert _errors(result) == [
        (3, "姓名", "请填写姓名"),
        (3, "类别", "“丙”不是允许的值，可选：甲、乙"),
        (3, "身份证号", "身份证号应为18位，现在是17位"),
        (3, "所属工会", "找不到工会“无此工会”"),
    ]
    assert _people() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "roster.import")) == 0


def test_reimport_updates_instead_of_duplicating(fake_kind, org, operator):
    numbers = ids(2)
    _import(xlsx([["张三", n, "130434", None, "旧"] for n in numbers]))
    result = _import(xlsx([["张三", n, "130434", None, "新"] for n in numbers] + [["王五", ids(3)[2], "130434"]]))
    assert (result.created, result.updated) == (1, 2)
    assert _people() == 3
    assert db.session.scalars(select(Person.work_unit).where(Person.name == "张三")).all() == ["新", "新"]


def test_duplicate_id_in_file_is_an_error_on_the_later_row(fake_kind, org, operator):
    number = ids(1)[0]
    result = _import(xlsx([["张三", number, "130434"], ["张三", f" {number.lower()}", "130434"]]))
    assert (3, "身份证号", "与第2行的身份证号重复，同一文件中每人只能出现一次") in _errors(result)
    assert _people() == 0


def test_excel_mangled_ids_are_refused_not_guessed(fake_kind, org, operator):
    number = ids(1)[0]
    result = _import(xlsx([["张三", float(number), "130434"], ["李四", 110105194912310020.0, "130434"],
                           ["王五", 13043419.0, "130434"]]))
    messages = {row: message for row, column, message in _errors(result) if column == "身份证号"}
    assert "科学计数法" in messages[2] and "科学计数法" in messages[3]
    assert messages[4] == "身份证号应为18位，现在是8位"  # a short number typed as a number


def test_dry_run_reports_counts_but_writes_nothing(fake_kind, org, operator):
    result = _import(xlsx([["张三", n, "130434"] for n in ids(2)]), dry_run=True)
    assert (result.ok, result.rows, result.created, result.dry_run) == (True, 2, 2, True)
    assert _people() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_whole_file_problems_are_validation_errors(fake_kind, org, operator):
    with pytest.raises(ValidationFailed, match="没有数据行"):
        _import(xlsx([]))
    with pytest.raises(ValidationFailed, match="缺少必需的列：身份证号") as caught:
        _import(xlsx([["张三"]], headers=["姓名", "所属工会"]))
    assert caught.value.field == "file"
    with pytest.raises(ValidationFailed, match="xls"):
        _import(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


def test_row_limit_comes_from_settings(fake_kind, org, operator, app):
    app.config["ROSTER_MAX_ROWS"] = 2
    try:
        with pytest.raises(ValidationFailed, match="一次最多导入 2 行"):
            _import(xlsx([["张三", n, "130434"] for n in ids(3)]))
    finally:
        app.config.pop("ROSTER_MAX_ROWS")


def test_only_caseworkers_and_admins_import(fake_kind, org):
    data = xlsx([["张三", ids(1)[0], "130434"]])
    for role in ("reviewer", "auditor", "finance", "leader"):
        with acting_as(UserFactory(org=org, roles=[role])), pytest.raises(Forbidden):
            _import(data)
    with acting_as(UserFactory(org=org, roles=["caseworker"])):
        assert _import(data).created == 1


def test_organisations_resolve_only_inside_the_actors_subtree(fake_kind, org):
    town = OrgFactory(parent=org, code="T01", name="东代固乡工会")
    sibling = OrgFactory(parent=org, code="T02", name="院堡镇工会")
    numbers = ids(2)
    with acting_as(UserFactory(org=town, roles=["caseworker"])):
        result = _import(xlsx([["张三", numbers[0], "东代固乡工会"], ["李四", numbers[1], sibling.code]]))
    assert _errors(result) == [(3, "所属工会", "找不到工会“T02”")]


def test_kind_needing_an_event_refuses_without_one(org, operator):
    base.register(fakekind.make_kind(key="evented", needs_event=True))
    try:
        with pytest.raises(ValidationFailed, match="评选表彰活动"):
            _import(xlsx([["张三", ids(1)[0], "130434"]]), kind="evented")
    finally:
        base.unregister("evented")


def test_unknown_kind_names_the_known_ones(fake_kind, operator):
    with pytest.raises(Exception, match="未知的花名册类型：nope"):
        _import(xlsx([]), kind="nope")
