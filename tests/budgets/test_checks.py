"""Consistency checks on stored budget data: caps against budgets, cost indicators, plans, prose vs tables."""
import pytest
from sqlalchemy import select
from tests.budgets.docgen import build, guantao_spec
from tests.budgets.test_importer import AID, AWARD, FUNDS, seed_bytes
from tests.conftest import acting_as
from tests.factories import OrgFactory, UserFactory

from caseapp.budgets import importer, rules
from caseapp.budgets.checks import run_checks
from caseapp.budgets.models import Rule
from caseapp.core.db import db


@pytest.fixture
def root(app):
    return OrgFactory(code="711001", name="魏县总工会")


def _kinds(problems):
    return sorted((p.severity, p.project_code, p.kind) for p in problems)


def test_seed_award_overcommitment_and_prose_rates(operator, root):
    importer.confirm(seed_bytes(), "weixian.docx", None, None)
    problems = run_checks(2025)
    assert _kinds(problems) == [
        ("error", AWARD, "cap_over_budget"),
        ("warning", FUNDS, "rate_mismatch"),
        ("warning", AID, "rate_mismatch"),
        ("warning", AID, "rate_mismatch"),
    ]
    error = problems[0]
    assert error.severity == "error"
    assert "¥100,000.00" in error.message and "¥50,000.00" in error.message and "100人" in error.message
    aid_messages = " ".join(p.message for p in problems if p.project_code == AID)
    assert "帮扶救助率 90%" in aid_messages and "100%" in aid_messages and "≥95%" in aid_messages


def test_rejected_rules_do_not_count_and_confirmed_do(operator, root):
    importer.confirm(seed_bytes(), "weixian.docx", None, None)
    cap = db.session.scalar(select(Rule).where(Rule.kind == "headcount_cap"))
    rules.set_rule_status(cap.id, "confirmed")
    assert "cap_over_budget" in {p.kind for p in run_checks(2025)}
    rules.set_rule_status(cap.id, "rejected")
    assert "cap_over_budget" not in {p.kind for p in run_checks(2025)}


def test_plans_costs_and_exact_budgets(operator, root):
    spec = guantao_spec()
    funds, aid, study, award, visits = spec.projects
    funds.plan = {"3月底": "30%", "6月底": "20%", "9月底": "75%", "12月底": "100%"}
    aid.plan = {"3月底": "25%", "6月底": "50%", "9月底": "75%", "12月底": "90%"}
    aid.indicators[4].target = "35万元"
    importer.confirm(build(spec), "guantao.docx", None, None)
    problems = run_checks(2024)
    found = _kinds(problems)
    assert ("error", funds.code, "plan_decreasing") in found
    assert ("warning", aid.code, "plan_incomplete") in found
    assert ("warning", aid.code, "cost_vs_budget") in found
    # 金秋助学: 48人 × 2000元 = 96000元 exactly the budget; its plan ends at 100% with blank cells after it
    assert not [p for p in problems if p.project_code == study.code]
    assert ("warning", funds.code, "rate_mismatch") in found  # prose 满意度90% vs table 100%
    decreasing = next(p for p in problems if p.kind == "plan_decreasing")
    assert "6月底 20%" in decreasing.message and "3月底 30%" in decreasing.message
    cost = next(p for p in problems if p.kind == "cost_vs_budget")
    assert "¥350,000.00" in cost.message and "¥356,600.00" in cost.message


def test_checks_are_scoped(app, root):
    other = OrgFactory(code="722001", name="馆陶县总工会")
    with acting_as(UserFactory(org=root, roles=["admin"])):
        importer.confirm(seed_bytes(), "weixian.docx", None, None)
    with acting_as(UserFactory(org=other, roles=["leader"])):
        assert run_checks(2025) == []
    with acting_as(UserFactory(org=root, roles=["leader"])):
        assert len(run_checks(2025)) == 4
