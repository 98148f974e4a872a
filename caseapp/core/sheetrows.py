"""Reading an .xlsx roster's values fast: openpyxl's workbook and cell handling, the bulk XML (rows, shared
strings) read by a C parser. Use only on files ``check_office_zip`` accepted."""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import coordinate_to_tuple
from openpyxl.worksheet._reader import INLINE_STRING as _INLINE_STRING
from openpyxl.worksheet._reader import ROW_TAG as _ROW_TAG
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from caseapp.core.officefile import OfficeFileError

try:  # installed with python-docx; the standard library's parser is the slower fallback
    from lxml import etree
except ImportError:  # pragma: no cover
    etree = None

__all__ = ["Budget", "SheetTooLarge", "load_values_workbook", "sheet_values"]

_SI_TAG = f"{{{SHEET_MAIN_NS}}}si"


class _SheetParser(WorkSheetParser):
    """openpyxl's sheet parser giving ``(column, value)`` per cell, with a direct path for inline strings (what
    openpyxl itself and our exports write): the text of ``<is><t>`` and its ``<r><t>`` runs, as
    ``Text.content`` gives, without building rich-text objects. Other cells go through openpyxl unchanged."""

    def parse_cell(self, element):
        if element.get("t") != "inlineStr":
            cell = super().parse_cell(element)
            return cell["column"], cell["value"]
        coordinate = element.get("r")
        if coordinate:
            self.col_counter = coordinate_to_tuple(coordinate)[1]
        else:
            self.col_counter += 1
        child = element.find(_INLINE_STRING)
        return self.col_counter, None if child is None else _inline_text(child)


def _inline_text(element) -> str:
    """``Text.from_tree(element).content``: the plain ``t`` (the last one wins) then each run's ``t``."""
    plain, runs = None, []
    for child in element:
        tag = child.tag.rpartition("}")[2]
        if tag == "t":
            plain = child.text
        elif tag == "r":
            text = None
            for part in child:
                if part.tag.rpartition("}")[2] == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    return "".join(([plain] if plain is not None else []) + runs)


@dataclass(frozen=True)
class Budget:
    """How much of a sheet a reader may parse before it refuses the file (checked while reading, not after)."""

    rows: int  #: ``<row>`` elements, blank ones included
    cells: int  #: ``<c>`` elements, those beyond the columns read included


class SheetTooLarge(OfficeFileError):
    """The sheet holds more rows or cells than the budget; str() is a Chinese message."""


def sheet_values(ws, *, min_row: int, width: int, budget: Budget | None = None) -> Iterator[tuple[int, tuple]]:
    """``(row number, values)`` of each row the sheet holds from ``min_row``, ``width`` values wide.

    Rows the XML leaves out are blank and not yielded: a sheet with one cell at row 1,048,576 is one row, not a
    million. Nothing trusts the ``<dimension>`` element (a wrong one would cut the sheet short silently); the
    walk goes through ``_SheetParser``, only after ``check_office_zip``, within ``budget``.
    """
    wb = ws.parent
    with ws._get_source() as source:
        parser = _SheetParser(source, ws._shared_strings, data_only=True, epoch=wb.epoch,
                              date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for number, cells in _parsed_rows(parser, source, budget):
            if number < min_row:
                continue
            values = [None] * width
            for column, value in cells:
                if 1 <= column <= width:
                    values[column - 1] = value
            yield number, tuple(values)


def load_values_workbook(data: bytes, max_strings: int | None = None):
    """``openpyxl.load_workbook(read_only=True, data_only=True)``, reading the shared-strings table (every
    distinct 身份证号, phone and account of an Excel-saved roster) with the C parser too, at most ``max_strings``."""
    reader = _WorkbookReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.max_strings = max_strings
    reader.read()
    return reader.wb


class _WorkbookReader(ExcelReader):
    """openpyxl's workbook reader with ``read_string_table`` done by ``_elements``."""

    max_strings: int | None = None

    def read_strings(self):
        part = self.package.find(SHARED_STRINGS)
        if part is None:
            return
        with self.archive.open(part.PartName[1:]) as source:
            self.shared_strings = []
            for si in _elements(source, _SI_TAG):
                if self.max_strings is not None and len(self.shared_strings) >= self.max_strings:
                    raise SheetTooLarge(f"文件中的文本过多（超过 {self.max_strings:,} 条），请删除多余的内容后重新上传")
                self.shared_strings.append(_inline_text(si).replace("x005F_", ""))


def _parsed_rows(parser: WorkSheetParser, source, budget: Budget | None) -> Iterator[tuple[int, list]]:
    """The sheet's ``<row>`` elements through openpyxl's row parser, counted against ``budget`` before parsing."""
    rows = cells = 0
    for element in _elements(source, _ROW_TAG):
        rows, cells = rows + 1, cells + len(element)
        if budget is not None and (rows > budget.rows or cells > budget.cells):
            raise SheetTooLarge(f"工作表过大：超过 {budget.rows:,} 行或 {budget.cells:,} 个单元格（含设置了格式的空单元格），"
                                "请删除多余的行和列、或分成几个文件后重新上传")
        yield parser.parse_row(element)


def _elements(source, tag: str) -> Iterator:
    """Each complete ``tag`` element, read by lxml (C, only those elements reach Python), then discarded.

    openpyxl parses with defusedxml's pure-Python parser (several times slower). A C parser is safe here:
    ``check_office_zip`` has already refused any part declaring a DOCTYPE or an ENTITY, and lxml is told not
    to resolve entities or touch the network anyway. Without lxml, the standard library's C parser serves.
    """
    if etree is None:
        found = (e for _, e in ElementTree.iterparse(source) if e.tag == tag)
    else:
        found = (e for _, e in etree.iterparse(source, tag=tag, resolve_entities=False, no_network=True))
    for element in found:
        yield element
        element.clear()
        if etree is not None:
            while element.getprevious() is not None:  # keep memory flat: drop the elements already read
                del element.getparent()[0]
