"""Errors stay on the page: a refused form or batch shows the same page with what the user typed and ticked,
the message next to the field or the row it concerns; nothing of the refused work is written."""
import re
from datetime import date

from sqlalchemy import func, select

from caseapp.core.db import db
from caseapp.payments import services
from caseapp.payments.models import Meeting, PaymentItem
from tests.conftest import acting_as, login, on_day
from tests.payments.conftest import id_number, make_person


def _client(app, user):
    c = app.test_client()
    login(c, user)
    return c


def _post(app, c, path, data):
    with app.app_context():
        resp = c.post(path, data=data)
        return resp.status_code, resp.get_data(as_text=True)


def _ticked(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'name="ids" value="(\d+)"[^>]*checked', page)]


def _row_error(page: str, item_id: int) -> str:
    row = re.search(rf'<tr class="row-error" id="item-{item_id}">(.*?)</tr>', page, re.S)
    return re.search(r'<div class="error">([^<]*)</div>', row.group(1)).group(1) if row else ""


def _registered(world, n: int, **kwargs) -> list[int]:
    people = [make_person(world.org.id, 60 + i, name=f"李{'一二三四'[i]}") for i in range(n)]
    with acting_as(world.caseworker):
        return [services.register_payment(world.project, "慰问", 50_000, person_id=p.id, on=date(2025, 6, 2)).id
                for p in people]


def test_aid_for_a_person_without_a_file_keeps_the_form(app, world):
    make_person(world.org.id, 1, name="张无档")
    c = _client(app, world.caseworker)
    status, page = _post(app, c, "/payments/new", {
        "project_id": world.project.id, "aid_type": "生活救助", "person": "张无档", "amount": "1,200",
        "reason": "春节前生活救助", "idem_key": "k1"})
    assert status == 422 and "依档帮扶：张无档" in page
    field = re.search(r'<div class="field picker has-error".*?</div>\s*</div>', page, re.S).group(0)
    assert "依档帮扶" in field  # next to the person, not on a bare error page
    assert 'value="1,200"' in page and "春节前生活救助" in page and 'value="张无档"' in page
    assert "请求编号" not in page and db.session.scalar(select(func.count()).select_from(PaymentItem)) == 0


def test_the_person_is_found_by_name_or_last_four_and_never_by_url(app, world):
    person = make_person(world.org.id, 2, name="赵找人")
    c = _client(app, world.caseworker)
    with app.app_context():
        by_name = c.post("/persons/pick", data={"q": "赵找"}).get_json()
        by_tail = c.post("/persons/pick", data={"q": id_number(2)[-4:]}).get_json()
        by_full = c.post("/persons/pick", data={"q": id_number(2)}).get_json()
    assert [p["id"] for p in by_name] == [p["id"] for p in by_tail] == [p["id"] for p in by_full] == [person.id]
    assert by_name[0]["id_masked"] == person.id_masked and id_number(2) not in str(by_name)
    status, page = _post(app, c, "/payments/new", {"project_id": world.project.id, "aid_type": "慰问",
                                                    "person": "赵找人", "amount": "100", "idem_key": "k2"})
    assert status == 303 or "已登记" in page


def test_meeting_without_minutes_number_keeps_the_selection_and_the_date(app, world):
    ids = _registered(world, 3)
    with acting_as(world.reviewer):
        services.review(ids)
    c = _client(app, world.leader)
    status, page = _post(app, c, "/payments/actions", {
        "ids": ids[:2], "action": "approve", "meeting_date": "2025-06-03", "attendees": "主席、副主席",
        "status": "已审核", "idem_key": "m1"})
    assert status == 422 and sorted(_ticked(page)) == sorted(ids[:2])
    assert re.search(r'纪要编号.*?<div class="error">请填写纪要编号和参会人员</div>', page, re.S)
    assert 'value="2025-06-03"' in page and "主席、副主席" in page
    assert '<option value="approve" selected>' in page
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_paying_a_batch_names_the_item_with_the_open_objection(app, world):
    ids = _registered(world, 3)
    with acting_as(world.reviewer):
        services.review(ids)
    with acting_as(world.leader):
        services.approve(ids, meeting_date=date(2025, 6, 3), minutes_no="7号", attendees="甲、乙")
        with on_day(date(2025, 6, 4)):
            services.publicize(ids, date(2025, 6, 4))
    with acting_as(world.reviewer), on_day(date(2025, 6, 5)):
        services.raise_objection(ids[1], "群众反映已调离本单位", date(2025, 6, 5))
    c = _client(app, world.finance)
    with on_day(date(2025, 6, 20)):
        status, page = _post(app, c, "/payments/actions", {
            "ids": ids, "action": "pay", "date": "2025-06-20", "batch": "B620", "status": "公示中", "idem_key": "p"})
    assert status == 409 and f"编号{ids[1]} 李二" in page
    assert _row_error(page, ids[1]) == "存在未处理的异议：群众反映已调离本单位"
    assert _row_error(page, ids[0]) == "" and sorted(_ticked(page)) == sorted(ids)
    assert 'value="B620"' in page
    with on_day(date(2025, 6, 20)):  # the others: a confirmation first, nothing paid until confirmed
        status, page = _post(app, c, "/payments/actions", {
            "ids": [ids[0], ids[2]], "action": "pay", "date": "2025-06-20", "batch": "B620", "idem_key": "p2"})
        assert status == 200 and "确认发放" in page and "¥1,000.00" in page
        assert db.session.scalar(select(func.count()).where(PaymentItem.status == "已发放")) == 0
        status, page = _post(app, c, "/payments/actions", {
            "ids": [ids[0], ids[2]], "action": "pay", "date": "2025-06-20", "batch": "B620", "idem_key": "p2",
            "confirmed": "back", "status": "公示中"})
        assert status == 200 and sorted(_ticked(page)) == sorted([ids[0], ids[2]]) and 'value="B620"' in page
        status, _page = _post(app, c, "/payments/actions", {
            "ids": [ids[0], ids[2]], "action": "pay", "date": "2025-06-20", "batch": "B620", "idem_key": "p2",
            "confirmed": "1"})
    assert status == 303
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(PaymentItem.status == "已发放")) == 2


def test_exporting_nothing_selected_stays_on_the_list(app, world):
    _registered(world, 1)
    c = _client(app, world.caseworker)
    status, page = _post(app, c, "/payments/exports/publicity.docx", {"status": "登记"})
    assert status == 422 and "请先选择要导出的记录" in page and "款项发放 · 登记" in page


def test_the_bank_file_refuses_people_without_an_account_by_row(app, world):
    ids = _registered(world, 2)
    person = db.session.get(PaymentItem, ids[0]).person
    person.bank_account, person.bank_account_masked = None, None
    db.session.flush()
    c = _client(app, world.finance)
    status, page = _post(app, c, "/payments/exports/bank.xlsx", {"ids": ids, "status": "登记"})
    assert status == 422 and f"编号{ids[0]} 李一" in page and "1 个对象没有银行账号" in page
    assert _row_error(page, ids[0]) == "没有银行账号，不能列入代发文件" and _row_error(page, ids[1]) == ""
    assert sorted(_ticked(page)) == sorted(ids)


def test_the_work_list_tabs_count_and_show_only_the_users_actions(app, world):
    _registered(world, 3)
    c = _client(app, world.reviewer)
    with app.app_context():
        page = c.get("/payments/?status=登记").get_data(as_text=True)
    assert re.search(r'登记 <span class="count">3</span>', page)
    actions = re.findall(r'<option value="(\w+)"', page.split('data-action-select')[1].split("</select>")[0])
    assert actions == ["reject", "cancel", "review"] or set(actions) == {"review", "reject", "cancel"}
    assert 'data-for-actions="reject cancel"' in page and "银行批次号" not in page
