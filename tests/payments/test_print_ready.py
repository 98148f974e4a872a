"""Documents ready to print: the 公示名单 .docx on A4 with a centred title, the organisation's full name, the 公示期,
监督电话 and address, dated by the 公示; every .xlsx export with widths, a title row (or its title in the page header
when another program reads row 1), borders and print titles; the 花名册 signed and dated by the payment date."""
import io

import openpyxl
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from caseapp.core.db import db
from tests.payments.test_pages import _client, _paid_items, _post
from tests.xlsx import assert_print_ready as _assert_print_ready


def _with_contacts(world):
    org = world.org
    org.full_name, org.supervision_phone, org.address = "魏县总工会（全称）", "0310-3512345", "魏县魏城镇建设街1号"
    db.session.commit()


def test_publicity_docx_is_a4_with_a_centred_title_and_the_period(app, world):
    _with_contacts(world)
    items = _paid_items(world)
    doc = Document(io.BytesIO(_post(app, _client(app, world.caseworker), "/payments/exports/publicity.docx",
                                    {"ids": [i.id for i in items]}).data))
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05) and abs(section.page_height - Cm(29.7)) < Cm(0.05)
    title = doc.paragraphs[0]
    assert title.text == "帮扶救助及奖励资金发放公示" and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert not title.style.name.startswith("Heading")  # no Word blue Heading 1
    assert all(not p.style.name.startswith("Heading") for p in doc.paragraphs)
    texts = [p.text for p in doc.paragraphs]
    assert texts[1] == "魏县总工会（全称）"
    body = "\n".join(texts)
    assert "公示期为2025年6月4日至2025年6月10日" in body and "向魏县总工会（全称）反映" in body
    assert "监督电话：0310-3512345" in body and "地址：魏县魏城镇建设街1号" in body
    assert texts[-2:] == ["魏县总工会（全称）", "2025年6月4日"]  # signed on the right, dated by the 公示
    assert doc.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "姓名/集体", "身份证号", "类型", "金额（元）"]
    assert table.style.name == "Table Grid" and table.rows[0]._tr.trPr.xpath("./w:tblHeader")
    assert table.rows[1].cells[2].text == items[0].person.id_masked


def test_every_payment_xlsx_is_print_ready(app, world):
    _with_contacts(world)
    items = _paid_items(world)
    ids = [i.id for i in items]
    caseworker, finance = _client(app, world.caseworker), _client(app, world.finance)
    publicity = openpyxl.load_workbook(io.BytesIO(
        _post(app, caseworker, "/payments/exports/publicity.xlsx", {"ids": ids}).data)).active
    _assert_print_ready(publicity, header_row=4, title="帮扶救助及奖励资金发放公示")
    values = [c for row in publicity.iter_rows(values_only=True) for c in row if c]
    assert "魏县总工会（全称）" in values and "监督电话：0310-3512345" in values
    assert any("公示期为2025年6月4日至2025年6月10日" in v for v in values if isinstance(v, str))

    roster = openpyxl.load_workbook(io.BytesIO(
        _post(app, caseworker, "/payments/exports/roster.xlsx", {"ids": ids}).data)).active
    _assert_print_ready(roster, header_row=3, title="帮扶救助及奖励资金发放花名册")
    lines = [row[0] for row in roster.iter_rows(values_only=True) if isinstance(row[0], str)]
    assert "单位：魏县总工会（全称）　　发放日期：2025年6月20日" in lines  # the payment date, not the export's
    assert "合计金额（大写）：人民币贰仟肆佰陆拾玖元壹角贰分" in lines
    assert any(line.startswith("制表人：") and "审核人：" in line and "单位负责人：" in line for line in lines)
    assert lines[-1] == "日期：2025年6月20日"

    bank = openpyxl.load_workbook(io.BytesIO(
        _post(app, finance, "/payments/exports/bank.xlsx", {"ids": ids}).data)).active
    _assert_print_ready(bank, header_row=1, title=None)  # the bank's program reads the header from row 1
    assert bank["A1"].value == "款项编号" and bank.oddHeader.center.text == "银行代发"


def test_pages_name_people_not_usernames(app, world):
    """The work list, the item's page and its history say who acted by name (用户N), never the login name."""
    items = _paid_items(world, 1)
    c = _client(app, world.reviewer)
    from tests.payments.test_pages import _get

    for path in ("/payments/?status=已发放", f"/payments/{items[0].id}"):
        page = _get(app, c, path).get_data(as_text=True)
        assert world.caseworker.display_name in page and f">{world.caseworker.username}<" not in page
        assert f"{world.caseworker.username} " not in page
