"""Set-based batch registration and the "payment" roster kind: all or nothing, refusals name the rows."""
from datetime import date

import pytest
from sqlalchemy import event, func, select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Conflict
from caseapp.payments import services
from caseapp.payments.models import BudgetCounter, CategoryCounter, PaymentEvent, PaymentItem, PersonAidCounter
from caseapp.payments.registration import LinesRefused
from caseapp.payments.settings import aid_type_named, set_aid_cap
from caseapp.rosters import services as rosters
from tests.conftest import acting_as
from tests.payments.conftest import id_number, make_award, make_filed, make_person, make_recipient
from tests.xlsx import workbook

HEADERS = ["项目编码", "发放类型", "姓名", "身份证号", "金额(元)", "发放事由"]


def xlsx(rows) -> bytes:
    return workbook(HEADERS, rows)


def _import(rows, dry_run=False):
    return rosters.import_roster("payment", xlsx(rows), filename="发放名单.xlsx", dry_run=dry_run,
                                 today=date(2025, 6, 2))


def _state():
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(PaymentItem)),
            db.session.scalar(select(func.count()).select_from(PaymentEvent)),
            db.session.scalar(select(func.coalesce(func.sum(BudgetCounter.reserved_fen), 0))),
            db.session.scalar(select(func.coalesce(func.sum(CategoryCounter.used), 0))),
            db.session.scalar(select(func.coalesce(func.sum(PersonAidCounter.used_fen), 0))))


def _count_statements():
    seen = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", listener)


def test_batch_of_award_recipients_is_set_based_and_audited(world):
    ev, category = make_award(world.project, max_count=100, amount_fen=10_000)
    recipients = [make_recipient(ev, category, make_person(world.org.id, n)) for n in range(35)]
    with acting_as(world.caseworker):
        assert services.register_many(world.project, "表彰奖励", None, recipient_ids=[r.id for r in recipients[:5]],
                                      on=date(2025, 6, 2)) == 5  # the first batch also creates the counters
        seen, stop = _count_statements()
        try:
            count = services.register_many(world.project, "表彰奖励", None,
                                           recipient_ids=[r.id for r in recipients[5:]], on=date(2025, 6, 2))
        finally:
            stop()
    assert count == 30
    assert len(seen) <= 12, seen  # a fixed number of statements (its savepoint included), not one per person
    assert _state()[:4] == (35, 35, 350_000, 35)
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payment.register")).all()
    assert len(audits) == 35 and all("身份证" not in str(a.after) for a in audits)


def test_batch_is_all_or_nothing_and_names_each_refused_person(world):
    filed = [make_person(world.org.id, n) for n in range(3)]
    for p in filed:
        make_filed(p)
    unfiled = make_person(world.org.id, 9, name="周九")
    before = _state()
    with acting_as(world.caseworker), pytest.raises(LinesRefused) as refused:
        services.register_many(world.project, "生活救助", 20_000, person_ids=[p.id for p in filed] + [unfiled.id],
                               on=date(2025, 6, 2))
    assert refused.value.problems == [("第4条", "依档帮扶：周九 在 2025年6月2日 没有在档的困难职工档案，不能登记生活救助")]
    assert _state() == before


def test_batch_headcount_refusal_names_the_rows_beyond_the_cap(world):
    ev, category = make_award(world.project, max_count=2, amount_fen=10_000)
    recipients = [make_recipient(ev, category, make_person(world.org.id, n, name=f"获奖{n}")) for n in range(4)]
    with acting_as(world.caseworker):
        with pytest.raises(LinesRefused) as refused:
            services.register_many(world.project, "表彰奖励", None, recipient_ids=[r.id for r in recipients])
        assert [label for label, _ in refused.value.problems] == ["第3条（获奖2）", "第4条（获奖3）"]
        assert refused.value.status == 409
        assert services.register_many(world.project, "表彰奖励", None, recipient_ids=[recipients[0].id]) == 1


def test_batch_refuses_people_already_registered_and_repeats(world):
    people = [make_person(world.org.id, n, name=f"职工{n}") for n in range(3)]
    with acting_as(world.caseworker):
        services.register_payment(world.project, "慰问", 10_000, person_id=people[0].id, on=date(2025, 6, 1))
        with pytest.raises(LinesRefused) as refused:
            services.register_many(world.project, "慰问", 10_000, on=date(2025, 6, 1),
                                   person_ids=[people[0].id, people[1].id, people[1].id])
    assert refused.value.problems == [("第3条（职工1）", "与第2条（职工1）重复，同一批中每人只能登记一次"),
                                      ("第1条（职工0）", "重复登记：职工0 已有本项目本期的慰问款项")]
    assert isinstance(refused.value, Conflict) and refused.value.status == 409


def test_roster_registers_every_row_with_category_amount_for_awards(world):
    ev, category = make_award(world.project, max_count=10, amount_fen=100_000)
    winner = make_person(world.org.id, 1, name="郑一")
    make_recipient(ev, category, winner)
    make_filed(make_person(world.org.id, 2, name="钱二"))
    rows = [["P-AWARD", "表彰奖励", "郑一", id_number(1), None, "2025年县级劳模"],
            ["P-AWARD", "生活救助", "钱二", id_number(2), "800.50", "春节救助"]]
    with acting_as(world.caseworker):
        result = _import(rows)
    assert (result.ok, result.created) == (True, 2)
    got = {i.recipient_name: (i.amount_fen, i.reason) for i in db.session.scalars(select(PaymentItem))}
    assert got == {"郑一": (100_000, "2025年县级劳模"), "钱二": (80_050, "春节救助")}


def test_roster_cap_refusal_names_rows_and_writes_nothing(world):
    from caseapp.budgets.models import Project

    with acting_as(world.admin):
        set_aid_cap(aid_type_named("慰问").id, 100_000)
    people = [make_person(world.org.id, n) for n in range(3)]
    other = Project(year=2025, code="P-2", name="另一个项目", org_id=world.org.id, budget_fen=1_000_000)
    db.session.add(other)
    db.session.flush()
    rows = [["P-AWARD", "慰问", f"职工{n}", id_number(n), "600", ""] for n in range(3)]
    with acting_as(world.caseworker):
        services.register_payment(other, "慰问", 50_000, person_id=people[1].id, on=date(2025, 6, 2))
        before = _state()
        with pytest.raises(Conflict) as refused:
            _import(rows)
    assert refused.value.message == "整批未登记。第3行（职工1）：超出个人年度限额（慰问 每人每年 ¥1,000.00）"
    assert _state() == before


def test_roster_budget_refusal_says_from_which_row(world):
    rows = [["P-AWARD", "慰问", f"职工{n}", id_number(n), "20000", ""] for n in range(4)]
    for n in range(4):
        make_person(world.org.id, n)
    with acting_as(world.caseworker), pytest.raises(Conflict) as refused:
        _import(rows)
    assert "预算不足：已用 ¥0.00 / ¥50,000.00，本批合计 ¥80,000.00，超出部分自第4行（职工2）起（共 2 条）" in \
        refused.value.message
    assert _state()[0] == 0


def test_roster_row_errors_and_name_mismatch(world):
    make_person(world.org.id, 1, name="郑一")
    with acting_as(world.caseworker):
        result = _import([["NOPE", "慰问", "郑一", id_number(1), "100", ""],
                          ["P-AWARD", "不存在", "郑一", "123", "-5", ""]])
        assert {(e.row, e.column) for e in result.errors} == {(2, "项目编码"), (3, "发放类型"), (3, "身份证号"),
                                                              (3, "金额(元)")}
        mismatch = _import([["P-AWARD", "慰问", "郑二", id_number(1), "100", ""]])
    assert [(e.row, e.column) for e in mismatch.errors] == [(2, "姓名")]
    assert "已登记为“郑一”，与填写的姓名“郑二”不一致" in mismatch.errors[0].message and _state()[0] == 0


def test_reimporting_the_same_list_does_not_pay_twice(world):
    make_person(world.org.id, 1, name="郑一")
    rows = [["P-AWARD", "慰问", "郑一", id_number(1), "100", "慰问"]]
    with acting_as(world.caseworker):
        assert _import(rows, dry_run=True).created == 1
        assert _import(rows).created == 1
        with pytest.raises(Conflict, match="同样内容的发放名单已导入过（登记 1 笔）"):
            _import(rows)
    assert _state()[0] == 1


def test_cli_imports_a_payment_list(app, world, tmp_path):
    from caseapp.payments.models import PaymentItem as Item

    make_person(world.org.id, 1, name="郑一")
    path = tmp_path / "发放名单.xlsx"
    path.write_bytes(xlsx([["P-AWARD", "慰问", "郑一", id_number(1), "100", ""]]))
    result = app.test_cli_runner().invoke(args=["import", "roster", "payment", str(path)])
    assert result.exit_code == 0, result.output
    assert "导入完成：1行，新增1" in result.output
    assert db.session.scalar(select(func.count()).select_from(Item)) == 1


def test_roster_over_two_projects_is_all_or_nothing(world):
    from caseapp.budgets.models import Project

    for code, budget_fen in (("P-AID", 1_000_000), ("P-SMALL", 10_000)):  # P-AID's rows are registered first
        db.session.add(Project(year=2025, code=code, name=code, org_id=world.org.id, budget_fen=budget_fen))
        db.session.flush()
    people = [make_person(world.org.id, n) for n in range(3)]
    rows = [["P-AID", "慰问", "职工0", id_number(0), "100", ""]] + \
        [["P-SMALL", "慰问", f"职工{n}", id_number(n), "100", ""] for n in (1, 2)]
    before = _state()
    with acting_as(world.caseworker), pytest.raises(Conflict, match="预算不足"):
        _import(rows)
    assert _state() == before and len(people) == 3
