"""Writing :class:`~caseapp.core.printform.Sheet` forms to .docx: one A4 section per form, bordered table."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from caseapp.core.printform import A4, BODY_FONT, MARGINS_CM, TITLE_FONT, Sheet

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
          "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
_BODY_PT, _TITLE_PT = 10.5, 18  #: 五号 and 小二
#: fontTable entries: the Chinese name, the name Word looks for when it is missing, panose, pitch
_FONTS = ((TITLE_FONT, "02010600030101010101", "variable"), (BODY_FONT, "02010609060101010101", "fixed"))


def document(sheets: list[Sheet]) -> bytes:
    """One section (own page and orientation) per form."""
    doc = Document()
    _declare_fonts(doc)
    for index, sheet in enumerate(sheets):
        section = doc.sections[0] if index == 0 else doc.add_section(WD_SECTION.NEW_PAGE)
        _page(section, sheet)
        _paragraph(doc, sheet.title, TITLE_FONT[0], _TITLE_PT, bold=True)
        _paragraph(doc, sheet.subtitle, BODY_FONT[0], 12)
        for text in sheet.notes:
            _paragraph(doc, text, BODY_FONT[0], 12, align="justify", indent=True)
        _table(doc, sheet)
        for line in sheet.footer:
            _paragraph(doc, line, BODY_FONT[0], _BODY_PT, align="left", space_before=8)
        for n, line in enumerate(sheet.closing):
            _paragraph(doc, line, BODY_FONT[0], 12, align="right", space_before=24 if n == 0 else 0)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _declare_fonts(doc) -> None:
    """Name 宋体/仿宋 with their fallbacks (SimSun/FangSong, GB2312) so Word substitutes a Chinese font."""
    part = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
        f'<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="{pitch}"/></w:font>'
        for (name, alt), panose, pitch in _FONTS)
    part._blob = part.blob.replace(b"</w:fonts>", entries.encode("utf-8") + b"</w:fonts>")
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(_BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT[0])


def _page(section, sheet: Sheet) -> None:
    width, height = (A4[1], A4[0]) if sheet.landscape else A4
    section.orientation = WD_ORIENT.LANDSCAPE if sheet.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(width), Cm(height)
    top, right, bottom, left = MARGINS_CM
    section.top_margin, section.right_margin = Cm(top), Cm(right)
    section.bottom_margin, section.left_margin = Cm(bottom), Cm(left)


def _paragraph(doc, text: str, font: str, size: float, *, bold: bool = False, align: str = "center",
               space_before: float = 0, indent: bool = False) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = _ALIGN[align]
    if indent:  # two characters, as Chinese paragraphs start
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.space_before = Pt(space_before)
    paragraph.paragraph_format.space_after = Pt(4)
    _run(paragraph, text, font, size, bold)


def _run(paragraph, text: str, font: str, size: float, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.bold, run.font.size, run.font.name = bold, Pt(size), "Times New Roman"
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _table(doc, sheet: Sheet) -> None:
    table = doc.add_table(rows=sheet.row_count, cols=len(sheet.widths_cm))
    table.style, table.alignment, table.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
    _narrow_cell_margins(table)
    for col, width in zip(table.columns, sheet.widths_cm):
        col.width = Cm(width)
        for cell in col.cells:
            cell.width = Cm(width)
    for spec in sheet.cells:
        cell = table.cell(spec.row, spec.col)
        if spec.rowspan > 1 or spec.colspan > 1:
            cell = cell.merge(table.cell(spec.row + spec.rowspan - 1, spec.col + spec.colspan - 1))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.alignment = _ALIGN[spec.align]
        _cell_text(paragraph, spec.text, spec.bold)
    for n, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if n < sheet.header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))


def _narrow_cell_margins(table) -> None:
    """0.1 cm left and right inside each cell (Word's 0.19 cm wraps 12.50 in a 1.4 cm column)."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "57")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    table._tbl.tblPr.append(margins)


def _cell_text(paragraph, text: str, bold: bool) -> None:
    """The text with its line breaks kept inside one paragraph."""
    for n, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if n:
            run.add_break()
        run.add_text(line)
        run.bold, run.font.size = bold, Pt(_BODY_PT)
        run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT[0])
