"""``caseapp demo``: organisations, one user per role, the 2025 budget with confirmed rules; idempotent."""
import re

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from caseapp.auth.models import User
from caseapp.budgets.models import Project, Rule, TargetImport
from caseapp.core.db import db
from caseapp.orgs.models import Organisation

PASSWORD_LINE = re.compile(r"^\s+(demo_\w+)\t(\S+)\t(\S+)\t(\S{14})$", re.M)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_creates_everything_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    passwords = {m.group(1): (m.group(2), m.group(3), m.group(4)) for m in PASSWORD_LINE.finditer(first.stdout)}
    assert set(passwords) == {"demo_admin", "demo_caseworker", "demo_reviewer", "demo_leader", "demo_finance",
                              "demo_auditor"}
    assert passwords["demo_caseworker"][:2] == ("经办人", "魏城镇工会")
    admin = db.session.scalar(select(User).where(User.username == "demo_admin"))
    assert check_password_hash(admin.password_hash, passwords["demo_admin"][2])
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    assert orgs["711001"].name == "魏县总工会" and orgs["711001"].parent_id is None
    assert [orgs[c].level for c in ("711101", "711102", "71110101", "71110201")] == [
        "township", "township", "grassroots", "grassroots"]
    assert _count(Project) == 3 and _count(TargetImport) == 1
    assert set(db.session.scalars(select(Rule.status))) == {"confirmed"}
    counts = [_count(m) for m in (Organisation, User, Project, Rule, TargetImport)]

    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert "已存在，跳过：用户 demo_admin" in second.stderr and "2025年绩效目标（已导入）" in second.stderr
    assert not PASSWORD_LINE.search(second.stdout) and "初始密码" not in second.stdout
    assert [_count(m) for m in (Organisation, User, Project, Rule, TargetImport)] == counts


def test_demo_check_reports_the_seed_contradictions(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["check", "--year", "2025"])
    assert result.exit_code == 1 and "¥100,000.00" in result.stdout


def test_demo_refused_in_production(app):
    app.config["ENV_NAME"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["demo"])
    finally:
        app.config["ENV_NAME"] = "testing"
    assert result.exit_code == 1 and "生产环境不能创建演示数据" in result.stderr
    assert _count(Organisation) == 0


def test_demo_holds_a_closed_survey_whose_rate_is_the_aid_projects_satisfaction_value(app):
    from caseapp.surveys.models import Survey
    from tests.factories import UserFactory
    from tests.conftest import login

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "满意度调查（电话回访，已结束，满意率 97.3%）" in result.stderr
    survey = db.session.scalar(select(Survey))
    assert survey.status == "closed" and (survey.frame_size, survey.sample_size) == (39, 39)
    project = db.session.get(Project, survey.project_id)
    db.session.commit()
    client = app.test_client()
    login(client, UserFactory(org=db.session.scalar(select(Organisation).where(Organisation.code == "711001")),
                              roles=["reviewer"]))
    resp = client.get(f"/projects/{project.id}")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, page[-1500:]
    assert "97.3%（有效回答37人，抽样框39人、样本39人，满意+基本满意计为满意）" in page
    assert f"/surveys/{survey.id}" in page
    again = app.test_cli_runner().invoke(args=["demo"])
    assert "已存在，跳过：2025年困难职工帮扶满意度调查" in again.stderr
