"""core/excel.py: safe reading of uploaded rosters and safe writing of templates, exports, error files."""
import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from caseapp.core import excel
from caseapp.core.excel import RosterReader, Spec, cell_text
from caseapp.core.officefile import OfficeFileError
from caseapp.rosters.base import Column
from tests.rosters.fakekind import HEADERS, ids, xlsx

SPEC = Spec(headers=HEADERS, required=["姓名", "身份证号", "所属工会"])
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _read(data: bytes, spec: Spec = SPEC, **limits) -> list[tuple[int, dict]]:
    with RosterReader(data, spec, **limits) as reader:
        return list(reader.rows())


def _refusal(data: bytes, spec: Spec = SPEC, **limits) -> str:
    with pytest.raises(OfficeFileError) as caught:
        _read(data, spec, **limits)
    assert re.search(r"[\u4e00-\u9fff]", str(caught.value))
    return str(caught.value)


def _rezip(data: bytes, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, edit(info.filename, src.read(info)))
    return out.getvalue()


def test_cell_values_become_text_keeping_excel_damage_visible():
    assert cell_text(None) == ""
    assert cell_text("  张三\u3000") == "张三"
    assert cell_text(3000) == "3000"
    assert cell_text(130434198506150011.0) == "1.30434E+17"
    assert cell_text(13812345678.0) == "13812345678.0"
    assert cell_text(1234.5) == "1234.5"
    assert cell_text(datetime(2025, 6, 30)) == "2025-06-30"
    assert cell_text(datetime(2025, 6, 30, 8, 30)) == "2025-06-30 08:30:00"
    assert cell_text(date(2025, 1, 29)) == "2025-01-29"
    assert cell_text(True) == "是"


def test_rows_keyed_by_header_in_any_order_with_extra_columns_and_spaced_headers():
    headers = ["备注", " 所属 工会", "身份证号\u3000", "姓名*", "工号"]
    number = ids(1)[0]
    rows = _read(xlsx([["无", "130434", number, "张三", "A01"], [], [None, "130434", number, "李四", None]],
                      headers=headers))
    assert rows == [
        (2, {"姓名": "张三", "身份证号": number, "所属工会": "130434", "备注": "无"}),
        (4, {"姓名": "李四", "身份证号": number, "所属工会": "130434", "备注": ""}),
    ]


def test_missing_required_columns_are_all_named():
    message = _refusal(xlsx([["张三"]], headers=["姓名", "类别"]))
    assert "缺少必需的列：身份证号、所属工会" in message


def test_title_row_instead_of_header_is_explained():
    message = _refusal(xlsx([HEADERS], headers=["2025年困难职工花名册"]))
    assert "第1行应为列名" in message and "缺少必需的列" in message


def test_merged_header_cells_are_refused_but_merged_data_cells_are_not():
    assert "合并单元格（A1:B1）" in _refusal(xlsx([["张三", ids(1)[0], "130434"]], merge="A1:B1"))
    assert len(_read(xlsx([["张三", ids(1)[0], "130434", None, "x"]], merge="E2:E3"))) == 1


def test_duplicate_header_is_refused():
    assert "两次" in _refusal(xlsx([], headers=HEADERS + ["姓名"]))


def test_legacy_xls_is_refused_with_save_as_hint():
    assert ".xlsx" in _refusal(OLE + b"\x00" * 2048)


def test_zip_bomb_is_refused_before_parsing():
    buffer = io.BytesIO(xlsx([]))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet2.xml", b"\0" * (30 * 1024 * 1024))
    assert "压缩炸弹" in _refusal(buffer.getvalue())


def test_entity_attack_is_refused():
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'

    def inject(name, body):
        return evil + body if name == "xl/worksheets/sheet1.xml" else body

    data = _rezip(xlsx([["&b;", ids(1)[0], "130434"]]), inject)
    assert "DOCTYPE" in _refusal(data)


def test_defusedxml_guards_openpyxl():
    assert openpyxl.DEFUSEDXML is True


def test_too_many_rows_is_refused_with_the_limit():
    rows = [["张三", n, "130434"] for n in ids(6)]
    assert len(_read(xlsx(rows), max_rows=6)) == 6
    assert "一次最多导入 5 行" in _refusal(xlsx(rows), max_rows=5)


def test_too_many_columns_is_refused():
    assert "列数过多" in _refusal(xlsx([], headers=HEADERS + [f"列{i}" for i in range(10)]), max_columns=8)


def test_wrong_dimension_does_not_hide_rows():
    data = _rezip(xlsx([["张三", n, "130434"] for n in ids(3)]),
                  lambda name, body: re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1"/>', body)
                  if name.startswith("xl/worksheets/") else body)
    assert [n for n, _ in _read(data)] == [2, 3, 4]


def test_garbage_is_refused_without_a_traceback():
    assert "损坏" in _refusal(b"PK\x03\x04" + b"\x00" * 100)


def _load(content: bytes, **kw):
    return openpyxl.load_workbook(io.BytesIO(content), **kw)


def test_exports_write_formula_like_text_as_text():
    columns = [Column("姓名"), Column("备注", required=False)]
    payloads = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    content, count = excel.export_workbook("测试", columns, [[p, p] for p in payloads])
    ws = _load(content).active
    assert count == len(payloads)
    cells = [ws.cell(row=r, column=1) for r in range(2, 2 + len(payloads))]
    assert [c.value for c in cells] == payloads
    assert all(c.data_type == "s" for c in cells)
    assert ws.cell(row=2, column=1).quotePrefix
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_template_has_text_id_column_dropdowns_and_instructions():
    long_choices = [f"选项{i}号很长的名字" for i in range(30)]
    columns = [Column("姓名"), Column("身份证号", text=True), Column("类别", choices=["甲", "乙"], help="选一个"),
               Column("原因", required=False, choices=long_choices)]
    wb = _load(excel.template_workbook("测试花名册", columns, max_rows=100))
    ws = wb["测试花名册"]
    assert [c.value for c in ws[1]] == ["姓名", "身份证号", "类别", "原因"]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].number_format == "@"
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert validations["C2:C101"].formula1 == '"甲,乙"'
    assert validations["D2:D101"].formula1.startswith("'选项'!")
    assert wb["选项"].sheet_state == "hidden" and wb["选项"]["A30"].value == long_choices[-1]
    notes = [[c.value for c in row] for row in wb[excel.INSTRUCTIONS_TITLE].iter_rows(min_row=2, max_row=5)]
    assert notes[0][:2] == ["姓名", "必填"]
    assert notes[2] == ["类别", "必填", "甲、乙", "选一个"]
    assert notes[3][1] == "选填"


def test_error_workbook_holds_only_the_rows_at_fault_with_their_row_numbers():
    number = ids(1)[0]
    data = xlsx([["张三", number, "130434"], [], ["@SUM(A1)", "123", "130434"]])
    with RosterReader(data, SPEC) as reader:
        content = excel.error_workbook(reader, {4: ["身份证号：应为18位", "姓名：不对"]})
    ws = _load(content).active
    assert [c.value for c in ws[1]][0] == "行号" and [c.value for c in ws[1]][-1] == "错误"
    assert ws.max_row == 2 and number not in str([c.value for row in ws.iter_rows() for c in row])
    assert ws.cell(row=2, column=1).value == 4 and ws.cell(row=2, column=7).value == "身份证号：应为18位；姓名：不对"
    assert ws.cell(row=2, column=2).value == "@SUM(A1)" and ws.cell(row=2, column=2).data_type == "s"


def test_exports_and_forms_are_print_ready():
    """Widths, borders, the header on row 1 repeated on every printed page (the file can be imported again), A4,
    the title in the page header."""
    from tests.xlsx import assert_print_ready

    columns = [Column("姓名"), Column("备注", required=False, choices=["是", "否"])]
    for content, _count in (excel.export_workbook("测试名册", columns, [["张三", "是"]]),
                            excel.form_workbook("测试名册", columns, [["张三", "是"]], notes=["说明"])):
        ws = _load(content).worksheets[0]
        assert_print_ready(ws, header_row=1, title=None)
        assert ws["A1"].value == "姓名" and ws.oddHeader.center.text == "测试名册"
