"""Benefit rules as data: the three shapes, filters, validation and admin-only editing."""
import pytest

from caseapp.core.errors import Forbidden, ValidationFailed
from caseapp.modelworkers import benefits
from caseapp.modelworkers.models import BenefitRule, ModelWorker
from caseapp.modelworkers.services import benefit_amount
from tests.conftest import acting_as


def _mw(**over):
    return ModelWorker(**{"level": "市级", "status": "在职", "is_hardship": True, **over})


def test_fixed_by_level():
    rule = BenefitRule(shape="fixed", level="市级", amount_fen=300_000)
    assert benefit_amount(rule, _mw()) == 300_000
    assert benefit_amount(rule, _mw(level="县级")) == 0


def test_top_up_pays_the_difference_never_negative():
    rule = BenefitRule(shape="top_up", threshold_fen=250_000)
    assert benefit_amount(rule, _mw(), income_fen=180_000) == 70_000
    assert benefit_amount(rule, _mw(), income_fen=300_000) == 0
    with pytest.raises(ValidationFailed) as err:
        benefit_amount(rule, _mw())
    assert err.value.field == "income_fen"


def test_one_off_and_hardship_only_and_deceased():
    rule = BenefitRule(shape="one_off", amount_fen=200_000, hardship_only=True)
    assert benefit_amount(rule, _mw()) == 200_000
    assert benefit_amount(rule, _mw(is_hardship=False)) == 0
    assert benefit_amount(rule, _mw(status="去世")) == 0


def test_rules_are_edited_by_admins_only(tree):
    data = dict(year=2025, shape="top_up", level=None, aid_type="劳模帮扶", hardship_only=True,
                threshold_fen=250_000, description="困难劳模差额补助")
    with acting_as(tree.worker_a), pytest.raises(Forbidden):
        benefits.create_rule(**data)
    with acting_as(tree.admin):
        rule = benefits.create_rule(**data, amount_fen=999)
        assert rule.amount_fen is None  # a top-up has no fixed amount
        benefits.update_rule(rule, threshold_fen=260_000)
        assert [r.threshold_fen for r in benefits.list_rules(2025)] == [260_000]
        with pytest.raises(ValidationFailed) as err:
            benefits.create_rule(**{**data, "shape": "fixed"})
        assert err.value.field == "amount_fen"


def test_check_constraints_hold_in_the_database(tree, app):
    from sqlalchemy.exc import IntegrityError

    from caseapp.core.db import db

    db.session.add(BenefitRule(year=2025, shape="top_up", amount_fen=100))
    with pytest.raises(IntegrityError):
        db.session.flush()
