"""Input limits declared once on the model: the guard before every flush, and what the API, forms and rosters
derive from the same declaration."""
from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, String, func, select

from caseapp.awards.models import AwardCategory
from caseapp.budgets.models import Project
from caseapp.cases.models import HardshipFile
from caseapp.core import limits
from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed
from caseapp.core.text import TextError, clean_text
from caseapp.payments.models import PaymentItem
from caseapp.persons.models import Person
from tests.factories import OrgFactory


def _person(**values) -> Person:
    person = Person(org_id=OrgFactory().id, name="张三", sex="男", birth_date=__import__("datetime").date(1980, 1, 1))
    person.set_id_number("130434198001010011")
    for key, value in values.items():
        setattr(person, key, value)
    return person


@pytest.mark.parametrize(("values", "words"), [
    ({"name": "张" * 101}, "姓名太长"),
    ({"name": "张\x00三"}, "姓名含有不可见的控制字符"),
    ({"name": "张\ud800三"}, "姓名含有不完整的字符编码"),
    ({"work_unit": "厂" * 201}, "工作单位太长"),
])
def test_the_model_refuses_what_its_columns_cannot_hold_on_every_engine(app, values, words):
    db.session.add(_person(**values))
    with pytest.raises(ValidationFailed, match=words) as refused:
        db.session.flush()
    assert refused.value.field == next(iter(values))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0  # SQLite stored it silently before


def test_numbers_beyond_a_columns_range_are_refused_before_sql(app):
    assert limits.bounds(HardshipFile.family_income_fen).maximum == limits.MONTHLY_INCOME_YUAN * 100
    assert limits.bounds(AwardCategory.max_count).maximum == 100_000
    with pytest.raises(ValidationFailed, match="名额超出允许范围"):
        limits.check(AwardCategory.max_count, 10**12)
    with pytest.raises(ValidationFailed, match="金额超出允许范围（¥0.00 至 ¥10,000,000.00）"):
        limits.check(PaymentItem.amount_fen, 2**31)


def test_the_api_schema_and_form_validators_come_from_the_column():
    assert limits.schema(Person.name) == {"type": "string", "maxLength": 100}
    assert limits.schema(PaymentItem.amount_fen, minimum=1) == {"type": "integer", "minimum": 1,
                                                                "maximum": 1_000_000_000}
    (length,) = limits.validators(Person.name)
    assert (length.max, length.message) == (100, "姓名最多 100 个字符")
    assert limits.schema(PaymentItem.reason)["maxLength"] == 2000


def test_any_column_gets_limits_without_declaring_anything():
    """A column of an area added later, written the ordinary way, is bounded by its SQL type."""
    plain_text, plain_number = Column("note", String(30)), Column("count", Integer)
    assert limits.bounds(plain_text).max_length == 30 and limits.bounds(plain_number).maximum == 2**31 - 1
    assert "太长" in limits.problem(limits.bounds(plain_text), "x" * 31)
    assert limits.problem(limits.bounds(plain_number), 2**31) == "超出允许范围（-2147483648 至 2147483647）"


def test_money_is_64_bit_with_an_upper_bound_per_field():
    assert limits.fen(HardshipFile.family_income_fen, "1,000,000.00") == 100_000_000
    with pytest.raises(ValueError, match="超出允许范围"):
        limits.fen(HardshipFile.family_income_fen, "21474836.48")
    assert limits.fen(Project.budget_fen, "50,000,000.00") == 5 * 10**9  # beyond 32 bits, within the field's bound
    with pytest.raises(ValueError, match="超出允许范围"):
        limits.fen(PaymentItem.amount_fen, "21474836.48")  # one payment stays far below


@pytest.mark.parametrize(("raw", "multiline", "clean"), [
    ("  王\u200b秀兰\ufeff ", False, "王秀兰"),
    ("第一行\r\n第二行\x0b第三行", True, "第一行\n第二行\n第三行"),
    ("第一行\n第二行\t完", False, "第一行 第二行 完"),
])
def test_clean_text_drops_invisible_characters_and_normalises_lines(raw, multiline, clean):
    assert clean_text(raw, multiline=multiline) == clean


@pytest.mark.parametrize("raw", ["a\x00b", "a\x1bb", "a\x7fb", "a\x9bb", "a\udc80b", "a\ufffdb", "a\uffffb"])
def test_clean_text_refuses_control_characters_and_lone_surrogates(raw):
    with pytest.raises(TextError):
        clean_text(raw)
