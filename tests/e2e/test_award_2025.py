"""Acceptance: the 2025 county award through the pages, from the imported document to 到账 (issues 2–4).

The admin imports the 2025 document and confirms its rules, creates the award event (categories prefilled
from the document), caseworkers nominate people and a collective, the reviewer confirms them; the 5万元
budget stops registrations at 50 people; review (never by the registrant), 集体研究, 公示 with an
objection, payment by finance and the bank's return file; the documents are opened and read.
"""
import csv
import io
import re
from datetime import date

import openpyxl
from docx import Document
from sqlalchemy import select

from caseapp.budgets.models import Project
from caseapp.orgs.models import Organisation
from caseapp.core.db import db
from tests.e2e.browser import (AWARD, Browser, checkbox_ids, confirm_rules, ids_in, import_seed,
                               person_id_number, seed_aid_types)
from tests.conftest import on_day
from tests.factories import UserFactory

PEOPLE = 55  # more than the 5万元 budget allows at 1000元 each


def _roster(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["类别", "姓名或集体名称", "身份证号", "所属工会", "备注"])  # a township's extra column is fine
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _create_event(admin: Browser) -> tuple[int, str]:
    project_id = db.session.scalar(select(Project.id).where(Project.code == AWARD))
    resp = admin.post("/awards/", {"project_id": project_id, "name": "2025年县级劳模和先进集体评选",
                                   "held_on": "2025-04-25"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    event_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    return event_id, admin.page(f"/awards/{event_id}")


def _nominate(staff, town: Browser, county: Browser, event_id: int) -> None:
    page = town.page(f"/awards/{event_id}")
    person_cat = re.search(r'<option value="(\d+)">先进劳模</option>', page).group(1)
    collective_cat = re.search(r'<option value="(\d+)">先进集体</option>', page).group(1)
    shown = town.follow(f"/awards/{event_id}/nominate/person", {
        "category": person_cat, "name": "劳模0", "id_number": person_id_number(0), "org_code": "711101"})
    assert "已提名 劳模0（先进劳模）" in shown and person_id_number(0) not in shown
    shown = town.follow(f"/awards/{event_id}/nominate/collective", {
        "category": collective_cat, "org_code": "711101", "name": "东代固乡纺织厂一车间", "contact_name": "钱六",
        "contact_phone": "13912345678"})
    assert "已提名 东代固乡纺织厂一车间（先进集体）" in shown and "13912345678" not in shown
    rows = [["先进劳模", f"劳模{n}", person_id_number(n), "711102" if n % 2 else "东代固乡工会", ""]
            for n in range(1, PEOPLE)]
    resp = county.upload("/rosters/award/import", _roster(rows), "表彰推荐名单.xlsx", event_id=str(event_id))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and str(PEOPLE - 1) in body, body[:3000]


def _confirm_all(reviewer: Browser, event_id: int) -> str:
    page = reviewer.page(f"/awards/{event_id}")
    recipient_ids = ids_in(page, rf"/awards/{event_id}/recipients/(\d+)/confirm")
    assert len(recipient_ids) == PEOPLE + 1
    for rid in recipient_ids:
        assert reviewer.post(f"/awards/{event_id}/recipients/{rid}/confirm").status_code == 302
    return reviewer.page(f"/awards/{event_id}")


def _register(registrar: Browser, event_id: int) -> list[int]:
    """Register award payments: all at once is refused by the budget, 50 pass, the 51st is refused."""
    page = registrar.page(f"/payments/batch-new?source=award&event_id={event_id}")
    candidates = re.findall(r'name="ids" value="(\d+)"[^>]*></td><td>([^<]+)', page)
    people = [int(rid) for rid, label in candidates if label.startswith("劳模")]
    assert len(people) == PEOPLE and "东代固乡纺织厂一车间" in page
    project_id = re.search(r'<option selected value="(\d+)">2025 ' + AWARD, page).group(1)  # the event's project
    assert '<option selected value="表彰奖励">' in page or '<option value="表彰奖励">' in page

    def batch(ids, key):
        return registrar.post("/payments/batch-new", {
            "source": "award", "project_id": project_id, "aid_type": "表彰奖励", "amount": "1000",
            "on": "2025-05-06", "reason": "2025年县级劳模一次性奖励", "ids": ids, "idem_key": key})

    everyone = batch(people, "all")
    assert everyone.status_code == 409, re.findall(r"<h1>(.*?)</h1>", everyone.get_data(as_text=True), re.S)
    shown = everyone.get_data(as_text=True)
    assert "预算不足：已用 ¥0.00 / ¥50,000.00" in shown and "¥55,000.00" in shown and "整批" in shown
    assert checkbox_ids(registrar.page("/payments/?status=登记")) == []  # all or nothing
    assert batch(people[:50], "first-50").status_code == 303
    assert batch(people[:50], "first-50").status_code == 303  # the same form sent twice: nothing more
    refused = batch(people[50:51], "the-51st")
    assert refused.status_code == 409, re.findall(r"<h1>(.*?)</h1>", refused.get_data(as_text=True), re.S)
    assert "预算不足：已用 ¥50,000.00 / ¥50,000.00" in refused.get_data(as_text=True)
    items = checkbox_ids(registrar.page("/payments/?status=登记"))
    assert len(items) == 50
    return items


def _review_and_approve(registrar, reviewer, leader, items) -> None:
    refused = registrar.post("/payments/actions", {"ids": items, "action": "review", "idem_key": "self-review"})
    assert refused.status_code == 403 and "登记人不能审核通过自己登记的款项" in refused.get_data(as_text=True)
    queue = checkbox_ids(reviewer.page("/payments/?status=登记"))
    assert sorted(queue) == sorted(items)
    shown = reviewer.follow("/payments/actions", {"ids": queue, "action": "review", "idem_key": "review",
                                                  "next": "/payments/?status=已审核"})
    assert "已审核通过 50 笔" in shown
    assert "已审核" in leader.page("/payments/")  # the leader's list starts at 已审核
    shown = leader.follow("/payments/actions", {
        "ids": items, "action": "approve", "meeting_date": "2025-05-08", "minutes_no": "县工会党组〔2025〕5号",
        "attendees": "主席、副主席、经审委主任", "idem_key": "approve", "next": "/payments/?status=已批准"})
    assert "已集体研究通过 50 笔" in shown
    detail = leader.page(f"/payments/{items[0]}")
    assert "县工会党组〔2025〕5号" in detail and "2025年5月8日" in detail


def _publicize_with_objections(leader, reviewer, finance, items) -> None:
    with on_day(date(2025, 5, 12)):  # recorded the day it starts
        shown = leader.follow("/payments/actions", {"ids": items, "action": "publicize", "start_date": "2025-05-12",
                                                    "idem_key": "publicize", "next": "/payments/?status=公示中"})
    assert "2025年5月12日至2025年5月16日" in shown  # 5 working days
    for item_id, text in ((items[0], "群众反映该同志已调离"), (items[1], "群众反映该同志受过处分")):
        page = reviewer.follow(f"/payments/{item_id}/objections", {"content": text, "raised_on": "2025-05-14"})
        assert "已登记异议，该笔款项暂停发放" in page
    early = finance.post("/payments/actions", {"ids": items[2:], "action": "pay", "date": "2025-05-16",
                                               "batch": "NX20250516", "idem_key": "early"})
    assert early.status_code == 409 and "公示期未满" in early.get_data(as_text=True)
    held = finance.post("/payments/actions", {"ids": items, "action": "pay", "date": "2025-05-19",
                                              "batch": "NX20250519", "idem_key": "held"})
    assert held.status_code == 409 and "未处理的异议" in held.get_data(as_text=True)
    listed = reviewer.page("/payments/objections")
    assert "群众反映该同志已调离" in listed and "群众反映该同志受过处分" in listed
    [dismissed] = ids_in(reviewer.page(f"/payments/{items[0]}"), r"/payments/objections/(\d+)/resolve")
    [upheld] = ids_in(reviewer.page(f"/payments/{items[1]}"), r"/payments/objections/(\d+)/resolve")
    reviewer.follow(f"/payments/objections/{dismissed}/resolve", {"outcome": "dismissed",
                                                                    "resolution": "经核实，反映情况不属实"})
    reviewer.follow(f"/payments/objections/{upheld}/resolve", {"outcome": "upheld", "resolution": "经核实，情况属实"})
    assert "已驳回" in reviewer.page(f"/payments/{items[1]}")


def _pay_and_settle(finance, items) -> list[int]:
    payable = checkbox_ids(finance.page("/payments/?status=公示中"))
    assert len(payable) == 49 and items[1] not in payable
    confirm = finance.page_post("/payments/actions", {"ids": payable, "action": "pay", "date": "2025-05-19",
                                                      "batch": "NX20250519", "idem_key": "pay",
                                                      "next": "/payments/?status=已发放"})
    assert "确认发放" in confirm and "49</strong> 笔" in confirm and "¥49,000.00" in confirm
    shown = finance.follow("/payments/actions", {"ids": payable, "action": "pay", "date": "2025-05-19",
                                                 "batch": "NX20250519", "idem_key": "pay", "confirmed": "1",
                                                 "next": "/payments/?status=已发放"})
    assert "已发放 49 笔" in shown and "2025年5月19日 NX20250519" in shown
    return payable


def _documents(caseworker: Browser, finance: Browser, paid: list[int]) -> None:
    doc = Document(io.BytesIO(caseworker.post("/payments/exports/publicity.docx", {"ids": paid}).data))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "公示期为2025年5月12日至2025年5月16日" in text and "劳模0" in text and "¥1,000.00" in text
    assert len(re.findall(r"1304\*{10}\d{3}[\dX]", text)) == len(paid)  # 身份证号 masked
    assert not any(person_id_number(n) in text for n in range(PEOPLE))
    wb = openpyxl.load_workbook(io.BytesIO(caseworker.post("/payments/exports/publicity.xlsx", {"ids": paid}).data))
    cells = [str(v) for row in wb.active.iter_rows(values_only=True) for v in row if v is not None]
    assert any("公示期为2025年5月12日至2025年5月16日" in c for c in cells)
    assert not any(person_id_number(n) in c for n in range(PEOPLE) for c in cells)
    wb = openpyxl.load_workbook(io.BytesIO(caseworker.post("/payments/exports/roster.xlsx", {"ids": paid}).data))
    cells = [v for row in wb.active.iter_rows(values_only=True) for v in row if v is not None]
    assert "领款人签字" in cells and "合计金额（大写）：人民币肆万玖仟元整" in cells
    assert f"合计：{len(paid)} 人（个），金额 ¥49,000.00" in cells
    refused = finance.post("/payments/exports/bank.xlsx", {"ids": paid})  # nominated without bank accounts
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "49 个对象没有银行账号，未生成代发文件" in shown
    assert shown.count("没有银行账号，不能列入代发文件") == 49 and checkbox_ids(shown) and 'checked' in shown
    _add_accounts(paid)
    bank = finance.post("/payments/exports/bank.xlsx", {"ids": paid})
    rows = list(openpyxl.load_workbook(io.BytesIO(bank.data)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("款项编号", "户名", "账号", "开户行", "金额（元）")
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(paid) and {r[4] for r in rows[1:]} == {"1000.00"}


def _add_accounts(paid: list[int]) -> None:
    """The caseworker records each awardee's bank account (as they would on the person's page)."""
    from caseapp.payments.models import PaymentItem
    from caseapp.persons.services import update_person
    from tests.conftest import acting_as

    with acting_as(UserFactory(roles=["caseworker"], org=db.session.scalar(select(Organisation).where(
            Organisation.parent_id.is_(None))))):
        for n, item in enumerate(db.session.scalars(select(PaymentItem).where(PaymentItem.id.in_(paid)))):
            update_person(item.person, bank_name="魏县农村信用社", bank_account=f"6217{n:015d}")
    db.session.flush()


def _bank_return(finance: Browser, paid: list[int]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["款项编号", "结果", "日期", "原因"])
    for item_id in paid:
        writer.writerow([item_id, "退回" if item_id == paid[-1] else "成功", "2025-05-20",
                         "账户已销户" if item_id == paid[-1] else ""])
    resp = finance.upload("/payments/bank-return", out.getvalue().encode("utf-8-sig"), "回盘.csv")
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    assert "已到账 48 笔，已退回 1 笔" in finance.page(resp.headers["Location"])
    assert "共 48 条" in finance.page("/payments/?status=已到账")
    returned = finance.page("/payments/?status=已退回")
    assert f'value="{paid[-1]}"' in returned and "共 1 条" in returned


def test_award_2025_from_the_document_to_the_bank(app, staff):
    admin, reviewer = Browser(app, staff.admin), Browser(app, staff.reviewer)
    leader, finance = Browser(app, staff.leader), Browser(app, staff.finance)
    registrar = Browser(app, UserFactory(org=staff.county, roles=["caseworker", "reviewer"]))
    assert "新增3个项目" in import_seed(admin)
    assert confirm_rules(admin) >= 10
    seed_aid_types(admin)
    check = admin.page("/budgets/check?year=2025")
    assert "¥100,000.00" in check and "¥50,000.00" in check
    event_id, page = _create_event(admin)
    assert "先进劳模" in page and "¥1,000.00" in page and "0 / 100" in page
    assert "先进集体" in page and "0 / 20" in page
    _nominate(staff, Browser(app, staff.town_worker), Browser(app, staff.caseworker), event_id)
    page = _confirm_all(reviewer, event_id)
    assert f"{PEOPLE} / 100" in page and "1 / 20" in page and person_id_number(3) not in page
    items = _register(registrar, event_id)
    _review_and_approve(registrar, reviewer, leader, items)
    _publicize_with_objections(leader, reviewer, finance, items)
    paid = _pay_and_settle(finance, items)
    _documents(Browser(app, staff.caseworker), finance, paid)
    _bank_return(finance, paid)
    project_id = db.session.scalar(select(Project.id).where(Project.code == AWARD))
    project_page = admin.page(f"/projects/{project_id}")
    assert "¥48,000.00" in project_page  # 48 到账 (the returned one is released again)
