"""Building small .xlsx files in tests."""
import io

import openpyxl
from openpyxl.utils import get_column_letter


def workbook(headers: list[str], rows) -> bytes:
    """An .xlsx with ``headers`` in row 1 and ``rows`` below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def assert_print_ready(ws, *, header_row: int, title: str | None):
    """Widths on every column, thin borders on the header and the data, the header repeated, A4 fitted to width."""
    last = ws.max_column
    assert all(ws.column_dimensions[get_column_letter(c)].width for c in range(1, last + 1))
    for row in (header_row, header_row + 1):
        for col in range(1, last + 1):
            border = ws.cell(row=row, column=col).border
            assert border.left.style == border.right.style == border.top.style == border.bottom.style == "thin"
    assert ws.print_title_rows.replace("$", "") == f"{header_row}:{header_row}"
    assert ws.page_setup.paperSize in (9, "9") and ws.sheet_properties.pageSetUpPr.fitToPage
    if title is not None:
        assert ws["A1"].value == title and ws["A1"].alignment.horizontal == "center"
