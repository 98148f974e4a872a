"""部门整体支出绩效自评: the organisation's whole budget and execution, its overall goals, its projects' scores."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.budgets.models import DocumentGoal, Project
from caseapp.core.audit import record
from caseapp.core.calendar import local_today
from caseapp.core.context import current_principal
from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed
from caseapp.core.scoping import require_visible_org
from caseapp.evaluation import scoring, workflow
from caseapp.evaluation.compute import default_as_of, score_projects
from caseapp.evaluation.models import DRAFT, STATUS_LABELS, DepartmentEvaluation, DepartmentGoalResult
from caseapp.evaluation.results import plain, typed
from caseapp.evaluation.services import evaluations_of
from caseapp.evaluation.settings import settings_for
from caseapp.orgs.models import Organisation


@dataclass
class GoalLine:
    """One overall goal: 预期目标 as the document wrote it, 实际完成情况 as the evaluator writes it."""

    position: int
    title: str
    target_text: str
    actual_text: str


@dataclass
class ProjectLine:
    """One project in the department table."""

    code: str
    name: str
    initial_fen: int
    budget_fen: int
    spent_fen: int
    rate: Decimal | None
    total: Decimal
    grade: str
    status: str | None

    @property
    def status_label(self) -> str:
        """The project evaluation's state in Chinese."""
        return STATUS_LABELS[self.status]


@dataclass
class DepartmentResult:
    """The department's evaluation, live or frozen at submission."""

    org_id: int
    org_name: str
    year: int
    as_of: date
    status: str | None
    initial_fen: int
    budget_fen: int
    spent_fen: int
    rate: Decimal | None
    goals: list[GoalLine]
    projects: list[ProjectLine]
    average: Decimal  #: the projects' totals weighted by their 全年预算数
    grade: str
    problems: list[str] = field(default_factory=list)
    submitted_by: str | None = None
    reviewed_by: str | None = None
    submitted_on: date | None = None
    frozen: bool = False

    def as_json(self) -> dict:
        """The department table as JSON (amounts in 分, rates in percent)."""
        data = plain(asdict(self))
        data.update(rate=_num(self.rate), average=float(self.average))
        for line, src in zip(data["projects"], self.projects):
            line.update(rate=_num(src.rate), total=float(src.total))
        return data

    @classmethod
    def from_snapshot(cls, data: dict) -> "DepartmentResult":
        """Rebuild a frozen department result exactly as it was submitted."""
        values = typed(cls, data)
        values["goals"] = [GoalLine(**g) for g in data["goals"]]
        values["projects"] = [ProjectLine(**typed(ProjectLine, p)) for p in data["projects"]]
        return cls(**values)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _org(org_id: int) -> Organisation:
    require_visible_org(org_id)
    return db.session.get(Organisation, org_id)


def stored(org_id: int, year: int) -> DepartmentEvaluation | None:
    """The stored department evaluation, if any."""
    return db.session.scalar(select(DepartmentEvaluation).where(
        DepartmentEvaluation.org_id == org_id, DepartmentEvaluation.year == year)
        .options(selectinload(DepartmentEvaluation.goals)))


def department_result(org_id: int, year: int, as_of: date | None = None) -> DepartmentResult:
    """The department table of ``org_id`` for ``year``: frozen as submitted, else computed now."""
    org = _org(org_id)
    ev = stored(org_id, year)
    if ev is not None and ev.is_frozen and ev.snapshot:
        result = DepartmentResult.from_snapshot(ev.snapshot)
        result.status, result.frozen, result.reviewed_by = ev.status, True, ev.reviewed_by
        return result
    day = as_of or (ev.as_of if ev else default_as_of(year))
    projects = _projects(org, year)
    scored = score_projects(projects, evaluations_of([p.id for p in projects]), day)
    lines = [ProjectLine(r.code, r.name, r.execution.initial_fen, r.execution.budget_fen, r.execution.spent_fen,
                         r.execution.rate, r.total, r.grade, r.status) for r in scored]
    budget, spent = sum(line.budget_fen for line in lines), sum(line.spent_fen for line in lines)
    average = _weighted_average(lines)
    result = DepartmentResult(
        org.id, org.name, year, day, ev.status if ev else None, sum(line.initial_fen for line in lines), budget,
        spent, (Decimal(spent) * 100 / budget).quantize(scoring.CENT, ROUND_HALF_UP) if budget else None,
        _goals(ev, org.id, year), lines, average, scoring.grade(average, settings_for(org.id, year).grade_bands),
        submitted_by=ev.submitted_by if ev else None, reviewed_by=ev.reviewed_by if ev else None)
    result.problems = _problems(result)
    return result


def _projects(org: Organisation, year: int) -> list[Project]:
    """Every project of the organisation's subtree for the year: its whole budget."""
    stmt = (select(Project).join(Organisation, Organisation.id == Project.org_id)
            .where(Project.year == year, Organisation.path.startswith(org.path, autoescape=True))
            .options(selectinload(Project.indicators), selectinload(Project.plan_points),
                     selectinload(Project.org)).order_by(Project.code))
    return list(db.session.scalars(stmt))


def _weighted_average(lines: list[ProjectLine]) -> Decimal:
    """The projects' totals weighted by 全年预算数 (a plain mean when no project has a budget)."""
    if not lines:
        return Decimal("0.00")
    budget = sum(line.budget_fen for line in lines)
    if budget == 0:
        value = sum((line.total for line in lines), Decimal(0)) / len(lines)
    else:
        value = sum((line.total * line.budget_fen for line in lines), Decimal(0)) / budget
    return value.quantize(scoring.CENT, ROUND_HALF_UP)


def _goals(ev: DepartmentEvaluation | None, org_id: int, year: int) -> list[GoalLine]:
    if ev is not None and ev.goals:
        return [GoalLine(g.position, g.title, g.target_text, g.actual_text) for g in ev.goals]
    return [GoalLine(g.position, g.title, g.text, "") for g in document_goals(org_id, year)]


def document_goals(org_id: int, year: int) -> list[DocumentGoal]:
    """The goals the imported document states for this organisation and year."""
    return list(db.session.scalars(select(DocumentGoal).where(DocumentGoal.org_id == org_id,
                                                              DocumentGoal.year == year)
                                   .order_by(DocumentGoal.position)))


def _problems(result: DepartmentResult) -> list[str]:
    found = [] if result.goals else ["没有年度总体目标：请先导入绩效目标文本，或手工添加目标"]
    found += [f"请填写“{g.title}”的实际完成情况" for g in result.goals if not g.actual_text.strip()]
    found += [f"项目“{p.name}”的自评尚未提交" for p in result.projects if p.status not in ("submitted", "approved")]
    return found


def _editable(org_id: int, year: int) -> DepartmentEvaluation:
    _org(org_id)
    ev = stored(org_id, year)
    workflow.require_editable(ev, org_id)
    if ev is None:
        ev = DepartmentEvaluation(org_id=org_id, year=year, status=DRAFT, as_of=default_as_of(year))
        ev.goals = [DepartmentGoalResult(position=g.position, title=g.title, target_text=g.text, actual_text="")
                    for g in document_goals(org_id, year)]
        db.session.add(ev)
        db.session.flush()
        record("evaluation.department_create", ev, summary=f"开始{year}年度部门整体支出绩效自评")
    return ev


def save_goals(org_id: int, year: int, actuals: dict[int, str], new_goal: tuple[str, str] | None = None) -> None:
    """Write each goal's 实际完成情况 (by position) and optionally add a goal (title, 预期目标)."""
    ev = _editable(org_id, year)
    before = {g.position: g.actual_text for g in ev.goals}
    for goal in ev.goals:
        if goal.position in actuals:
            goal.actual_text = _limited(actuals[goal.position], "actual")
    if new_goal and new_goal[0].strip():
        title, target = new_goal
        if not target.strip():
            raise ValidationFailed("请填写新目标的预期目标", field="new_target")
        ev.goals.append(DepartmentGoalResult(position=max([g.position for g in ev.goals], default=-1) + 1,
                                             title=_limited(title, "new_title", 200),
                                             target_text=_limited(target, "new_target")))
    db.session.flush()
    record("evaluation.department_goals", ev, before={str(k): v for k, v in before.items()},
           after={str(g.position): g.actual_text for g in ev.goals}, summary=f"填写{year}年度部门整体目标完成情况")


def _limited(text: str, field: str, limit: int = 4000) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationFailed(f"内容太长（最多{limit}个字）", field=field)
    return text


def submit(org_id: int, year: int) -> DepartmentResult:
    """Freeze the department evaluation; refused while a goal or a project evaluation is missing."""
    ev = _editable(org_id, year)
    result = department_result(org_id, year)
    if result.problems:
        raise ValidationFailed("尚不能提交：" + "；".join(result.problems), field="submit")
    principal = current_principal()
    result.status, result.submitted_on = "submitted", local_today()
    result.submitted_by = principal.username if principal else ""
    snapshot = plain(asdict(result))
    snapshot["total"] = snapshot["average"]
    workflow.freeze(ev, snapshot, f"{year}年度部门整体支出绩效自评")
    return result


def return_department(org_id: int, year: int, reason: str) -> None:
    """A reviewer returns the department evaluation with a reason."""
    workflow.send_back(_required(org_id, year), org_id, reason, f"{year}年度部门整体支出绩效自评")


def approve_department(org_id: int, year: int) -> None:
    """A reviewer approves the submitted department evaluation."""
    workflow.approve(_required(org_id, year), org_id, f"{year}年度部门整体支出绩效自评")


def _required(org_id: int, year: int) -> DepartmentEvaluation:
    _org(org_id)
    ev = stored(org_id, year)
    if ev is None:
        raise ValidationFailed("部门整体自评尚未开始", field="status")
    return ev
