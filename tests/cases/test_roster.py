"""The hardship roster hooks: row validation collects every error, bulk apply, masked export."""
from datetime import date

import pytest
from sqlalchemy import func, select

from caseapp.cases import roster, services, thresholds
from caseapp.cases.models import FileStatusChange, HardshipFile
from caseapp.core.db import db
from caseapp.core.phone import PhoneError, normalize_phone
from caseapp.persons.models import Person
from caseapp.rosters.base import RosterContext, RowErrors, get_kind
from tests.cases.helpers import open_file_for
from tests.conftest import acting_as
from tests.persons.people import new_id, org_tree, user_in


def _ctx(principal, full=False):
    return RosterContext(kind="hardship", today=date(2025, 3, 1), event_id=None, full=full, org_cache={},
                         actor=principal)


def _cells(org, number, **extra):
    return {"姓名": "赵敏", "身份证号": number, "手机号": "13812345678", "所属工会": org.code, "工作单位": "纺织厂",
            "困难类别": "相对困难", "主要致困原因": "因病", "家庭人口": "3", "家庭月总收入(元)": "2400",
            "开户银行": "农业银行", "银行账号": "6228 4800 1234 5678", **extra}


def test_kind_is_registered_with_the_roster_headers():
    assert get_kind("hardship").headers == ["姓名", "身份证号", "手机号", "所属工会", "工作单位", "困难类别",
                                           "主要致困原因", "家庭人口", "家庭月总收入(元)", "开户银行", "银行账号"]


def test_validate_row_collects_all_errors_of_a_row(app):
    t = org_tree()
    with acting_as(user_in(t.town_a)) as me:
        with pytest.raises(RowErrors) as err:
            roster.validate_row(_cells(t.town_b, "1.30434E+17", 手机号="12", 家庭人口="零",
                                       **{"家庭月总收入(元)": "两千", "银行账号": "abc"}), _ctx(me))
        columns = [c for c, _ in err.value.errors]
        assert columns == ["身份证号", "手机号", "所属工会", "家庭人口", "家庭月总收入(元)", "银行账号"]
        clean = roster.validate_row(_cells(t.town_a, new_id()), _ctx(me))
    assert (clean["family_income_fen"], clean["phone"], clean["bank_account"]) == (240_000, "+8613812345678",
                                                                                   "6228480012345678")


def test_category_must_agree_with_the_thresholds(app):
    t = org_tree()
    with acting_as(user_in(t.county, "admin")):
        thresholds.save_threshold(2025, t.county, 60_000, 120_000)
    with acting_as(user_in(t.town_a)) as me:
        with pytest.raises(RowErrors) as err:
            roster.validate_row(_cells(t.town_a, new_id(), 困难类别="深度困难"), _ctx(me))
        assert err.value.errors[0][0] == "困难类别" and "相对困难" in err.value.errors[0][1]
        assert roster.validate_row(_cells(t.town_a, new_id()), _ctx(me))["suggested_category"] == "相对困难"


def test_apply_creates_files_and_updates_an_open_one(app):
    t = org_tree()
    user = user_in(t.town_a)
    existing = open_file_for(user, "旧档")
    with acting_as(user) as me:
        ctx = _ctx(me)
        rows = [roster.validate_row(_cells(t.town_a, new_id(), 姓名=f"职工{i}"), ctx) for i in range(3)]
        number = services.get_file(existing.id).person.id_number
        rows.append(roster.validate_row(_cells(t.town_a, number, 姓名="旧档", 主要致困原因="工伤", 家庭人口="4"), ctx))
        assert roster.apply_rows(rows, ctx) == (3, 1)
    db.session.refresh(existing)
    assert (existing.main_cause, existing.family_size, existing.per_capita_income_fen) == ("工伤", 4, 60_000)
    assert db.session.scalar(select(func.count()).select_from(HardshipFile)) == 4
    assert db.session.scalar(select(func.count()).select_from(Person)) == 4
    assert db.session.scalar(select(func.count()).select_from(FileStatusChange).where(
        FileStatusChange.note == "花名册导入")) == 3


def test_export_is_masked_unless_full(app):
    t = org_tree()
    user = user_in(t.town_a)
    f = open_file_for(user, "导出")
    with acting_as(user) as me:
        number = f.person.id_number
        masked = list(roster.export_rows(_ctx(me)))
        full = list(roster.export_rows(_ctx(me, full=True)))
    assert masked[0][:3] == ["导出", f.person.id_masked, "138****5678"] and number not in repr(masked)
    assert full[0][1:3] == [number, "13812345678"] and masked[0][8] == "3000.00"
    with acting_as(user_in(t.town_b)) as other:
        assert list(roster.export_rows(_ctx(other))) == []


@pytest.mark.parametrize("numbers", [
    ["13800001234", "13800005678", "138 0000 9999"],  # one 号段 decided once; spaced input takes the full path
    ["14000001234", "14000005678"],  # 140 is no mobile range: refused the same way each time
    ["17900001234", "12345678901", "11012345678", "0310-1234567", "4008001234"],  # carrier prefixes and the rest
])
def test_phone_verdicts_per_segment_equal_phonenumbers(numbers):
    ctx = RosterContext(kind="hardship", today=date(2025, 3, 1), event_id=None, full=False, org_cache={}, actor=None)
    for number in numbers * 2:  # the second round answers from the per-import memo
        assert _outcome(lambda: roster._phone(number, ctx)) == _outcome(lambda: normalize_phone(number))


def _outcome(call):
    try:
        return call()
    except PhoneError as exc:
        return f"error: {exc}"


def test_validated_row_carries_sex_and_birth_date_for_the_person_insert(app):
    t = org_tree()
    number = new_id(sex="女", birth=date(1975, 8, 9))
    with acting_as(user_in(t.town_a)) as me:
        clean = roster.validate_row(_cells(t.town_a, number.lower()), _ctx(me))
        [pid] = roster.upsert_person_ids([clean])
    person = db.session.get(Person, pid)
    assert (clean["id_number"], clean["sex"], clean["birth_date"]) == (number.upper(), "女", person.birth_date)
    assert person.sex == "女" and person.birth_date.month == 8


def test_reimport_updates_files_in_bulk_and_refreshes_loaded_ones(app):
    t = org_tree()
    user = user_in(t.town_a)
    with acting_as(user) as me:
        ctx = _ctx(me)
        rows = [roster.validate_row(_cells(t.town_a, new_id(), 姓名=f"职工{i}"), ctx) for i in range(3)]
        assert roster.apply_rows(rows, ctx) == (3, 0)
        loaded = db.session.scalars(select(HardshipFile).order_by(HardshipFile.id)).all()
        again = [roster.validate_row(_cells(t.town_a, r["id_number"], 姓名=r["name"], 主要致困原因="因灾", 家庭人口="6"),
                                     ctx) for r in rows]
        assert roster.apply_rows(again, ctx) == (0, 3)
    assert [(f.main_cause, f.family_size, f.per_capita_income_fen) for f in loaded] == [("因灾", 6, 40_000)] * 3
    assert db.session.scalar(select(func.count()).select_from(FileStatusChange)) == 3
