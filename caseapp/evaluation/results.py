"""The result of scoring a project: what the pages, exports, CLI and API show, and what a submission freezes."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal

SOURCE_LABELS = {"data": "系统数据", "manual": "手工填报", "override": "评价人调整", "pending": "待填报",
                 "na": "不适用"}


@dataclass
class ExecutionResult:
    """预算执行: 年初预算数, 全年预算数 (adjusted), 全年执行数 (ledger, net of reversals), rate and score."""

    initial_fen: int
    budget_fen: int
    spent_fen: int
    fiscal_fen: int
    other_fen: int
    rate: Decimal | None  #: percent, two decimals; None without a budget
    weight: Decimal
    score: Decimal | None
    adjusted: bool = False  #: the budget changed after the import

    def as_json(self) -> dict:
        """The execution block as JSON (amounts in 分, rate in percent, points)."""
        return {"initial_budget_fen": self.initial_fen, "budget_fen": self.budget_fen, "spent_fen": self.spent_fen,
                "rate": _num(self.rate), "weight": _num(self.weight), "score": _num(self.score)}


@dataclass
class IndicatorResult:
    """One indicator scored: target, 实际完成值 and where it came from, weight, score, what the evaluator wrote."""

    indicator_id: int
    group: str
    level1: str
    level2: str
    level3: str
    target_text: str
    actual_text: str
    source: str  #: data / manual / override / pending / na
    weight: Decimal
    score: Decimal | None
    needs_reason: bool = False
    over_achieved: bool = False
    qualitative: bool = False
    band: str | None = None
    override_reason: str = ""
    na_reason: str = ""
    deviation_reason: str = ""
    improvement: str = ""

    @property
    def not_applicable(self) -> bool:
        """Left out of the scoring (不适用)."""
        return self.source == "na"

    @property
    def source_label(self) -> str:
        """Where 实际完成值 came from, in Chinese."""
        return SOURCE_LABELS[self.source]

    @property
    def reason_text(self) -> str:
        """偏差原因分析及改进措施 as one cell."""
        parts = [f"偏差原因：{self.deviation_reason}" if self.deviation_reason else "",
                 f"改进措施：{self.improvement}" if self.improvement else ""]
        return "\n".join(p for p in parts if p)

    def as_json(self) -> dict:
        """One indicator as JSON (weights and scores in points)."""
        return {"indicator_id": self.indicator_id, "level1": self.level1, "level2": self.level2,
                "level3": self.level3, "target_text": self.target_text, "actual_text": self.actual_text,
                "weight": _num(self.weight), "score": _num(self.score), "needs_reason": self.needs_reason,
                "over_achieved": self.over_achieved, "source": self.source, "band": self.band,
                "not_applicable": self.not_applicable, "deviation_reason": self.deviation_reason,
                "improvement": self.improvement}


@dataclass
class ProjectResult:
    """A project's 绩效自评: live (computed now) or frozen (the snapshot taken at submission)."""

    project_id: int
    code: str
    name: str
    year: int
    department: str  #: 主管部门
    unit: str  #: 实施单位
    as_of: date
    status: str | None
    goal_text: str
    overall_actual: str
    execution: ExecutionResult
    indicators: list[IndicatorResult]
    total: Decimal
    grade: str
    problems: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    submitted_by: str | None = None
    reviewed_by: str | None = None
    submitted_on: date | None = None
    frozen: bool = False

    @property
    def deviations(self) -> list[IndicatorResult]:
        """Indicators below full score or far beyond their target: each needs a 偏差原因."""
        return [i for i in self.indicators if i.needs_reason]

    def as_json(self) -> dict:
        """The shape of ``caseapp evaluation score --json`` and of the API."""
        return {"code": self.code, "name": self.name, "year": self.year, "as_of": self.as_of.isoformat(),
                "status": self.status or "none", "execution": self.execution.as_json(),
                "indicators": [i.as_json() for i in self.indicators], "total": _num(self.total),
                "grade": self.grade, "frozen": self.frozen, "problems": self.problems}

    def to_snapshot(self) -> dict:
        """Everything, as JSON-safe data (decimals as text), to freeze at submission."""
        return plain(asdict(self))

    @classmethod
    def from_snapshot(cls, data: dict) -> "ProjectResult":
        """Rebuild a frozen result exactly as it was submitted."""
        values = typed(cls, data)
        values["execution"] = ExecutionResult(**typed(ExecutionResult, data["execution"]))
        values["indicators"] = [IndicatorResult(**typed(IndicatorResult, i)) for i in data["indicators"]]
        return cls(**values)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def plain(value):
    """Decimals as text and dates as ISO strings, recursively (JSON-safe for a snapshot)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


_DECIMALS = {"rate", "weight", "score", "total", "average"}
_DATES = {"as_of", "submitted_on"}


def typed(cls, data: dict) -> dict:
    """The constructor arguments of dataclass ``cls`` from :func:`plain` data."""
    out = {}
    for f in fields(cls):
        value = data.get(f.name)
        if value is not None and f.name in _DECIMALS:
            value = Decimal(value)
        elif value is not None and f.name in _DATES:
            value = date.fromisoformat(value)
        out[f.name] = value
    return out
