"""Case files: one open file per person (also in the database), lifecycle with history, thresholds."""
from datetime import date

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from caseapp.cases import queries, services, thresholds
from caseapp.cases.models import FileStatusChange, HardshipFile
from caseapp.core.db import db
from caseapp.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.cases.helpers import BASIC, open_file_for
from tests.conftest import acting_as
from tests.persons.people import new_id, org_tree, user_in


def test_database_refuses_a_second_open_file_for_a_person(app):
    t = org_tree()
    f = open_file_for(user_in(t.town_a))
    row = {"person_id": f.person_id, "org_id": f.org_id, "status": "在档", "applied_on": date(2025, 1, 1),
           "main_cause": "因病", "secondary_causes": [], "needs": []}
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(insert(HardshipFile), [row])
    with db.session.begin_nested():  # a closed file for the same person is fine
        db.session.execute(insert(HardshipFile), [{**row, "status": "退档"}])


def test_service_refuses_a_second_open_file_with_a_message(app):
    t = org_tree()
    user = user_in(t.town_a)
    f = open_file_for(user)
    with acting_as(user), pytest.raises(Conflict, match="已有未结束的困难职工档案"):
        services.open_file(f.person, BASIC)


def test_lifecycle_keeps_history_and_maker_cannot_approve(app):
    t = org_tree()
    maker, checker = user_in(t.town_a), user_in(t.county, "reviewer")
    f = open_file_for(maker)
    with acting_as(maker), pytest.raises(Forbidden):
        services.change_status(f, "在档", on=date(2025, 3, 5))
    with acting_as(checker):
        with pytest.raises(Conflict, match="不能改为"):
            services.change_status(f, "解困脱困")
        services.change_status(f, "在档", on=date(2025, 3, 10))
    assert (f.filed_on, f.review_due) == (date(2025, 3, 10), date(2026, 3, 10))
    with acting_as(maker):
        services.review_file(f, on=date(2026, 3, 1), note="收入未变")
        with pytest.raises(ValidationFailed) as err:
            services.change_status(f, "退档", reason="其他", on=date(2026, 4, 1))
        assert err.value.field == "note"
        services.change_status(f, "退档", reason="转政府兜底", on=date(2026, 4, 1))
    assert f.review_due is None and (f.closed_on, f.close_reason) == (date(2026, 4, 1), "转政府兜底")
    steps = [(c.from_status, c.to_status, c.reason) for c in db.session.scalars(
        select(FileStatusChange).where(FileStatusChange.file_id == f.id).order_by(FileStatusChange.id))]
    assert steps == [(None, "申请", None), ("申请", "在档", None), ("在档", "在档", "年度复核"),
                     ("在档", "退档", "转政府兜底")]
    with acting_as(maker), pytest.raises(Conflict):
        services.update_file(f, {"family_size": 2})
    with pytest.raises(Exception, match="只增不改"), db.session.begin_nested():
        db.session.execute(text("UPDATE file_status_changes SET note = 'x'"))


def test_active_file_on_a_date_for_payments(app):
    t = org_tree()
    f = open_file_for(user_in(t.town_a))
    other = open_file_for(user_in(t.town_a), "李四")
    assert not queries.has_active_file(f.person_id, date(2025, 4, 1))  # only applied
    with acting_as(user_in(t.county, "reviewer")):
        services.change_status(f, "在档", on=date(2025, 3, 10))
        services.change_status(f, "解困脱困", on=date(2025, 9, 1))
    assert [queries.has_active_file(f.person_id, d) for d in (date(2025, 3, 9), date(2025, 3, 10),
                                                               date(2025, 8, 31), date(2025, 9, 1))] == \
        [False, True, True, False]
    ids = set(db.session.scalars(queries.active_file_person_ids(date(2025, 6, 1))))
    assert ids == {f.person_id} and other.person_id not in ids


def test_thresholds_suggest_and_override_needs_a_reason(app):
    t = org_tree()
    with acting_as(user_in(t.county, "admin")):
        thresholds.save_threshold(2025, t.county, 60_000, 120_000, "低保标准（待确认）")
        thresholds.save_threshold(2025, t.town_b, 50_000, 90_000)
    assert thresholds.suggest_category(150_000 // 3, 2025, t.town_a) == "深度困难"
    assert thresholds.suggest_category(100_000, 2025, t.town_a) == "相对困难"
    assert thresholds.suggest_category(100_000, 2025, t.town_b) is None  # the township's own bounds win
    assert thresholds.suggest_category(1, 2024, t.town_a) is None
    user = user_in(t.town_a)
    f = open_file_for(user, data={"family_income_fen": 300_000})  # 1000元 a head
    assert (f.suggested_category, f.category, f.per_capita_fen) == ("相对困难", "相对困难", 100_000)
    with acting_as(user):
        with pytest.raises(ValidationFailed) as err:
            services.update_file(f, {"category": "意外致困"})
        assert err.value.field == "category_reason"
        services.update_file(f, {"category": "意外致困", "category_reason": "车祸致残"})
        assert (f.category, f.category_reason) == ("意外致困", "车祸致残")
        services.update_file(f, {"family_income_fen": 150_000, "category": "深度困难"})
    assert (f.suggested_category, f.category, f.category_reason) == ("深度困难", "深度困难", None)


@pytest.mark.parametrize("secondary, message", [
    (["因学", "因学"], "不能重复"), (["因病"], "不能重复"), (["因学", "因灾", "工伤", "单亲"], "最多 3 项"),
    (["下岗"], "未知的致困原因"),
])
def test_secondary_causes_are_distinct_and_at_most_three(app, secondary, message):
    t = org_tree()
    with pytest.raises(ValidationFailed, match=message):
        open_file_for(user_in(t.town_a), data={"secondary_causes": secondary, "category": "相对困难"})


def test_family_members_are_encrypted_and_kept_when_number_left_blank(app):
    t = org_tree()
    user = user_in(t.town_a)
    spouse_id = new_id("女")
    f = open_file_for(user, data={"category": "相对困难"},
                      members=[{"name": "李梅", "relation": "配偶", "id_number": spouse_id, "income_fen": 80_000}])
    member = f.members[0]
    raw = db.session.scalar(text("SELECT id_number FROM family_members WHERE id = :i").bindparams(i=member.id))
    assert raw.startswith("gAAAAA") and member.id_masked.endswith(spouse_id[-4:])
    with acting_as(user):
        services.update_file(f, {}, [{"id": member.id, "name": "李梅", "relation": "配偶", "id_number": ""},
                                     {"name": "张小", "relation": "子女", "health": "健康"}])
        with pytest.raises(ValidationFailed) as err:
            services.update_file(f, {}, [{"name": "某", "relation": "邻居"}])
        assert err.value.field == "members[0].relation"
    assert [(m.name, m.id_number) for m in f.members] == [("李梅", spouse_id), ("张小", None)]


def test_files_of_another_township_are_not_found(app):
    t = org_tree()
    f = open_file_for(user_in(t.town_a), data={"category": "相对困难"})
    with acting_as(user_in(t.town_b)):
        with pytest.raises(NotFound):
            services.get_file(f.id)
        with pytest.raises(NotFound):
            services.update_file(f, {"family_size": 2})
        assert queries.list_files(queries.FileFilters())[1] == 0
    with acting_as(user_in(t.county, "auditor")):
        assert queries.list_files(queries.FileFilters(org_id=t.town_a.id, status="申请"))[1] == 1
        with pytest.raises(Forbidden):
            services.update_file(f, {"family_size": 2})
