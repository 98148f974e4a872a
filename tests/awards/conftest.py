"""Award tests share the 劳模 tests' organisation tree and person helper."""
from tests.modelworkers.conftest import Tree, make_person, tree  # noqa: F401

import pytest  # noqa: E402
from decimal import Decimal  # noqa: E402

from caseapp.budgets.models import Indicator, Project, Rule  # noqa: E402
from caseapp.core.db import db  # noqa: E402


@pytest.fixture
def award_project(tree) -> Project:
    """The 2025 award project with its indicator target and the rules the prose states."""
    project = Project(year=2025, code="13043425P004300100025", name="评选县级劳模（一次性奖励）和先进集体活动",
                      org_id=tree.county.id, budget_fen=5_000_000)
    project.indicators.append(Indicator(level1="产出", level2="数量", level3="评选数量", target_text="评选先进集体20个，先进劳模100名",
                                        direction="=", target_parts=[["先进集体", "20", "个"], ["先进劳模", "100", "名"]]))
    db.session.add(project)
    db.session.flush()
    for kind, value, unit, text, extra in (
            ("headcount_cap", 100, "人", "表彰人数不超过100人", {}),
            ("per_person_amount", 1000, "元", "6月底前完成资金的发放，每个人奖励1000元", {}),
            ("deadline", None, None, "计划五一劳动节前评选县级劳模和先进集体", {"deadline_kind": "festival",
                                                                   "festival": "labour_day"})):
        db.session.add(Rule(year=2025, org_id=tree.county.id, project_id=project.id, kind=kind,
                            value=None if value is None else Decimal(value), unit=unit, source_text=text,
                            status="proposed", **extra))
    db.session.flush()
    return project
