"""The frame: distinct 到账 recipients in the creator's scope, frozen at creation; sizes and strata stored."""
from datetime import date

import pytest
from sqlalchemy import select

from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed
from caseapp.payments.models import PAID, PUBLICIZED, RETURNED
from caseapp.surveys.models import SurveyMember
from caseapp.surveys.services import SurveyParams, create_survey, strata_counts, verify_draw
from tests.conftest import acting_as
from tests.surveys.helpers import pay, people


def _members(survey, role=None) -> list[SurveyMember]:
    stmt = select(SurveyMember).where(SurveyMember.survey_id == survey.id)
    if role:
        stmt = stmt.where(SurveyMember.role == role)
    return list(db.session.scalars(stmt.order_by(SurveyMember.frame_no)))


@pytest.mark.parametrize("population, expected", [(39, 36), (100, 80), (300, 169), (1000, 278)])
def test_random_sample_size_at_95_and_5_percent(world, population, expected):
    pay(world.project, people(world.town_a, population))
    survey = create_survey(SurveyParams(world.project.id, sampling="random", seed=11))
    assert (survey.frame_size, survey.sample_size) == (population, expected)
    assert float(survey.z_value) == pytest.approx(1.959964) and float(survey.n0) == pytest.approx(384.1459, abs=1e-3)
    assert len(_members(survey, "sample")) == expected
    assert len(_members(survey, "reserve")) == min(-(-expected * 20 // 100), population - expected)


def test_frame_counts_each_recipient_once_and_only_settled_items(world):
    settled = people(world.town_a, 5)
    pay(world.project, settled)
    pay(world.project, settled[:2], aid="医疗救助", fen=50_000)  # a second item for two of them
    for status in (PAID, PUBLICIZED, RETURNED):
        pay(world.project, people(world.town_a, 1), status=status)
    survey = create_survey(SurveyParams(world.project.id))
    members = _members(survey)
    assert survey.frame_size == 5 and {m.person_id for m in members} == set(settled)
    both = next(m for m in members if m.person_id == settled[0])
    assert both.paid_fen == 170_000 and both.aid_types == "医疗救助、生活救助" and both.paid_on == date(2025, 1, 20)
    assert survey.sample_size == 5 and all(m.role == "sample" for m in members)  # 全员


def test_payments_after_creation_do_not_change_the_frame(world):
    pay(world.project, people(world.town_a, 10))
    survey = create_survey(SurveyParams(world.project.id, sampling="fixed", fixed_n=4, seed=3))
    before = [(m.person_id, m.role) for m in _members(survey)]
    pay(world.project, people(world.town_a, 10))
    db.session.expire_all()
    assert [(m.person_id, m.role) for m in _members(survey)] == before and survey.frame_size == 10
    assert create_survey(SurveyParams(world.project.id)).frame_size == 20  # a new survey sees them


def test_out_of_scope_people_are_never_drawn(world):
    mine, theirs = people(world.town_a, 12), people(world.town_b, 12)
    pay(world.project, mine + theirs)
    with acting_as(world.town_worker):
        survey = create_survey(SurveyParams(world.project.id))  # the county's project, the township's people
    assert survey.org_id == world.town_a.id and survey.frame_size == 12
    assert {m.person_id for m in _members(survey)} == set(mine)


def test_the_same_seed_draws_the_same_people(world):
    pay(world.project, people(world.town_a, 40) + people(world.town_b, 20))
    params = SurveyParams(world.project.id, sampling="fixed", fixed_n=15, strata="township", seed=4242)
    first, second = create_survey(params), create_survey(params)
    def drawn(s):
        return [(m.person_id, m.role, m.draw_rank) for m in _members(s) if m.role != "frame"]
    assert drawn(first) == drawn(second) and verify_draw(first)
    params.seed = 4243
    assert drawn(create_survey(params)) != drawn(first)


def test_strata_allocate_proportionally_and_sum_to_n(world):
    pay(world.project, people(world.town_a, 20, category="深度困难") + people(world.town_b, 12, category="相对困难")
        + people(world.town_b, 7))
    survey = create_survey(SurveyParams(world.project.id, sampling="random", strata="category", seed=1))
    counts = {s["name"]: s for s in strata_counts(survey)}
    assert survey.sample_size == 36
    assert {k: v["sample"] for k, v in counts.items()} == {"深度困难": 19, "相对困难": 11, "未分类": 6}
    assert sum(v["frame"] for v in counts.values()) == 39
    by_town = create_survey(SurveyParams(world.project.id, sampling="random", strata="township", seed=1))
    assert {s["name"]: s["sample"] for s in strata_counts(by_town)} == {"魏城镇工会": 18, "双井镇工会": 18}  # 18.46 and 17.54


def test_people_without_a_phone_are_left_out_or_kept_for_a_visit(world):
    pay(world.project, people(world.town_a, 8) + people(world.town_a, 2, phone=False))
    kept = create_survey(SurveyParams(world.project.id, method="phone", no_phone="visit"))
    left_out = create_survey(SurveyParams(world.project.id, method="phone", no_phone="exclude"))
    assert (kept.frame_size, kept.sample_size) == (10, 10)
    assert (left_out.frame_size, left_out.eligible_size, left_out.sample_size) == (10, 8, 8)
    assert sum(not m.has_phone for m in _members(kept, "sample")) == 2


def test_collectives_are_reached_through_their_contact_person(world):
    from tests.payments.conftest import make_award
    from caseapp.awards.models import AwardCategory, AwardRecipient
    from caseapp.payments.models import AidType, PaymentItem

    event, _cat = make_award(world.project)
    group = AwardCategory(event_id=event.id, name="先进集体", kind="collective", max_count=5, amount_fen=100_000)
    db.session.add(group)
    db.session.flush()
    r = AwardRecipient(event_id=event.id, category_id=group.id, kind="collective", org_id=world.town_a.id,
                       collective_name="魏城镇第一中学", contact_name="刘海燕", status="确定")
    r.contact_phone, r.contact_phone_masked = "+8613903101234", "139****1234"
    db.session.add(r)
    db.session.flush()
    aid = db.session.scalar(select(AidType.id).where(AidType.name == "表彰奖励"))
    db.session.add(PaymentItem(org_id=world.town_a.id, project_id=world.project.id, aid_type_id=aid,
                               award_recipient_id=r.id, award_event_id=event.id, award_category_id=group.id,
                               recipient_key=f"r{r.id}", recipient_name="魏城镇第一中学", amount_fen=100_000,
                               year=2025, period="2025", status="已到账", registered_by_name="测试",
                               registered_on=date(2025, 4, 1), settled_on=date(2025, 5, 6)))
    db.session.flush()
    [member] = _members(create_survey(SurveyParams(world.project.id)))
    assert (member.name, member.contact_name, member.has_phone) == ("魏城镇第一中学", "刘海燕", True)
    assert member.township == "魏城镇工会"


def test_nothing_paid_yet_is_refused_in_chinese(world):
    with pytest.raises(ValidationFailed, match="还没有已到账的发放记录"):
        create_survey(SurveyParams(world.project.id))


def test_settings_out_of_range_are_refused(world):
    pay(world.project, people(world.town_a, 3))
    for bad in ({"confidence": 2}, {"margin": 0}, {"seed": -1}, {"seed": 2**31}, {"sampling": "fixed"},
                {"method": "x"}, {"reserve_percent": 101}, {"unreachable_attempts": 0}, {"strata": "age"}):
        with pytest.raises(ValidationFailed):
            create_survey(SurveyParams(world.project.id, **bad))
