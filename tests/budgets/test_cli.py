"""``caseapp import targets`` and ``caseapp check``: one JSON document on stdout, Chinese errors, exit codes."""
import json

import pytest
from sqlalchemy import select
from tests.budgets.docgen import build, guantao_spec
from tests.budgets.test_importer import AID, AWARD, FUNDS, HOSTILE, SEED, row_counts
from tests.factories import OrgFactory

from caseapp.budgets.models import Project
from caseapp.core.db import db


@pytest.fixture
def runner(app):
    OrgFactory(code="711001", name="魏县总工会")
    return app.test_cli_runner()


def _projects():
    return db.session.scalars(select(Project)).all()


def _import(runner, path, *extra):
    return runner.invoke(args=["import", "targets", str(path), "--json", *extra])


def test_import_seed_json(runner):
    result = _import(runner, SEED)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["year"] == 2025 and out["warnings"] == [] and out["dry_run"] is False
    assert [p["code"] for p in out["projects"]] == [FUNDS, AID, AWARD]
    assert [p["budget_fen"] for p in out["projects"]] == [190_000_000, 47_660_000, 5_000_000]
    assert [len(p["indicators"]) for p in out["projects"]] == [7, 7, 7]
    assert out["projects"][0]["spending_plan"][:2] == [{"month": 3, "percent": 25}, {"month": 6, "percent": 50}]
    satisfaction = out["projects"][1]["indicators"][-1]
    assert (satisfaction["direction"], satisfaction["value"], satisfaction["unit"]) == (">=", 95, "%")
    award_rules = out["projects"][2]["rules"]
    assert {"kind": "headcount_cap", "value": 100, "unit": "人"}.items() <= award_rules[0].items()
    assert "已导入2025年绩效目标" in result.stderr
    assert len(_projects()) == 3


def test_dry_run_writes_nothing(runner):
    before = row_counts()
    result = _import(runner, SEED, "--dry-run")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["dry_run"] is True
    assert row_counts() == before


def test_reimport_reports_unchanged(runner):
    _import(runner, SEED)
    out = json.loads(_import(runner, SEED).stdout)
    assert [p["status"] for p in out["projects"]] == ["unchanged"] * 3
    assert len(_projects()) == 3


def test_generated_document_with_year_override(runner, tmp_path):
    path = tmp_path / "guantao.docx"
    path.write_bytes(build(guantao_spec()))
    out = json.loads(_import(runner, path, "--year", "2025").stdout)
    assert out["year"] == 2025 and len(out["projects"]) == 5
    assert out["projects"][0]["budget_fen"] == 125_000_000
    assert any("将按2025年导入" in w for w in out["warnings"])


@pytest.mark.parametrize("case", ["legacy .doc", "renamed txt", "no tables"])
def test_bad_file_exit_1_in_chinese(runner, tmp_path, case):
    name, data, word = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = row_counts()
    result = runner.invoke(args=["import", "targets", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：") and word in result.stderr
    assert result.stdout == ""
    assert row_counts() == before
    as_json = _import(runner, path)
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["error"] == "validation"


def test_check_exit_1_with_award_error(runner):
    _import(runner, SEED)
    result = runner.invoke(args=["check", "--year", "2025", "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    errors = [p for p in problems if p["severity"] == "error"]
    assert [(p["project_code"], p["kind"]) for p in errors] == [(AWARD, "cap_over_budget")]
    assert "¥100,000.00" in errors[0]["message"]
    rates = [p for p in problems if p["kind"] == "rate_mismatch"]
    assert len(rates) == 3 and any("90%" in p["message"] and "100%" in p["message"] for p in rates)
    assert "错误1项" in result.stderr


def test_check_clean_year_exits_0(runner):
    result = runner.invoke(args=["check", "--year", "2030"])
    assert result.exit_code == 0 and "错误0项" in result.stderr


def _neighbour(tmp_path, next_year=False):
    from tests.budgets.provinces import neighbour

    path = tmp_path / ("2026.docx" if next_year else "2025.docx")
    path.write_bytes(build(neighbour(next_year)))
    return path


def test_questions_exit_0_on_dry_run_and_2_on_import(runner, tmp_path):
    path = _neighbour(tmp_path)
    before = row_counts()
    dry = _import(runner, path, "--dry-run")
    assert dry.exit_code == 0
    out = json.loads(dry.stdout)
    assert [q["key"] for q in out["questions"]] == ["unit", "year"]
    assert out["questions"][0]["proposed"] == "万元" and out["year"] is None
    real = _import(runner, path)
    assert real.exit_code == 2 and json.loads(real.stdout)["import_id"] is None
    assert "需要回答" in real.stderr and "未导入" in real.stderr
    assert row_counts() == before


def test_unit_and_year_options_answer_them(runner, tmp_path):
    result = _import(runner, _neighbour(tmp_path), "--unit", "万元", "--year", "2025")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["questions"] == [] and out["import_id"] is not None
    assert out["answers"] == {"year": 2025, "unit": "万元"}
    assert [p["budget_fen"] for p in out["projects"]][:2] == [125_000_000, 35_660_000]
    assert {p["code_source"] for p in out["projects"]} == {"generated"}


def test_map_file(runner, tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"year": 2025, "unit": "万元", "codes": {"工会经费": "DM-001"}}), encoding="utf-8")
    out = json.loads(_import(runner, _neighbour(tmp_path), "--map", str(mapping)).stdout)
    assert out["projects"][0]["code"] == "DM-001" and out["projects"][1]["code"].startswith("N2025-")
    mapping.write_text("{not json", encoding="utf-8")
    bad = _import(runner, _neighbour(tmp_path), "--map", str(mapping))
    assert bad.exit_code == 1 and "不是有效的 JSON" in bad.stderr
    mapping.write_text(json.dumps({"unit": "斤"}), encoding="utf-8")
    assert "只能是万元或元" in _import(runner, _neighbour(tmp_path), "--map", str(mapping)).stderr


def test_unit_option_is_checked(runner, tmp_path):
    result = runner.invoke(args=["import", "targets", str(_neighbour(tmp_path)), "--unit", "千元"])
    assert result.exit_code == 2 and "千元" in result.output


def test_weights_in_json(runner, tmp_path):
    from tests.budgets.layout import to_xlsx
    from tests.budgets.provinces import VARIANTS

    path = tmp_path / "sichuan.xlsx"
    path.write_bytes(to_xlsx(VARIANTS["sichuan"]().layout))
    out = json.loads(_import(runner, path, "--dry-run").stdout)
    indicators = out["projects"][0]["indicators"]
    assert [i["weight"] for i in indicators] == [20, 10, 10, 10, 20, 10, 20]
    assert indicators[-1]["category"] == "satisfaction"
    assert out["projects"][0]["rules"][0]["source_cell"] == "工作表“绩效目标”E16"
