"""core/sheetrows.py: the fast reader gives exactly what openpyxl's read-only values pass gives."""
import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from caseapp.core import sheetrows
from caseapp.core.excel import RosterReader, Spec
from caseapp.core.officefile import OfficeFileError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED = ('<sst xmlns="%s" count="3" uniqueCount="3"><si><t>共享文本</t></si>'
          '<si><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r><rPh sb="0" eb="1"><t>fu</t></rPh></si>'
          '<si><t>_x005F_x000D_转义</t></si></sst>' % MAIN)
#: rows openpyxl never writes itself: rich-text runs with a phonetic guide, cells without ``r``, shared
#: strings, booleans, cached formula text, errors, an empty inline string, a gap of missing rows
EXTRA_ROWS = (
    '<row r="5"><c r="A5" t="inlineStr"><is><r><t>张</t></r><r><rPr><b/></rPr><t xml:space="preserve">三 </t></r>'
    '<rPh sb="0" eb="1"><t>zhang</t></rPh></is></c><c t="inlineStr"><is><t>无坐标</t></is></c>'
    '<c r="D5" t="s"><v>0</v></c><c r="E5" t="s"><v>1</v></c><c r="F5" t="b"><v>0</v></c><c r="I5" t="s"><v>2</v></c>'
    '<c r="G5" t="str"><f>A1</f><v>公式结果</v></c><c r="H5" t="e"><v>#N/A</v></c></row>'
    '<row r="8"><c r="B8" t="inlineStr"><is/></c><c r="C8" t="inlineStr"><is><t/></is></c>'
    '<c r="D8"><v>1.5</v></c><c r="K8" t="inlineStr"><is><t>超出宽度</t></is></c></row>'
)


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "金额", "日期", "时间", "是否", None, "备注"])
    ws.append(["李四", "11010519491231002X", 1200.5, date(2025, 3, 1), datetime(2025, 1, 2, 3, 4), True, None, 7])
    ws.append([None] * 8)
    ws.append(["王五", 130434198506150011, 3, None, None, False, None, "=1+1"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return _with_extras(buffer.getvalue())


def _with_extras(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", EXTRA_ROWS.encode() + b"</sheetData>")
            elif info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            dst.writestr(info.filename, body)
        dst.writestr("xl/sharedStrings.xml", SHARED.encode())
    return out.getvalue()


def _openpyxl_rows(data: bytes, width: int) -> list[tuple[int, tuple]]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    ws.reset_dimensions()
    rows = list(enumerate(ws.iter_rows(min_row=1, max_col=width, values_only=True), start=1))
    wb.close()
    return rows


@pytest.mark.parametrize("width", [1, 8, 9, 12])
def test_rows_match_openpyxl_values_pass(width):
    data = _workbook()
    wb = sheetrows.load_values_workbook(data)
    ours = list(sheetrows.sheet_values(wb.worksheets[0], min_row=1, width=width))
    wb.close()
    assert ours == [(n, values) for n, values in _openpyxl_rows(data, width) if n not in (6, 7)]
    assert [n for n, _ in ours] == [1, 2, 3, 4, 5, 8]  # rows 6 and 7 are not in the sheet: not invented as blanks


def test_rich_text_shared_strings_and_odd_cells_read_as_openpyxl_reads_them():
    wb = sheetrows.load_values_workbook(_workbook())
    rows = dict(sheetrows.sheet_values(wb.worksheets[0], min_row=2, width=11))
    wb.close()
    assert rows[5][:9] == ("张三 ", "无坐标", None, "共享文本", "富文本", False, "公式结果", "#N/A", "_x000D_转义")
    assert rows[8][1:4] == ("", "", 1.5) and rows[8][10] == "超出宽度" and 6 not in rows
    assert rows[2][3:5] == (datetime(2025, 3, 1), datetime(2025, 1, 2, 3, 4)) and isinstance(rows[4][1], float)


def test_roster_reader_uses_it_and_still_refuses_broken_sheet_xml():
    spec = Spec(headers=["姓名", "身份证号"], required=["姓名"])
    with RosterReader(_workbook(), spec) as reader:
        names = [(n, cells["姓名"]) for n, cells in reader.rows()]
    assert names == [(2, "李四"), (4, "王五"), (5, "张三"), (8, "")]
    broken = _rezip_sheet(_workbook(), lambda xml: xml.replace(b"</sheetData>", b"<row r='9'><c></sheetData>"))
    with pytest.raises(OfficeFileError, match="损坏"), RosterReader(broken, spec) as reader:
        list(reader.rows())


def _rezip_sheet(data: bytes, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info.filename, edit(body) if re.search(r"worksheets/sheet1", info.filename) else body)
    return out.getvalue()
