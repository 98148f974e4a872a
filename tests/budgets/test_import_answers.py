"""Finishing an import the reader could not: questions, answers, templates, projects known by name, .xlsx."""
import io
import random
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select
from tests.budgets.docgen import build, build_xlsx, guantao_spec
from tests.budgets.layout import to_docx, to_xlsx
from tests.budgets.provinces import VARIANTS, neighbour, unmapped_columns
from tests.budgets.test_importer import row_counts, seed_bytes
from tests.factories import OrgFactory

from caseapp.budgets import importer
from caseapp.budgets.importer import Answers
from caseapp.budgets.models import ImportTemplate, Indicator, Project, Rule
from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed

THIS_YEAR, NEXT_YEAR = date(2025, 3, 10), date(2026, 2, 20)


@pytest.fixture
def root(app):
    return OrgFactory(code="711001", name="魏县总工会")


def _projects(year: int) -> list[Project]:
    return db.session.scalars(select(Project).where(Project.year == year).order_by(Project.id)).all()


def test_two_problems_two_questions_then_import_then_a_template(operator, root):
    data = build(neighbour())
    plan = importer.preview(data, "大名县绩效目标.docx", today=THIS_YEAR)
    assert [q.key for q in plan.questions] == ["unit", "year"] and plan.year is None
    assert [p.identity.code_source for p in plan.projects] == ["pending"] * 5
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        importer.confirm(data, "大名县绩效目标.docx", None, None, today=THIS_YEAR)
    assert "还有2个问题需要回答" in caught.value.message and row_counts() == before
    answers = Answers(year=2025, unit="万元")
    assert importer.preview(data, "大名县绩效目标.docx", answers=answers, today=THIS_YEAR).questions == []
    importer.confirm(data, "大名县绩效目标.docx", None, None, answers=answers, today=THIS_YEAR)
    projects = _projects(2025)
    assert [p.budget_fen for p in projects] == [125_000_000, 35_660_000, 9_600_000, 7_500_000, 4_000_000]
    assert all(p.code_generated and p.code.startswith("N2025-") for p in projects)
    assert [len(p.indicators) for p in projects] == [4, 6, 4, 4, 2]
    template = db.session.scalar(select(ImportTemplate))
    assert template.answers == {"unit": "万元", "year_offset": 0} and template.org_id == root.id


def test_next_years_document_imports_with_no_questions(operator, root):
    importer.confirm(build(neighbour()), "2025.docx", None, None, answers=Answers(year=2025, unit="万元"),
                     today=THIS_YEAR)
    plan = importer.preview(build(neighbour(next_year=True)), "2026.docx", today=NEXT_YEAR)
    assert plan.questions == [] and plan.year == 2026 and plan.template is not None
    assert any("按本组织上次同样格式文件的做法取2026年" in w for w in plan.warnings)
    importer.confirm(build(neighbour(next_year=True)), "2026.docx", None, None, today=NEXT_YEAR)
    assert [p.budget_fen for p in _projects(2026)] == [137_500_000, 39_230_000, 10_560_000, 8_250_000, 4_400_000]
    assert db.session.scalar(select(func.count(ImportTemplate.id))) == 1


def test_reimport_by_name_when_there_is_no_code(operator, root):
    answers = Answers(year=2025, unit="万元")
    importer.confirm(build(neighbour()), "a.docx", None, None, answers=answers, today=THIS_YEAR)
    ids = {p.name: (p.id, p.code) for p in _projects(2025)}
    spec = neighbour()
    spec.projects[1].budget = spec.projects[1].fiscal = "40.00"
    plan = importer.preview(build(spec), "b.docx", answers=answers, today=THIS_YEAR)
    assert [p.status for p in plan.projects] == ["unchanged", "changed", "unchanged", "unchanged", "unchanged"]
    assert {p.identity.code_source for p in plan.projects} == {"stored"}
    importer.confirm(build(spec), "b.docx", None, None, answers=answers, today=THIS_YEAR)
    assert {p.name: (p.id, p.code) for p in _projects(2025)} == ids
    assert _projects(2025)[1].budget_fen == 40_000_000


def test_a_code_given_later_takes_over_the_named_project(operator, root):
    answers = Answers(year=2025, unit="万元")
    importer.confirm(build(neighbour()), "a.docx", None, None, answers=answers, today=THIS_YEAR)
    first = _projects(2025)[0]
    coded = Answers(year=2025, unit="万元", codes={"工会经费": "13043300P000001100111"})
    plan = importer.preview(build(neighbour()), "b.docx", answers=coded, today=THIS_YEAR)
    assert plan.projects[0].status == "changed" and plan.projects[0].changes[0].label == "项目编码"
    importer.confirm(build(neighbour()), "b.docx", None, None, answers=coded, today=THIS_YEAR)
    db.session.refresh(first)
    assert (first.code, first.code_generated) == ("13043300P000001100111", False)
    with pytest.raises(ValidationFailed, match="只能由字母、数字"):
        importer.preview(build(neighbour()), "c.docx", answers=Answers(year=2025, unit="万元", codes={"工会经费": "编码 1"}))


def test_column_mapping_is_remembered(operator, root):
    data = to_docx(unmapped_columns())
    assert [q.kind for q in importer.preview(data, "x.docx").questions] == ["columns"]
    mapping = Answers(columns={"考核方向": "level1", "考核内容": "level3", "目标": "target"})
    importer.confirm(data, "x.docx", None, None, answers=mapping)
    assert [i.level3 for i in _projects(2025)[0].indicators] == ["慰问困难职工人数", "受慰问职工满意度"]
    assert importer.preview(data, "x.docx").questions == []


def test_weights_categories_and_cell_rules_are_stored(operator, root):
    importer.confirm(to_xlsx(VARIANTS["sichuan"]().layout, numbers=True), "四川.xlsx", None, None)
    [project] = _projects(2024)
    assert project.code_generated and project.budget_fen == 35_660_000
    assert [i.weight for i in project.indicators] == [20, 10, 10, 10, 20, 10, 20]
    assert [i.category for i in project.indicators][-1] == "satisfaction"
    [rule] = db.session.scalars(select(Rule)).all()
    assert (rule.kind, rule.value, rule.source_cell, rule.project_id) == (
        "per_person_amount", 1000, "工作表“绩效目标”E16", project.id)


def test_same_document_as_docx_and_xlsx_stores_the_same(operator, root):
    def stored():
        return [(p.code, p.name, p.budget_fen, p.fiscal_fen, p.other_fen,
                 [(i.level3, i.target_text, i.direction, i.target_value, i.unit) for i in p.indicators])
                for p in _projects(2024)]
    importer.confirm(build(guantao_spec()), "guantao.docx", None, None)
    from_docx = stored()
    assert importer.preview(build_xlsx(guantao_spec(), numbers=True), "guantao.xlsx").codes_with("unchanged") == [
        p[0] for p in from_docx]
    importer.confirm(build_xlsx(guantao_spec(), numbers=True), "guantao.xlsx", None, None)
    assert stored() == from_docx


def test_seed_imports_without_template_or_questions(operator, root):
    plan = importer.preview(seed_bytes(), "weixian.docx")
    assert (plan.questions, plan.template, plan.answers.is_empty()) == ([], None, True)
    importer.confirm(seed_bytes(), "weixian.docx", None, None)
    assert db.session.scalar(select(func.count(ImportTemplate.id))) == 0
    assert db.session.scalar(select(func.count(Indicator.id)).where(Indicator.weight.is_not(None))) == 0


def _xlsx_zip(extra: dict[str, bytes]) -> bytes:
    source = io.BytesIO(to_xlsx([[["项目名称", "x"]]]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, extra.pop(info.filename, src.read(info)))
        for name, content in extra.items():
            dst.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(("name", "data", "word"), [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048, ".xlsx"),
    ("bomb.xlsx", _xlsx_zip({"xl/big.xml": b"0" * (8 * 1024 * 1024)}), "压缩"),
    ("entity.xlsx", _xlsx_zip({"xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'}),
     "DOCTYPE"),
    ("huge.xlsx", _xlsx_zip({"xl/worksheets/sheet1.xml": (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="1048576">'
        b'<c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row></sheetData></worksheet>')}), "范围过大"),
    ("big.xlsx", _xlsx_zip({"xl/worksheets/sheet2.xml": random.Random(1).randbytes(5 * 1024 * 1024).hex().encode()}),
     "工作表内容过大"),
    ("roster.xlsx", to_xlsx([[["姓名", "身份证号"], ["张三", "1"]]]), "未找到预算项目"),
])
def test_hostile_and_wrong_workbooks_refused_without_writes(operator, root, name, data, word):
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        importer.confirm(data, name, 2025, None)
    assert word in caught.value.message
    assert row_counts() == before
