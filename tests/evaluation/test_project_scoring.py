"""Scoring the 2025 projects of 魏县总工会 from their own data: execution, 完成值, 偏差 that need reasons."""
from datetime import date
from decimal import Decimal as D

from caseapp.evaluation import services
from caseapp.evaluation.services import IndicatorChange
from caseapp.payments import caps
from tests.evaluation.conftest import AID, AWARD, FUNDS, aid_paid_to, award_given


def _by_level3(result) -> dict:
    return {i.level3: i for i in result.indicators}


def test_the_three_projects_score_with_the_default_weights(union):
    results = services.year_results(2025, as_of=date(2025, 12, 31))
    assert [r.code for r in results] == [FUNDS, AID, AWARD]
    for r in results:
        assert r.execution.weight == 10 and r.grade in ("优", "良", "中", "差")
        assert sum(i.weight for i in r.indicators) + r.execution.weight == 100
        assert {i.group for i in r.indicators} == {"output", "benefit", "satisfaction"}
    aid = _by_level3(results[1])
    assert aid["救助人数"].weight == D("12.50") and aid["社会稳定"].weight == D(15) and aid["满意率"].weight == 10
    assert results[1].execution.budget_fen == 47_660_000 and results[1].execution.spent_fen == 0


def test_unfinished_aid_shows_as_deviations(union):
    """30 of the 39 people the document promised were paid 12,000元 each, all before 春节."""
    aid_paid_to(union, paid=30)
    result = services.project_result(union.project(AID), date(2025, 12, 31))
    got = _by_level3(result)
    assert got["救助人数"].actual_text == "30人" and got["救助人数"].score == D("9.62")  # 12.5 × 30/39
    assert got["救助人数"].needs_reason and got["救助人数"].source == "data"
    assert got["救助率"].score == D("9.38") and got["救助率"].needs_reason  # 30 of 40 on file: 75 %
    assert got["救助时效"].score == D("12.50") and not got["救助时效"].needs_reason
    assert got["救助总成本"].actual_text == "36万元" and got["救助总成本"].needs_reason
    assert result.execution.spent_fen == 36_000_000 and result.execution.rate == D("75.54")
    assert result.execution.score == D("7.55")
    assert got["社会稳定"].score is None and got["满意率"].score is None  # qualitative, survey not yet in
    assert any("救助人数" in p and "偏差原因" in p for p in result.problems)
    assert any("社会稳定" in p and "档次" in p for p in result.problems)


def test_award_over_commitment_shows_as_a_deviation(union):
    """100 people at 1000元 need 10万元; the 5万元 budget paid 50: 先进劳模 50 of 100 needs a reason."""
    award_given(union, people=50, collectives=20, paid=50)
    result = services.project_result(union.project(AWARD), date(2025, 12, 31))
    got = _by_level3(result)
    quality = got["评选县级先进集体、先进个人"]
    assert quality.actual_text == "先进集体20个，先进劳模50名"
    assert quality.score == D("9.38") and quality.needs_reason  # 12.5 × (1 + 0.5) / 2
    assert got["评选活动经费"].score == D("12.50") and not got["评选活动经费"].needs_reason
    assert got["举办次数"].score == D("12.50")
    assert result.execution.rate == D("100.00") and result.execution.score == D("10.00")


def test_far_over_achievement_needs_a_reason_too(union):
    """39 promised, 52 paid (133 %): full score, but the target was set too low — explain it."""
    aid_paid_to(union, paid=52, on_file_count=52, fen=100_000)
    got = _by_level3(services.project_result(union.project(AID), date(2025, 12, 31)))
    assert got["救助人数"].score == D("12.50") and got["救助人数"].over_achieved and got["救助人数"].needs_reason


def test_reversal_counts_net_and_as_of_limits_the_data(union):
    from caseapp.payments.ledger import LedgerEntry
    from caseapp.core.db import db

    people = aid_paid_to(union, paid=2, on_file_count=2, fen=1_000_000, day=date(2025, 3, 1))
    first = db.session.query(LedgerEntry).filter_by(person_id=people[0].id).one()
    db.session.add(LedgerEntry(item_id=first.item_id, project_id=first.project_id, person_id=first.person_id,
                               aid_type_id=first.aid_type_id, year=2025, amount_fen=-1_000_000, kind="冲正",
                               entry_date=date(2025, 5, 1), reverses_id=first.id, reason="错发",
                               created_by_name="测试"))
    db.session.flush()
    project = union.project(AID)
    assert services.project_result(project, date(2025, 12, 31)).execution.spent_fen == 1_000_000
    assert services.project_result(project, date(2025, 4, 30)).execution.spent_fen == 2_000_000
    assert services.project_result(project, date(2025, 2, 28)).execution.spent_fen == 0


def test_adjusted_budget_is_the_full_year_budget_and_the_initial_one_is_kept(union):
    aid_paid_to(union, paid=30)
    project = union.project(AID)
    caps.set_budget(project.id, 40_000_000, "县财政调减")
    result = services.project_result(project, date(2025, 12, 31))
    assert result.execution.initial_fen == 47_660_000 and result.execution.budget_fen == 40_000_000
    assert result.execution.adjusted and result.execution.rate == D("90.00")
    mid_year = services.project_result(project, date(2025, 6, 30)).execution
    assert mid_year.budget_fen == 47_660_000 and not mid_year.adjusted  # recorded after 2025: holds at year end


def test_not_applicable_indicator_is_left_out_and_the_total_rescaled(union):
    project = union.project(AID)
    satisfaction = union.indicator(AID, "满意率")
    services.update_indicator(project, satisfaction.id, IndicatorChange(not_applicable=True,
                                                                        na_reason="本年度未开展满意度调查"))
    result = services.project_result(project, date(2025, 12, 31))
    got = _by_level3(result)
    assert got["满意率"].not_applicable and got["满意率"].weight == 0 and got["满意率"].score is None
    assert got["救助人数"].weight == D("13.89")  # 12.5 of 90 points rescaled to 100
    assert sum(i.weight for i in result.indicators) + result.execution.weight == 100
    assert not any("满意率" in p for p in result.problems)


def test_not_applicable_needs_a_reason(union):
    import pytest

    from caseapp.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="不适用须说明理由"):
        services.update_indicator(union.project(AID), union.indicator(AID, "满意率").id,
                                  IndicatorChange(not_applicable=True))


def test_the_documents_weights_and_categories_are_the_defaults(union):
    """A document with a 分值 column (other provinces): its proportions inside each group, its 一级 category."""
    from decimal import Decimal

    from caseapp.core.db import db

    for level3, weight in (("救助人数", 20), ("救助率", 10), ("救助时效", 10), ("救助总成本", 10)):
        union.indicator(AID, level3).weight = Decimal(weight)
    union.indicator(AID, "提高工会影响力").category = "satisfaction"  # the importer read it as a 满意度 indicator
    db.session.flush()
    got = _by_level3(services.project_result(union.project(AID), date(2025, 12, 31)))
    assert [got[n].weight for n in ("救助人数", "救助率", "救助时效", "救助总成本")] == [20, 10, 10, 10]
    assert got["提高工会影响力"].group == "satisfaction" and got["提高工会影响力"].weight == 5
    assert got["社会稳定"].weight == 30 and got["满意率"].weight == 5
