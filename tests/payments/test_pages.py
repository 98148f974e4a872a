"""Pages with one-time form keys, batch actions, documents, the bank return file and the CLI."""
import csv
import io
import json
from datetime import date

import openpyxl
from docx import Document
from sqlalchemy import func, select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.payments import services
from caseapp.payments.models import PaymentItem
from tests.conftest import acting_as, login, on_day
from tests.payments.conftest import id_number, make_person


def _client(app, user):
    c = app.test_client()
    login(c, user)
    return c


def _post(app, c, path, data):
    with app.app_context():  # own session: an error page's rollback leaves the test data alone
        return c.post(path, data=data)


def _get(app, c, path):
    with app.app_context():
        return c.get(path)


def _paid_items(world, n=2):
    people = [make_person(world.org.id, 40 + i, name=f"王{'一二三'[i]}") for i in range(n)]
    with acting_as(world.caseworker):
        items = [services.register_payment(world.project, "慰问", 123_456, person_id=p.id, on=date(2025, 6, 2))
                 for p in people]
    ids = [i.id for i in items]
    with acting_as(world.reviewer):
        services.review(ids)
    with acting_as(world.leader):
        services.approve(ids, meeting_date=date(2025, 6, 3), minutes_no="7号", attendees="甲、乙")
        with on_day(date(2025, 6, 4)):
            services.publicize(ids, date(2025, 6, 4))
    with acting_as(world.finance):
        services.pay(ids, on=date(2025, 6, 20), bank_batch="B6")
    return items


def test_register_form_resubmitted_makes_one_item(app, world):
    make_person(world.org.id, 1)
    c = _client(app, world.caseworker)
    page = _get(app, c, "/payments/new").get_data(as_text=True)
    assert "登记款项" in page and 'name="idem_key"' in page
    form = {"project_id": world.project.id, "aid_type": "慰问", "person": id_number(1), "amount": "1,000.50",
            "reason": "节日慰问", "idem_key": "one-time-key"}
    first = _post(app, c, "/payments/new", form)
    again = _post(app, c, "/payments/new", form)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    item = db.session.scalar(select(PaymentItem))
    assert db.session.scalar(select(func.count()).select_from(PaymentItem)) == 1 and item.amount_fen == 100_050
    assert id_number(1) not in first.headers["Location"]
    detail = _get(app, c, first.headers["Location"]).get_data(as_text=True)
    assert "¥1,000.50" in detail and "登记" in detail and id_number(1) not in detail


def test_batch_action_from_the_work_list(app, world):
    people = [make_person(world.org.id, 10 + i) for i in range(3)]
    with acting_as(world.caseworker):
        ids = [services.register_payment(world.project, "慰问", 10_000, person_id=p.id).id for p in people]
    c = _client(app, world.reviewer)
    assert "对选中的记录" in _get(app, c, "/payments/?status=登记").get_data(as_text=True)
    resp = _post(app, c, "/payments/actions", {"ids": ids, "action": "review", "idem_key": "k"})
    assert resp.status_code == 303
    db.session.expire_all()
    assert {db.session.get(PaymentItem, i).status for i in ids} == {"已审核"}
    refused = _post(app, c, "/payments/actions", {"ids": ids, "action": "reject", "idem_key": "k2"})
    assert refused.status_code == 422 and "驳回必须填写原因" in refused.get_data(as_text=True)


def test_documents(app, world):
    items = _paid_items(world)
    ids = [i.id for i in items]
    c = _client(app, world.caseworker)
    doc = Document(io.BytesIO(_post(app, c, "/payments/exports/publicity.docx", {"ids": ids}).data))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(cell.text for t in doc.tables for r in t.rows
                                                                  for cell in r.cells)
    assert "公示期为2025年6月4日至2025年6月10日" in text and items[0].person.id_masked in text
    assert id_number(40) not in text
    wb = openpyxl.load_workbook(io.BytesIO(_post(app, c, "/payments/exports/roster.xlsx", {"ids": ids}).data))
    values = [v for row in wb.active.iter_rows(values_only=True) for v in row if v is not None]
    assert "领款人签字" in values and "合计金额（大写）：人民币贰仟肆佰陆拾玖元壹角贰分" in values
    masked = _post(app, c, "/payments/exports/bank.csv", {"ids": ids}).data.decode("utf-8-sig")
    assert "62170000000" not in masked
    assert _post(app, c, "/payments/exports/bank.csv", {"ids": ids, "full": "1"}).status_code == 403
    finance = _client(app, world.finance)
    full = _post(app, finance, "/payments/exports/bank.csv", {"ids": ids, "full": "1"}).data.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(full)))[1][2] == "6217000000000000040"
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "payment.bank_export_full")) == 1


def test_bank_return_file_is_all_or_nothing(app, world):
    items = _paid_items(world)
    c = _client(app, world.finance)
    bad = f"款项编号,结果,日期,原因\n{items[0].id},成功,2025-06-21,\n{items[1].id},退回,2025-06-21,\n"
    resp = _post(app, c, "/payments/bank-return", {"file": (io.BytesIO(bad.encode()), "回盘.csv")})
    assert resp.status_code == 422 and "第 3 行：退回的记录须填写原因" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert {i.status for i in items} == {"已发放"}
    good = f"款项编号,结果,日期,原因\n{items[0].id},成功,2025-06-21,\n{items[1].id},退回,2025-06-21,户名不符\n"
    assert _post(app, c, "/payments/bank-return", {"file": (io.BytesIO(good.encode()), "回盘.csv")}).status_code == 303
    db.session.expire_all()
    assert [i.status for i in items] == ["已到账", "已退回"]


def test_reconcile_cli(app, world):
    _paid_items(world, 1)
    result = app.test_cli_runner().invoke(args=["payments", "reconcile", "--year", "2025", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"year": 2025, "ok": True, "differences": []}


def test_every_page_renders_for_its_role(app, world):
    items = _paid_items(world, 1)
    pages = {world.caseworker: ["/payments/", "/payments/batch-new?source=files", "/payments/objections",
                                f"/payments/{items[0].id}"],
             world.finance: ["/payments/", "/payments/bank-return", f"/payments/{items[0].id}"],
             world.admin: ["/payments/settings"]}
    for user, paths in pages.items():
        c = _client(app, user)
        for path in paths:
            resp = _get(app, c, path)
            assert resp.status_code == 200, (user.roles, path)
    assert "冲正" in _get(app, _client(app, world.finance), f"/payments/{items[0].id}").get_data(as_text=True)
    assert _get(app, _client(app, world.caseworker), "/payments/settings").status_code == 403
