"""``caseapp budgets rules list|confirm``: a year imported from the command line gets its rules confirmed there."""
import json

from sqlalchemy import select

from caseapp.budgets.models import Rule
from caseapp.core.db import db
from tests.budgets.test_importer import seed_bytes
from tests.factories import OrgFactory


def _imported(app, tmp_path):
    OrgFactory(code="711001", name="魏县总工会")
    doc = tmp_path / "weixian.docx"
    doc.write_bytes(seed_bytes())
    out = app.test_cli_runner().invoke(args=["import", "targets", str(doc), "--json"])
    assert out.exit_code == 0, out.output
    return app.test_cli_runner()


def _statuses():
    return sorted(set(db.session.scalars(select(Rule.status))))


def test_confirm_all_proposed_rules_of_a_year(app, tmp_path):
    runner = _imported(app, tmp_path)
    listed = json.loads(runner.invoke(args=["budgets", "rules", "list", "--year", "2025", "--json"]).stdout)
    assert listed and {r["status"] for r in listed} == {"proposed"}
    out = runner.invoke(args=["budgets", "rules", "confirm", "--year", "2025", "--all", "--json"])
    assert out.exit_code == 0 and sorted(json.loads(out.stdout)["confirmed"]) == sorted(r["id"] for r in listed)
    assert _statuses() == ["confirmed"]


def test_confirm_some_rules_by_id_and_refuse_ambiguity(app, tmp_path):
    runner = _imported(app, tmp_path)
    first, *rest = db.session.scalars(select(Rule.id).order_by(Rule.id))
    assert runner.invoke(args=["budgets", "rules", "confirm", "--year", "2025"]).exit_code == 2
    assert runner.invoke(args=["budgets", "rules", "confirm", "--year", "2025", "--all", str(first)]).exit_code == 2
    out = runner.invoke(args=["budgets", "rules", "confirm", "--year", "2025", str(first)])
    assert out.exit_code == 0 and "已确认 2025 年规则 1 条" in out.stderr
    assert db.session.get(Rule, first).status == "confirmed" and db.session.get(Rule, rest[0]).status == "proposed"
    wrong_year = runner.invoke(args=["budgets", "rules", "confirm", "--year", "2024", str(rest[0])])
    assert wrong_year.exit_code == 1 and "属于 2025 年" in wrong_year.stderr
    assert db.session.get(Rule, rest[0]).status == "proposed"
