"""The 绩效目标 import service: preview, confirm, re-import, hostile files, rule review."""
import io
import zipfile
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select
from tests.budgets.docgen import GenIndicator, build, guantao_spec
from tests.conftest import acting_as
from tests.factories import OrgFactory, UserFactory

from caseapp.budgets import importer, rules
from caseapp.budgets.models import Indicator, Project, Rule, SpendingPlanPoint, TargetImport
from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Forbidden, NotFound, ValidationFailed

SEED = Path(__file__).parents[2] / "caseapp" / "budgets" / "demo" / "weixian-2025-budget-performance.docx"
FUNDS, AID, AWARD = "13043425P000001100273", "13043425P00430010001H", "13043425P004300100025"
MODELS = (Project, SpendingPlanPoint, Indicator, Rule, TargetImport, AuditEvent)


def seed_bytes() -> bytes:
    return SEED.read_bytes()


def row_counts() -> dict:
    """Rows per table the importer writes to."""
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
    return out.getvalue()


def _no_tables() -> bytes:
    document = docx.Document()
    document.add_paragraph("魏县总工会")
    document.add_paragraph("2025年部门预算绩效文本")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _entity_bomb() -> bytes:
    xml = zipfile.ZipFile(io.BytesIO(_no_tables())).read("word/document.xml")
    evil = xml.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>', 1)
    return _rezip(_no_tables(), {"word/document.xml": evil})


#: (file name, bytes, a word the Chinese refusal must contain)
HOSTILE = {
    "legacy .doc": ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048, ".docx"),
    "renamed txt": ("notes.docx", "这不是 Word 文件".encode() * 50, "不是 .docx"),
    "zip bomb": ("bomb.docx", _zip({"word/document.xml": b"<w/>", "word/big.xml": b"0" * (8 * 1024 * 1024)}),
                 "压缩"),
    "entities": ("entity.docx", _entity_bomb(), "DOCTYPE"),
    "no tables": ("empty.docx", _no_tables(), "未找到预算项目"),
}


def guantao_bytes(**overrides) -> bytes:
    return build(guantao_spec(**overrides))


@pytest.fixture
def root(app):
    return OrgFactory(code="711001", name="魏县总工会")


def test_seed_confirm_writes_projects_indicators_rules(operator, root):
    done = importer.confirm(seed_bytes(), "weixian.docx", None, None)
    projects = db.session.scalars(select(Project).where(Project.year == 2025).order_by(Project.code)).all()
    by_code = {p.code: p for p in projects}
    assert sorted(by_code) == sorted([FUNDS, AID, AWARD])
    assert [by_code[c].budget_fen for c in (FUNDS, AID, AWARD)] == [190_000_000, 47_660_000, 5_000_000]
    assert {p.org_id for p in projects} == {root.id}
    assert [len(by_code[c].indicators) for c in (FUNDS, AID, AWARD)] == [7, 7, 7]
    full = [(3, 25), (6, 50), (10, 75), (12, 100)]
    assert [[(pt.month, pt.percent) for pt in by_code[c].plan_points] for c in (FUNDS, AID, AWARD)] == [
        full, full, [(6, 100)]]
    satisfaction = by_code[AID].indicators[-1]
    assert (satisfaction.target_text, satisfaction.direction, satisfaction.target_value, satisfaction.unit) == (
        "≥95%", ">=", 95, "%")
    assert by_code[AWARD].indicators[1].target_parts == [["先进集体", 20, "个"], ["先进劳模", 100, "名"]]
    proposed = db.session.scalars(select(Rule).where(Rule.year == 2025)).all()
    assert len(proposed) == 15 and {r.status for r in proposed} == {"proposed"}
    cap = next(r for r in proposed if r.kind == "headcount_cap")
    assert (cap.value, cap.unit, cap.project.code) == (100, "人", AWARD)
    deadline = next(r for r in proposed if r.kind == "deadline" and r.deadline_kind == "fixed")
    assert (deadline.deadline_month, deadline.deadline_day) == (6, 30)
    assert done.changes["created"] == [FUNDS, AID, AWARD] and done.changes["rules"]["proposed"] == 15
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "budgets.import_targets"))
    assert event.object_id == str(done.id) and "新增3个项目" in event.summary


def test_preview_writes_nothing_and_marks_new(operator, root):
    before = row_counts()
    plan = importer.preview(seed_bytes(), "weixian.docx")
    assert (plan.year, plan.org.code, [p.status for p in plan.projects]) == (2025, "711001", ["new"] * 3)
    assert plan.rules_of(AWARD) and plan.warnings == []
    assert row_counts() == before


def test_reimport_is_unchanged_and_keeps_ids(operator, root):
    importer.confirm(seed_bytes(), "weixian.docx", 2025, "711001")
    ids = set(db.session.scalars(select(Indicator.id)))
    counts = row_counts()
    plan = importer.preview(seed_bytes(), "weixian.docx")
    assert [p.status for p in plan.projects] == ["unchanged"] * 3
    done = importer.confirm(seed_bytes(), "weixian.docx", 2025, "711001")
    assert done.changes["unchanged"] == [FUNDS, AID, AWARD] and done.changes["updated"] == {}
    assert set(db.session.scalars(select(Indicator.id))) == ids
    after = row_counts()
    assert after["projects"] == counts["projects"] and after["rules"] == counts["rules"]
    assert after["target_imports"] == counts["target_imports"] + 1


def test_reimport_updates_fields_plan_and_indicators(operator, root):
    importer.confirm(guantao_bytes(), "guantao.docx", None, None)
    aid = db.session.scalar(select(Project).where(Project.code == "13043300P00430010002A"))
    kept = {i.level3: i.id for i in aid.indicators}
    spec = guantao_spec()
    project = spec.projects[1]
    project.budget, project.fiscal = "400,000.00", "343,400.00"
    project.plan = {"3月底": "30%", "6月底": "60%", "9月底": "80%", "12月底": "100%"}
    project.indicators[0].target = "≤50人"
    project.indicators.append(GenIndicator("效益指标", "社会效益指标", "社会稳定", "缓解困难", "缓解职工困难"))
    plan = importer.preview(build(spec), "guantao-v2.docx")
    changed = next(p for p in plan.projects if p.parsed.code == aid.code)
    labels = [c.label for c in changed.changes]
    assert changed.status == "changed" and "预算数" in labels and "资金支出计划" in labels
    assert any(c.before == "¥356,600.00" and c.after == "¥400,000.00" for c in changed.changes)
    assert any("救助人数" in c.label and c.after == "≤50人" for c in changed.changes)
    assert {p.status for p in plan.projects if p.parsed.code != aid.code} == {"unchanged"}
    importer.confirm(build(spec), "guantao-v2.docx", None, None)
    db.session.expire_all()
    aid = db.session.scalar(select(Project).where(Project.code == "13043300P00430010002A"))
    assert aid.budget_fen == 40_000_000 and [p.percent for p in aid.plan_points] == [30, 60, 80, 100]
    assert len(aid.indicators) == 7 and aid.indicators[0].target_value == 50
    assert all(kept[i.level3] == i.id for i in aid.indicators if i.level3 in kept)
    assert db.session.scalar(select(func.count(Project.id))) == 5


def test_generated_county_in_yuan(operator, root):
    done = importer.confirm(guantao_bytes(), "guantao.docx", None, "711001")
    projects = {p.code: p for p in db.session.scalars(select(Project).where(Project.year == 2024))}
    assert done.year == 2024 and len(projects) == 5
    assert projects["13043300P000001100111"].budget_fen == 125_000_000
    assert projects["13043300P00430010002A"].other_fen == 5_660_000
    assert projects["13043300P00430010003B"].source_unit == "元"
    assert [(p.month, p.percent) for p in projects["13043300P00430010003B"].plan_points] == [(9, 100)]
    student = next(r for r in db.session.scalars(select(Rule)) if r.kind == "per_person_amount")
    assert (student.value, student.unit, student.project.code) == (2000, "元", "13043300P00430010003B")


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_refused_without_writes(operator, root, case):
    name, data, word = HOSTILE[case]
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        importer.confirm(data, name, 2025, None)
    assert word in caught.value.message
    assert row_counts() == before


def test_bad_money_cell_names_table_and_cell(operator, root):
    spec = guantao_spec()
    spec.projects[2].budget = "九万六千"
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        importer.confirm(build(spec), "bad.docx", None, None)
    assert "第3个项目表" in caught.value.message and "预算数" in caught.value.message
    assert row_counts() == before


def test_missing_unit_is_a_question_and_nothing_is_written(operator, root):
    before = row_counts()
    plan = importer.preview(guantao_bytes(unit=None), "guantao.docx")
    assert [q.key for q in plan.questions] == ["unit"] and plan.projects[0].parsed.budget_fen is None
    with pytest.raises(ValidationFailed) as caught:
        importer.confirm(guantao_bytes(unit=None), "guantao.docx", None, None)
    assert caught.value.field == "questions" and "没有注明金额单位" in caught.value.message
    assert row_counts() == before
    importer.confirm(guantao_bytes(unit=None), "guantao.docx", None, None, answers=importer.Answers(unit="元"))
    assert db.session.scalar(select(Project.budget_fen).where(Project.code == "13043300P000001100111")) == 125_000_000


def test_thousands_of_yuan_are_read_exactly(operator, root):
    plan = importer.preview(guantao_bytes(unit="千元"), "guantao.docx")
    assert plan.questions == [] and plan.projects[0].parsed.unit == "千元"
    assert plan.projects[0].parsed.budget_fen == 1_250_000 * 100_000


def test_only_admins_import(app, root):
    reviewer = UserFactory(org=root, roles=["reviewer"])
    with acting_as(reviewer), pytest.raises(Forbidden):
        importer.preview(seed_bytes(), "weixian.docx")


def test_org_outside_scope_is_refused(app, root):
    other = OrgFactory(code="722001", name="馆陶县总工会")
    admin = UserFactory(org=root, roles=["admin"])
    with acting_as(admin):
        with pytest.raises(ValidationFailed):
            importer.preview(seed_bytes(), "weixian.docx", org="722001")
        assert importer.preview(seed_bytes(), "weixian.docx").org.id == root.id
    assert other.id


def test_rule_matches_and_review(operator, root):
    plan = importer.preview(seed_bytes(), "weixian.docx")
    cap = next(r.index for r in plan.rules if r.rule.kind == "headcount_cap")
    importer.confirm(seed_bytes(), "weixian.docx", None, None, {cap: FUNDS})
    rule = db.session.scalar(select(Rule).where(Rule.kind == "headcount_cap"))
    assert rule.project.code == FUNDS
    with pytest.raises(ValidationFailed):
        importer.confirm(seed_bytes(), "weixian.docx", None, None, {cap: "NO-SUCH-CODE"})
    rules.set_rule_status(rule.id, "confirmed", AWARD)
    assert (rule.status, rule.project.code) == ("confirmed", AWARD)
    rejected = db.session.scalar(select(Rule).where(Rule.kind == "per_person_amount"))
    rules.set_rule_status(rejected.id, "rejected", "")
    assert (rejected.status, rejected.project) == ("rejected", None)
    importer.confirm(seed_bytes(), "weixian.docx", None, None)
    statuses = sorted(db.session.scalars(select(Rule.status)))
    assert statuses.count("confirmed") == 1 and statuses.count("rejected") == 1 and len(statuses) == 15
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "budgets.rule_status")) == 2


def test_rule_review_scoped_and_admin_only(app, root):
    other = OrgFactory(code="722001", name="馆陶县总工会")
    rule = Rule(year=2025, org_id=other.id, kind="rate_target", source_text="满意度90%", status="proposed")
    db.session.add(rule)
    db.session.flush()
    with acting_as(UserFactory(org=root, roles=["admin"])), pytest.raises(NotFound):
        rules.set_rule_status(rule.id, "confirmed")
    with acting_as(UserFactory(org=other, roles=["auditor"])), pytest.raises(Forbidden):
        rules.set_rule_status(rule.id, "confirmed")
