"""The roll-up: every indicator of a year gets its 完成值 from the data (or the newest hand entry)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from caseapp.budgets.models import Indicator, Project
from caseapp.core.audit import record
from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed
from caseapp.core.scoping import get_scoped, require_role
from caseapp.indicators import metrics
from caseapp.indicators.models import IndicatorSnapshot, ManualValue, Rollup

_MONEY_DIVISOR = {"万元": Decimal(1_000_000), "元": Decimal(100)}


@dataclass
class Value:
    """A computed 完成值 before it is judged against the target."""

    actual: Decimal | None
    unit: str | None
    text: str
    detail: dict = field(default_factory=dict)
    parts: dict[str, int] | None = None


@dataclass
class Facts:
    """Every metric of the year, computed once with set-based queries."""

    year: int
    as_of: date
    paid_fen: dict[int, int]
    people: dict[int, int]
    coverage: dict[int, tuple[int, int]]
    on_time: dict[int, tuple[int, int]]
    deadlines: dict[int, date]
    events: dict[int, int]
    awardees: dict[int, dict[str, int]]
    surveys: dict[int, dict] = field(default_factory=dict)  #: project → its closed satisfaction survey


def _pct(n: int, d: int) -> Decimal:
    return (Decimal(n) * 100 / Decimal(d)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def gather(year: int, as_of: date, deadlines: dict[int, date]) -> Facts:
    """Run each metric's query once for the whole year (the ledger is read twice: totals, then the rest)."""
    paid = metrics.paid_facts(year, as_of, deadlines)
    return Facts(year, as_of, metrics.total_paid(year, as_of), paid.people, paid.coverage, paid.on_time, deadlines,
                 metrics.events_held(year, as_of), metrics.awardees(year), metrics.satisfaction_surveys(year))


def compute(indicator: Indicator, facts: Facts) -> Value | None:
    """The computed value of one indicator, or None when its metric is manual."""
    pid = indicator.project_id
    metric = indicator.metric
    if metric == "people_paid":
        n = facts.people.get(pid, 0)
        return Value(Decimal(n), indicator.unit or "人", f"{n}{indicator.unit or '人'}")
    if metric == "total_paid":
        return _money(indicator, facts.paid_fen.get(pid, 0))
    if metric in ("coverage_rate", "on_time_share"):
        return _share(metric, facts, pid)
    if metric == "events_held":
        n = facts.events.get(pid, 0)
        return Value(Decimal(n), indicator.unit or "次", f"{n}{indicator.unit or '次'}")
    if metric == "awardees":
        return _awardees(indicator, facts.awardees.get(pid, {}))
    if metric == "satisfaction_rate":
        return _satisfaction(facts.surveys.get(pid))
    return None


def _satisfaction(evidence: dict | None) -> Value:
    """The rate of the project's closed survey, with the survey as evidence (N, n, responses, rule)."""
    if evidence is None or evidence["rate"] is None:
        return Value(None, "%", "尚无满意度调查数据", {"note": "满意度调查结束后自动计算"})
    rate = Decimal(str(evidence["rate"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
    text = (f"{_fmt(rate)}%（有效回答{evidence['valid']}人，抽样框{evidence['frame_size']}人、"
            f"样本{evidence['sample_size']}人，{evidence['rule_label']}）")
    return Value(rate, "%", text, evidence)


def _money(indicator: Indicator, fen: int) -> Value:
    unit = indicator.unit if indicator.unit in _MONEY_DIVISOR else "元"
    value = (Decimal(fen) / _MONEY_DIVISOR[unit]).quantize(Decimal("0.0001"))
    return Value(value, unit, f"{_fmt(value)}{unit}", {"paid_fen": fen})


def _share(metric: str, facts: Facts, pid: int) -> Value:
    source = facts.coverage if metric == "coverage_rate" else facts.on_time
    n, d = source.get(pid, (0, 0))
    detail = {"numerator": n, "denominator": d}
    if metric == "on_time_share" and pid in facts.deadlines:
        detail["deadline"] = facts.deadlines[pid].isoformat()
    if d == 0:
        empty = "没有在档人员" if metric == "coverage_rate" else ("尚无发放记录" if pid in facts.deadlines else "未设定期限")
        return Value(None, "%", empty, detail)
    pct = _pct(n, d)
    return Value(pct, "%", f"{_fmt(pct)}%（{n}/{d}）", detail)


def _awardees(indicator: Indicator, counts: dict[str, int]) -> Value:
    parts, texts = {}, []
    for label, _target, unit in indicator.target_parts or []:
        n = counts.get("collective" if "集体" in label else "individual", 0)
        parts[label] = n
        texts.append(f"{label}{n}{unit or ''}")
    if not parts:
        n = sum(counts.values())
        return Value(Decimal(n), indicator.unit, f"{n}{indicator.unit or ''}")
    return Value(None, None, "，".join(texts), {"parts": parts}, parts)


def judge(indicator: Indicator, value: Value) -> bool | None:
    """Whether the target is met given its direction; None when it cannot be told yet."""
    if value.parts is not None:
        targets = {label: Decimal(str(t)) for label, t, _u in indicator.target_parts or []}
        return all(Decimal(value.parts[k]) >= v for k, v in targets.items())
    if value.actual is None:
        return None
    if indicator.direction == "date":
        return value.detail.get("denominator", 0) > 0 and value.actual >= 100
    if indicator.target_value is None:
        return None
    target = Decimal(indicator.target_value)
    if indicator.direction == "<=":
        return value.actual <= target
    return value.actual >= target  # ≥, and = read as "达到指标值"


def enter_manual_value(indicator_id: int, value_text: str, achieved: bool, evidence: str,
                       actual_value: Decimal | None = None) -> ManualValue:
    """Record a hand-entered 完成值 with its evidence (caseworkers, reviewers, admins)."""
    principal = require_role("caseworker", "reviewer", "admin")
    indicator = indicator_in_scope(indicator_id)
    if not value_text.strip() or not evidence.strip():
        raise ValidationFailed("完成值和佐证材料都必须填写", field="value_text" if not value_text.strip() else "evidence")
    row = ManualValue(indicator_id=indicator.id, org_id=indicator.project.org_id, value_text=value_text.strip(),
                      actual_value=actual_value, achieved=achieved, evidence=evidence.strip(),
                      entered_by=principal.username)
    db.session.add(row)
    db.session.flush()
    record("indicators.manual_value", row, after={"indicator": indicator.level3, "value": row.value_text,
                                                  "achieved": achieved})
    return row


def indicator_in_scope(indicator_id: int) -> Indicator:
    project_id = db.session.scalar(select(Indicator.project_id).where(Indicator.id == indicator_id))
    get_scoped(Project, project_id)  # NotFound when the project is outside scope
    return db.session.get(Indicator, indicator_id)


def history(indicator_ids: list[int], limit: int = 12) -> dict[int, list[tuple[Rollup, IndicatorSnapshot]]]:
    """Recent snapshots per indicator, newest first (the trend on the project page)."""
    stmt = (select(Rollup, IndicatorSnapshot).join(IndicatorSnapshot, IndicatorSnapshot.rollup_id == Rollup.id)
            .where(IndicatorSnapshot.indicator_id.in_(indicator_ids)).order_by(Rollup.id.desc()))
    found: dict[int, list] = {}
    for run, snap in db.session.execute(stmt):
        bucket = found.setdefault(snap.indicator_id, [])
        if len(bucket) < limit:
            bucket.append((run, snap))
    return found
