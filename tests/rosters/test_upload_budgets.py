"""Uploads with budgets: a sparse 5 KB sheet is answered at once, rows and cells are counted while reading, the
error workbook holds only the rows at fault and is encrypted at rest, every XML encoding is either scanned or
refused, and the framework holds every cell to its column's declared limit."""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font
from sqlalchemy import func, select

from caseapp.core import excel
from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed
from caseapp.core.officefile import OfficeFileError, check_office_zip
from caseapp.core.stash import StashedFile
from caseapp.persons.models import Person
from caseapp.rosters import services
from tests.conftest import acting_as
from tests.factories import UserFactory
from tests.rosters.fakekind import HEADERS, ids, xlsx


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sparse_workbook(row: int = 1_048_576) -> bytes:
    """The attack file: the template's header and one cell at the sheet's last row (about 5 KB)."""
    wb = openpyxl.Workbook()
    wb.active.append(HEADERS)
    wb.active.cell(row=row, column=1, value="张三")
    return _save(wb)


def _import(org, data: bytes):
    with acting_as(UserFactory(org=org, roles=["caseworker"])):
        return services.import_roster("fake", data, filename="花名册.xlsx", today=__import__("datetime").date.today())


def test_a_sparse_five_kilobyte_sheet_is_refused_within_a_second_with_a_clear_message(app, fake_kind, org):
    data = sparse_workbook()
    assert len(data) < 6_000
    started = time.perf_counter()
    with pytest.raises(ValidationFailed, match="第 1,048,576 行有内容：一次最多导入 100,000 行") as refused:
        _import(org, data)
    assert time.perf_counter() - started < 1.0 and refused.value.field == "file"


def test_the_sparse_sheet_through_the_upload_page(app, fake_kind, org):
    from tests.rosters.test_views import _client, _upload

    client = _client(app, org, "caseworker")
    started = time.perf_counter()
    resp = _upload(client, sparse_workbook())
    assert resp.status_code == 422 and time.perf_counter() - started < 1.0
    assert "第 1,048,576 行有内容" in resp.get_data(as_text=True)


def test_rows_after_the_last_non_empty_one_cost_nothing(app, fake_kind, org):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx([["张三", ids(1)[0], org.code]])))
    wb.active.cell(row=900_000, column=9).font = Font(bold=True)  # a formatted, empty cell far below
    result = _import(org, _save(wb))
    assert result.ok and result.rows == 1


@pytest.mark.parametrize(("rows", "cells"), [(30, 1), (1, 500)])
def test_the_row_and_cell_budget_is_checked_while_reading(rows, cells):
    wb = openpyxl.Workbook()
    wb.active.append(HEADERS)
    for r in range(2, rows + 2):
        for c in range(1, cells + 1):
            wb.active.cell(row=r, column=c).font = Font(bold=True)  # styled blanks: parsed, never data
    spec = excel.Spec(headers=HEADERS, required=["姓名"])
    with excel.RosterReader(_save(wb), spec, max_rows=10, max_cells=200) as reader:
        with pytest.raises(OfficeFileError, match="工作表过大"):
            list(reader.rows())


def test_the_error_workbook_holds_only_the_rows_at_fault(app, fake_kind, org):
    good = ids(300)
    rows = [["张三", number, org.code] for number in good[:150]] + [["李四", "123", org.code]]
    rows += [["王五", number, org.code] for number in good[150:]] + [["赵六", "", org.code]]
    data = xlsx(rows)
    result = _import(org, data)
    content = services.error_workbook("fake", data, result.errors)
    sheet = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()]
    assert [r[0] for r in sheet] == ["行号", 152, 303] and len(content) < 10_000
    assert not any(number in str(sheet) for number in good)


def test_error_workbooks_are_encrypted_at_rest(app, fake_kind, org):
    from tests.rosters.test_views import _client, _upload

    client = _client(app, org, "caseworker")
    number = ids(1)[0]
    _upload(client, xlsx([["张三", number, "无此工会"]]))
    stored = list(db.session.scalars(select(StashedFile.content).where(StashedFile.kind == "roster_errors")))
    assert stored and all(not content.startswith(b"PK") and number.encode() not in content for content in stored)
    assert not (Path(app.instance_path) / "roster_errors").exists()  # in the database, for every web machine
    downloaded = client.get("/rosters/errors.xlsx")
    assert downloaded.status_code == 200 and number in str(
        [c.value for row in openpyxl.load_workbook(io.BytesIO(downloaded.data)).active.iter_rows() for c in row])


def _reencoded(data: bytes, codec: str, declaration: bytes = b"", doctype: bool = True) -> bytes:
    """The workbook with its sheet part rewritten in ``codec`` (a DOCTYPE slipped in)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                text = text.split("?>", 1)[1] if text.startswith("<?xml") else text
                head = declaration.decode() or '<?xml version="1.0"?>'
                text = head + ('<!DOCTYPE x [<!ENTITY a "b">]>' if doctype else "") + text
                body = text.encode(codec)
            dst.writestr(info.filename, body)
    return out.getvalue()


@pytest.mark.parametrize(("codec", "declaration"), [
    ("utf-32", b'<?xml version="1.0" encoding="UTF-32"?>'), ("utf-32-be", b""), ("utf-32-le", b""),
    ("cp037", b'<?xml version="1.0" encoding="EBCDIC-CP-US"?>'),
    ("utf-8", b'<?xml version="1.0" encoding="ISO-8859-1"?>'),
    ("utf-16", b'<?xml version="1.0" encoding="UTF-7"?>'),
])
def test_xml_in_any_other_encoding_than_utf8_or_utf16_is_refused(codec, declaration):
    data = _reencoded(xlsx([["张三", "x", "y"]]), codec, declaration, doctype=codec != "utf-8")
    with pytest.raises(OfficeFileError, match="编码|DOCTYPE"):
        check_office_zip(data, kind="xlsx")


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le", "utf-16-be", "utf-16"])
def test_utf8_and_utf16_are_scanned_for_entities(codec):
    with pytest.raises(OfficeFileError, match="DOCTYPE"):
        check_office_zip(_reencoded(xlsx([["张三", "x", "y"]]), codec), kind="xlsx")
    check_office_zip(_reencoded(xlsx([["张三", "x", "y"]]), codec, doctype=False), kind="xlsx")


@pytest.fixture
def limited_kind(app):
    """The fake kind with its 姓名 column declared as filling ``Person.name`` (100 characters)."""
    from caseapp.rosters import base
    from tests.rosters import fakekind

    kind = fakekind.make_kind()
    kind.columns[0].limit = Person.name
    base.register(kind)
    yield kind
    base.unregister(fakekind.KEY)


@pytest.mark.parametrize(("column", "cell", "words"), [(0, "张" * 101, "姓名太长（101 个字符，最多 100 个）"),
                                                        (4, "备" * 501, "备注太长（501 个字符，最多 500 个）")])
def test_every_cell_is_held_to_its_column_limit(app, org, limited_kind, column, cell, words):
    row = ["张三", ids(1)[0], org.code, "", ""]
    row[column] = cell
    result = _import(org, xlsx([row]))
    assert [e.message for e in result.errors] == [words]
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_cells_are_cleaned_of_invisible_characters(app, org, limited_kind):
    result = _import(org, xlsx([["\u200b张\ufeff三 ", ids(1)[0], org.code, "", "第一行\n第二行"]]))
    assert result.ok
    person = db.session.scalar(select(Person))
    assert (person.name, person.work_unit) == ("张三", "第一行 第二行")
