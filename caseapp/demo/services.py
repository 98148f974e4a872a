"""Creating the demo organisations, users and 2025 budget data; every step skips what already exists."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from caseapp.auth import services as auth_services
from caseapp.auth.models import User
from caseapp.budgets import importer, rules
from caseapp.budgets.models import TargetImport
from caseapp.core.db import db
from caseapp.core.errors import Forbidden
from caseapp.orgs import services as org_services
from caseapp.orgs.models import Organisation
from caseapp.demo.registry import add_registry
from caseapp.demo.survey import add_aid_survey
from caseapp.payments.settings import seed_aid_types

SEED = Path(__file__).resolve().parents[1] / "budgets" / "demo" / "weixian-2025-budget-performance.docx"
SEED_YEAR = 2025
ROOT_CODE = "711001"
#: (code, name, parent code): the county union, two 乡镇工会, one 基层工会 under each.
ORGS = (
    (ROOT_CODE, "魏县总工会", None),
    ("711101", "魏城镇工会", ROOT_CODE),
    ("711102", "双井镇工会", ROOT_CODE),
    ("71110101", "魏城镇第一中学工会", "711101"),
    ("71110201", "双井镇卫生院工会", "711102"),
)
#: (username, display name, role, organisation code)
USERS = (
    ("demo_admin", "演示管理员", "admin", ROOT_CODE),
    ("demo_caseworker", "演示经办人", "caseworker", "711101"),
    ("demo_reviewer", "演示审核人", "reviewer", ROOT_CODE),
    ("demo_leader", "演示领导", "leader", ROOT_CODE),
    ("demo_finance", "演示财务", "finance", ROOT_CODE),
    ("demo_auditor", "演示审计", "auditor", ROOT_CODE),
)


@dataclass
class DemoResult:
    """What a run created and what it found already there; passwords only for users created now."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    #: (username, role, organisation name, password) of the users created in this run
    passwords: list[tuple[str, str, str, str]] = field(default_factory=list)


def create_demo() -> DemoResult:
    """Create the demo data as the operator; refused in production."""
    if current_app.config.get("ENV_NAME") == "production":
        raise Forbidden("生产环境不能创建演示数据")
    result = DemoResult()
    _orgs(result)
    _users(result)
    _budget(result)
    added = seed_aid_types()
    if added:
        result.created.append(f"标准帮扶类型 {added} 个")
    add_registry(result.created, result.existing)
    add_aid_survey(result.created, result.existing)
    return result


def _orgs(result: DemoResult) -> None:
    for code, name, parent in ORGS:
        if db.session.scalar(select(Organisation.id).where(Organisation.code == code)):
            result.existing.append(f"组织 {code} {name}")
            continue
        org_services.create_org(code, name, parent)
        result.created.append(f"组织 {code} {name}")


def _users(result: DemoResult) -> None:
    for username, display_name, role, org_code in USERS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            result.existing.append(f"用户 {username}")
            continue
        password = auth_services.generate_password()
        user = auth_services.create_user(username, org_code, [role], password=password, display_name=display_name)
        result.created.append(f"用户 {username}")
        result.passwords.append((username, role, user.org.name, password))


def _budget(result: DemoResult) -> None:
    """Import the seed document once and confirm the rules its prose states."""
    data = SEED.read_bytes()
    root = db.session.scalar(select(Organisation).where(Organisation.code == ROOT_CODE))
    done = db.session.scalar(select(TargetImport.id).where(TargetImport.year == SEED_YEAR,
                                                           TargetImport.org_id == root.id))
    if done:
        result.existing.append(f"{SEED_YEAR}年绩效目标（已导入）")
        return
    changes = importer.confirm(data, SEED.name, SEED_YEAR, ROOT_CODE).changes
    confirmed = rules.confirm_all_proposed(SEED_YEAR)
    projects = len(changes["created"]) + len(changes["updated"]) + len(changes["unchanged"])
    result.created.append(f"{SEED_YEAR}年绩效目标（{projects}个项目，已确认规则{confirmed}条）")
