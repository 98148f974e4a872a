"""Data checks catch drift after a budget or rule change; the daily scan reports unpaid and waiting items."""
from datetime import date
from decimal import Decimal

from sqlalchemy import text

from caseapp.budgets.checks import run_checks
from caseapp.budgets.models import Rule
from caseapp.core.db import db
from caseapp.deadlines.scan import find_all
from caseapp.payments import services
from tests.conftest import acting_as
from tests.payments.conftest import make_award, make_filed, make_person, make_recipient


def _award_items(world, n: int, amount: int = 100_000):
    event, category = make_award(world.project, amount_fen=amount)
    people = [make_person(world.org.id, i) for i in range(n)]
    with acting_as(world.caseworker):
        return category, [services.register_payment(world.project, "表彰奖励", amount,
                                                    recipient_id=make_recipient(event, category, p).id,
                                                    on=date(2025, 4, 1)) for p in people]


def _rule(world, kind: str, value: int, unit: str, **extra) -> Rule:
    rule = Rule(year=2025, org_id=world.org.id, project_id=world.project.id, kind=kind, value=Decimal(value),
                unit=unit, status="confirmed", source_text=extra.pop("source_text", "测试规则"), **extra)
    db.session.add(rule)
    db.session.flush()
    return rule


def _kinds(year=2025) -> set[str]:
    return {p.kind for p in run_checks(year)}


def test_clean_data_has_no_payment_problems(world, operator):
    _award_items(world, 3)
    _rule(world, "headcount_cap", 100, "人")
    _rule(world, "per_person_amount", 1000, "元")
    assert not _kinds() & {"over_budget", "over_headcount", "amount_mismatch", "counter_mismatch"}


def test_budget_cut_below_usage_is_an_error(world, operator):
    _award_items(world, 3)
    world.project.budget_fen = 200_000  # the 预算数 was edited after ¥3,000 was registered
    db.session.flush()
    problems = [p for p in run_checks(2025) if p.kind == "over_budget"]
    assert problems and "¥3,000.00" in problems[0].message and "¥2,000.00" in problems[0].message


def test_rule_tightened_after_registration(world, operator):
    _award_items(world, 3)
    _rule(world, "headcount_cap", 2, "人", source_text="表彰人数不超过2人")
    _rule(world, "per_person_amount", 800, "元", source_text="每个人奖励800元")
    kinds = _kinds()
    assert {"over_headcount", "amount_mismatch"} <= kinds


def test_counter_drift_is_reported(world, operator):
    _award_items(world, 2)
    db.session.execute(text("UPDATE budget_counters SET reserved_fen = reserved_fen + 1"))
    problems = [p for p in run_checks(2025) if p.kind == "counter_mismatch"]
    assert problems and "计数" in problems[0].message


def test_scan_reports_unpaid_items_before_deadline(world, operator):
    _award_items(world, 4)
    _rule(world, "deadline", 0, "", subject="6月底前完成资金发放", deadline_kind="month_end", deadline_month=6)
    found = [f for f in find_all(date(2025, 6, 25)) if f.kind == "unpaid_before_deadline"]
    assert len(found) == 1 and found[0].count == 4 and found[0].offset == 7
    assert "仍有4笔款项未发放" in found[0].message
    late = [f for f in find_all(date(2025, 7, 3)) if f.kind == "unpaid_before_deadline"]
    assert late and late[0].offset == -1 and "已于2025年6月30日截止" in late[0].message


def test_scan_reports_items_waiting_for_review(world, operator):
    person = make_person(world.org.id, 1)
    make_filed(person)
    with acting_as(world.caseworker):
        services.register_payment(world.project, "生活救助", 50_000, person_id=person.id, on=date(2025, 3, 3))
    waiting = [f for f in find_all(date(2025, 3, 20)) if f.kind == "waiting_for_approval"]
    assert waiting and waiting[0].count == 1 and "内部审核" in waiting[0].message
    assert not [f for f in find_all(date(2025, 3, 5)) if f.kind == "waiting_for_approval"]


def test_nightly_check_job_counts(world, operator):
    from caseapp.payments.jobs import nightly_check

    _award_items(world, 2)
    assert nightly_check(2025) == {"year": 2025, "differences": 0, "errors": 0, "data_problems": 0}
