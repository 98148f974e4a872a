"""绩效运行监控 of the 2025 projects at 7月31日: execution against the plan, progress against time, entries."""
from datetime import date
from decimal import Decimal as D

import pytest

from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.monitoring import services
from caseapp.monitoring.services import ItemEntry
from tests.conftest import acting_as
from tests.evaluation.conftest import AID, AWARD, aid_paid_to, award_given


def _by_level3(monitor) -> dict:
    return {i.level3: i for i in monitor.indicators}


def test_july_monitoring_of_the_aid_project(union):
    aid_paid_to(union, paid=20, day=date(2025, 1, 20))  # 20 of 39 people, 24万元 of 47.66万元
    aid = next(m for m in services.year_monitoring(2025, 7) if m.code == AID)
    assert aid.budget_fen == 47_660_000 and aid.spent_fen == 24_000_000 and aid.rate == D("50.36")
    assert aid.planned_percent == 50 and aid.light == "green"  # 6月底 50 % of the plan reached
    got = _by_level3(aid)
    people = got["救助人数"]
    assert people.value_text == "20人" and people.progress == D("51.28") and people.elapsed == D("58.33")
    assert people.light == "green"  # 7.05 points behind the time
    assert got["救助率"].progress == D("50.00") and got["救助率"].light == "green"
    assert got["救助时效"].elapsed == 100 and got["救助时效"].light == "green"  # 春节 passed, all paid before it
    assert got["社会稳定"].light is None and got["满意率"].light is None


def test_red_light_when_far_behind(union):
    aid_paid_to(union, paid=10, day=date(2025, 1, 20))
    got = _by_level3(next(m for m in services.year_monitoring(2025, 7) if m.code == AID))
    assert got["救助人数"].progress == D("25.64") and got["救助人数"].light == "red"
    assert got["救助总成本"].light == "red"


def test_award_before_and_after_its_deadline(union):
    award_given(union, people=50, collectives=20, paid=50)
    march = _by_level3(next(m for m in services.year_monitoring(2025, 3) if m.code == AWARD))
    assert march["评选时间"].light is None  # 五一 is still ahead at 3月31日
    july = next(m for m in services.year_monitoring(2025, 7) if m.code == AWARD)
    assert july.planned_percent == 100 and july.rate == D("100.00") and july.light == "green"
    assert _by_level3(july)["评选县级先进集体、先进个人"].progress == D("75.00")


def test_entries_are_saved_audited_and_change_the_light(union):
    aid_paid_to(union, paid=20)
    project = union.project(AID)
    satisfaction = union.indicator(AID, "满意率")
    with acting_as(union.users["caseworker"]):
        services.save_report(project, 7, 47_660_000, ["经费保障"], "加快发放进度", {
            satisfaction.id: ItemEntry("预计≥95%", "有可能", ["人员保障", "其他"], "回访人手不足", "委托第三方回访")})
    aid = next(m for m in services.year_monitoring(2025, 7) if m.code == AID)
    assert aid.expected_spend_fen == 47_660_000 and aid.spend_causes == ["经费保障"]
    row = _by_level3(aid)["满意率"]
    assert row.likelihood == "有可能" and row.causes == ["人员保障", "其他"] and row.light == "yellow"
    from sqlalchemy import select

    from caseapp.core.audit import AuditEvent
    from caseapp.core.db import db

    assert db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "monitoring.save")).startswith(
        "填写2025年1–7月绩效运行监控")


def test_entries_are_checked_and_scoped(union, other_county):
    project = union.project(AID)
    with acting_as(union.users["caseworker"]):
        with pytest.raises(ValidationFailed, match="偏差原因只能是"):
            services.save_report(project, 7, None, ["天气"], "", {})
        with pytest.raises(ValidationFailed, match="1–12月"):
            services.save_report(project, 13, None, [], "", {})
    with acting_as(union.users["town_caseworker"]), pytest.raises(NotFound):
        services.save_report(project, 7, None, [], "", {})
    with acting_as(other_county):
        assert services.year_monitoring(2025, 7) == []
