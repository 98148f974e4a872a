"""Load the 2025 Weixian seed document into the models (projects, plans, indicators, deadline rules)."""
from __future__ import annotations

from pathlib import Path

from tests.budgets.reading import parse

from caseapp.budgets.models import Indicator, Project, Rule, SpendingPlanPoint
from caseapp.core.db import db

SEED = Path(__file__).parents[2] / "caseapp" / "budgets" / "demo" / "weixian-2025-budget-performance.docx"
FUNDS, AID, AWARD = "13043425P000001100273", "13043425P00430010001H", "13043425P004300100025"
_PARSED = {}


def _parsed():
    if "doc" not in _PARSED:
        _PARSED["doc"] = parse(SEED.read_bytes())
    return _PARSED["doc"]


def load_seed(org_id: int, year: int = 2025, rule_status: str = "confirmed") -> dict[str, Project]:
    """The seed's projects for ``year`` owned by ``org_id``, with its prose deadline rules."""
    doc = _parsed()
    projects = {}
    for p in doc.projects:
        project = Project(year=year, code=p.code, name=p.name, org_id=org_id, budget_fen=p.budget_fen,
                          fiscal_fen=p.fiscal_fen, other_fen=p.other_fen, purpose=p.purpose, goal_text=p.goal_text)
        project.plan_points = [SpendingPlanPoint(month=m, percent=pct) for m, pct in p.spending_plan]
        project.indicators = [Indicator(position=i, level1=x.level1, level2=x.level2, level3=x.level3,
                                        description=x.description, target_text=x.target_text,
                                        direction=x.target.direction, target_value=x.target.value,
                                        unit=x.target.unit, basis=x.basis, metric=x.metric)
                              for i, x in enumerate(p.indicators)]
        db.session.add(project)
        projects[p.code] = project
    db.session.flush()
    for r in doc.rules:
        if r.kind == "deadline":
            d = r.deadline
            db.session.add(Rule(year=year, org_id=org_id, kind="deadline", subject=r.subject or "",
                                source_text=r.source_text, section_title=r.section_title,
                                project_id=projects[r.project_code].id if r.project_code else None,
                                deadline_kind=d.kind, deadline_month=d.month, deadline_day=d.day,
                                festival=d.festival, festival_before="day" if d.festival else None,
                                status=rule_status))
    db.session.flush()
    return projects
