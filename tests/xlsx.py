"""Building small .xlsx files in tests."""
import io

import openpyxl


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
