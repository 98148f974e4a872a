"""Filling, submitting (frozen), returning and approving an evaluation; every change audited; roles and scope."""
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from caseapp.evaluation import services
from caseapp.evaluation.services import IndicatorChange
from tests.conftest import acting_as
from tests.evaluation.conftest import AID, aid_paid_to, pay, person


def _complete(union, project) -> None:
    """Everything the submission needs: qualitative bands, the survey result, reasons for each deviation."""
    services.set_overall(project, "救助在档困难职工30人，春节前全部发放到位。", as_of=date(2025, 12, 31))
    for level3 in ("社会稳定", "提高工会影响力"):
        services.update_indicator(project, union.indicator(AID, level3).id,
                                  IndicatorChange(band="达成年度指标", score=D("13.5")))
    services.update_indicator(project, union.indicator(AID, "满意率").id, IndicatorChange(
        override_text="96.5%", override_reason="电话回访30人，29人满意（回访记录）"))
    for row in services.project_result(project).indicators:
        if row.needs_reason:
            services.update_indicator(project, row.indicator_id, IndicatorChange(
                deviation_reason="部分困难职工年内解困退档", improvement="按在档人数动态调整救助名单"))


def test_submission_lists_what_is_missing(union):
    aid_paid_to(union, paid=30)
    project = union.project(AID)
    with acting_as(union.users["finance"]), pytest.raises(ValidationFailed) as refused:
        services.submit(project)
    message = refused.value.message
    assert "年度总体目标的实际完成情况" in message and "“救助人数”未得满分" in message and "社会稳定" in message


def test_submitted_evaluation_is_frozen_against_later_payments(union):
    people = aid_paid_to(union, paid=30)
    project = union.project(AID)
    with acting_as(union.users["finance"]):
        _complete(union, project)
        submitted = services.submit(project)
    assert submitted.total == services.project_result(project).total and submitted.grade
    pay(project, people[35], 1_200_000, date(2025, 11, 2))  # a payment after the submission
    again = services.project_result(project)
    assert again.frozen and again.status == "submitted" and again.total == submitted.total
    assert {i.level3: i.actual_text for i in again.indicators}["救助人数"] == "30人"
    assert again.execution.spent_fen == 36_000_000
    with acting_as(union.users["finance"]), pytest.raises(Conflict, match="已冻结"):
        services.update_indicator(project, union.indicator(AID, "救助人数").id,
                                  IndicatorChange(deviation_reason="改一下"))
    with acting_as(union.users["reviewer"]):
        services.return_evaluation(project, "救助人数与台账核对后重新填报")
    live = services.project_result(project)
    assert not live.frozen and live.status == "returned"
    assert {i.level3: i.actual_text for i in live.indicators}["救助人数"] == "31人"


def test_review_needs_a_reason_and_never_the_submitter(union):
    aid_paid_to(union, paid=30)
    project = union.project(AID)
    both = union.users["finance"]
    both.role_rows.append(type(both.role_rows[0])(role="reviewer"))
    db.session.flush()
    with acting_as(both):
        _complete(union, project)
        services.submit(project)
        with pytest.raises(Forbidden, match="不能审核自己"):
            services.approve(project)
    with acting_as(union.users["leader"]):
        with pytest.raises(ValidationFailed, match="退回原因"):
            services.return_evaluation(project, "  ")
        services.approve(project)
    result = services.project_result(project)
    assert result.status == "approved" and result.reviewed_by == union.users["leader"].username
    assert result.submitted_by == both.username


def test_every_change_is_audited_and_an_override_shows_as_such(union):
    aid_paid_to(union, paid=30)
    project = union.project(AID)
    indicator = union.indicator(AID, "救助人数")
    with acting_as(union.users["caseworker"]):
        with pytest.raises(ValidationFailed, match="说明理由"):
            services.update_indicator(project, indicator.id, IndicatorChange(override_text="39人"))
        services.update_indicator(project, indicator.id, IndicatorChange(
            override_text="39人", override_reason="另有9人由乡镇工会代发，见代发清单"))
    row = {i.level3: i for i in services.project_result(project).indicators}["救助人数"]
    assert row.source == "override" and row.actual_text == "39人" and row.score == D("12.50")
    assert row.override_reason.startswith("另有9人")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "evaluation.indicator")).all()
    assert len(events) == 1 and events[0].after["override_text"] == "39人" and events[0].before["override_text"] is None
    assert events[0].actor_name == union.users["caseworker"].username


def test_compound_override_is_read_part_by_part(union):
    from tests.evaluation.conftest import AWARD

    project = union.project(AWARD)
    indicator = union.indicator(AWARD, "评选县级先进集体、先进个人")
    with acting_as(union.users["finance"]):
        with pytest.raises(ValidationFailed, match="缺少：先进劳模"):
            services.update_indicator(project, indicator.id, IndicatorChange(
                override_text="先进集体20个", override_reason="表彰决定"))
        services.update_indicator(project, indicator.id, IndicatorChange(
            override_text="先进集体20个，先进劳模50名", override_reason="县委表彰决定（魏发〔2025〕8号）"))
    row = {i.level3: i for i in services.project_result(project).indicators}["评选县级先进集体、先进个人"]
    assert row.score == D("9.38") and row.needs_reason


def test_qualitative_band_limits_are_enforced(union):
    project = union.project(AID)
    indicator = union.indicator(AID, "社会稳定")  # weight 15
    with acting_as(union.users["admin"]):
        with pytest.raises(ValidationFailed, match="12.00 到 15.00"):
            services.update_indicator(project, indicator.id, IndicatorChange(band="达成年度指标", score=D("11.99")))
        services.update_indicator(project, indicator.id, IndicatorChange(band="部分达成并具有一定效果",
                                                                         score=D("12")))
    row = {i.level3: i for i in services.project_result(project).indicators}["社会稳定"]
    assert row.score == D("12.00") and row.band == "部分达成并具有一定效果" and row.needs_reason


def test_roles_and_scope(union, other_county):
    project = union.project(AID)
    change = IndicatorChange(deviation_reason="原因")
    indicator_id = union.indicator(AID, "救助人数").id
    with acting_as(union.users["auditor"]), pytest.raises(Forbidden):
        services.update_indicator(project, indicator_id, change)
    with acting_as(union.users["reviewer"]), pytest.raises(Forbidden):
        services.submit(project)
    with acting_as(union.users["town_caseworker"]):  # reads the county's project, cannot evaluate it
        assert services.project_by_id(project.id).code == AID
        with pytest.raises(NotFound):
            services.update_indicator(project, indicator_id, change)
    with acting_as(other_county):
        with pytest.raises(NotFound):
            services.project_by_id(project.id)
        assert services.year_results(2025) == []


def test_custom_weights_only_when_the_settings_allow_and_summing_to_the_group(union):
    from dataclasses import replace

    from caseapp.evaluation.settings import DEFAULTS, save_settings

    project = union.project(AID)
    outputs = [union.indicator(AID, n).id for n in ("救助人数", "救助率", "救助时效", "救助总成本")]
    with acting_as(union.users["admin"]):
        with pytest.raises(ValidationFailed, match="平均分配"):
            services.set_weights(project, dict(zip(outputs, (20, 10, 10, 10))))
        save_settings(union.root.id, 2025, replace(DEFAULTS, spread="custom"))
        with pytest.raises(ValidationFailed, match="合计应为50.00"):
            services.set_weights(project, dict(zip(outputs, (20, 10, 10, 5))))
        services.set_weights(project, dict(zip(outputs, (D("20"), D("10"), D("10"), D("10")))))
    result = services.project_result(project)
    weights = {i.level3: i.weight for i in result.indicators}
    assert weights["救助人数"] == 20 and weights["救助率"] == 10 and weights["社会稳定"] == 15
    assert sum(weights.values()) + result.execution.weight == 100
