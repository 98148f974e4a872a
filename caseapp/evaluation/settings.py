"""评分设置 as data: defaults (财预〔2020〕10号 as commonly applied), per organisation and year, edited by admins."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select

from caseapp.core.audit import record
from caseapp.core.context import current_principal
from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed
from caseapp.core.scoping import ancestor_ids, require_org_in_scope, require_role
from caseapp.evaluation.models import EvaluationSetting
from caseapp.orgs.models import Organisation

GROUPS = ("execution", "output", "benefit", "satisfaction")
GROUP_LABELS = {"execution": "预算执行率", "output": "产出指标", "benefit": "效益指标", "satisfaction": "满意度指标"}
LE_FORMULAS = {"domain": "超出指标值按比例扣分，达到2倍时得0分", "ratio": "超出时得分 = 分值 × 指标值 ÷ 实际值"}
SPREADS = {"equal": "组内按文件分值比例分配，文件无分值时平均分配",
           "custom": "另允许按项目逐项调整指标分值（每组合计不变）"}


@dataclass(frozen=True)
class Settings:
    """Every weight and threshold the scoring and the monitoring lights read."""

    group_weights: dict = field(default_factory=lambda: {"execution": 1000, "output": 5000, "benefit": 3000,
                                                         "satisfaction": 1000})  #: hundredths of a point
    spread: str = "equal"
    le_formula: str = "domain"
    over_threshold_percent: int = 130
    qualitative_bands: tuple = (("达成年度指标", 80, 100), ("部分达成并具有一定效果", 60, 80),
                                ("未达成且效果较差", 0, 60))
    grade_bands: tuple = (("优", 90), ("良", 80), ("中", 60), ("差", 0))
    light_green_gap: int = 10
    light_yellow_gap: int = 20
    monitoring_month: int = 7
    monitoring_due_month: int = 8
    monitoring_due_day: int = 10
    source: str = "默认设置"  #: where these came from, shown with every result

    def as_json(self) -> dict:
        """The settings as plain data (recorded in every frozen evaluation)."""
        return {"group_weights": dict(self.group_weights), "spread": self.spread, "le_formula": self.le_formula,
                "over_threshold_percent": self.over_threshold_percent,
                "qualitative_bands": [list(b) for b in self.qualitative_bands],
                "grade_bands": [list(b) for b in self.grade_bands], "light_green_gap": self.light_green_gap,
                "light_yellow_gap": self.light_yellow_gap, "monitoring_month": self.monitoring_month,
                "monitoring_due": [self.monitoring_due_month, self.monitoring_due_day], "source": self.source}


DEFAULTS = Settings()
_COLUMNS = ("spread", "le_formula", "over_threshold_percent", "light_green_gap", "light_yellow_gap",
            "monitoring_month", "monitoring_due_month", "monitoring_due_day")


def _from_row(row: EvaluationSetting, org_name: str) -> Settings:
    weights = {g: getattr(row, f"weight_{g}") for g in GROUPS}
    return Settings(group_weights=weights, qualitative_bands=tuple(tuple(b) for b in row.qualitative_bands),
                    grade_bands=tuple(tuple(b) for b in row.grade_bands),
                    source=f"{org_name}{row.year}年度评分设置", **{c: getattr(row, c) for c in _COLUMNS})


def settings_for(org_id: int, year: int) -> Settings:
    """The settings of the nearest organisation at or above ``org_id`` that has a row for ``year``."""
    return settings_for_many([org_id], year)[org_id]


def org_paths(org_ids) -> dict[int, str]:
    """The tree path of each organisation ("/1/4/")."""
    return dict(db.session.execute(select(Organisation.id, Organisation.path)
                                   .where(Organisation.id.in_(org_ids))).all())


def settings_for_many(org_ids: list[int], year: int) -> dict[int, Settings]:
    """:func:`settings_for` of many organisations in three queries."""
    paths = org_paths(org_ids)
    chains = {oid: ancestor_ids(paths.get(oid) or "") or [oid] for oid in org_ids}
    wanted = {oid for chain in chains.values() for oid in chain}
    rows = {r.org_id: r for r in db.session.scalars(select(EvaluationSetting).where(
        EvaluationSetting.year == year, EvaluationSetting.org_id.in_(wanted)))}
    names = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_(rows))).all()) if rows else {}
    found = {}
    for oid, chain in chains.items():
        owner = next((o for o in reversed(chain) if o in rows), None)
        found[oid] = _from_row(rows[owner], names[owner]) if owner is not None else DEFAULTS
    return found


def save_settings(org_id: int, year: int, new: Settings) -> EvaluationSetting:
    """Store ``new`` as ``org_id``'s settings for ``year`` (admins of that organisation's subtree)."""
    principal = require_role("admin")
    require_org_in_scope(org_id)
    validate(new)
    row = db.session.scalar(select(EvaluationSetting).where(EvaluationSetting.org_id == org_id,
                                                            EvaluationSetting.year == year))
    before = _from_row(row, "").as_json() if row else None
    if row is None:
        row = EvaluationSetting(org_id=org_id, year=year)
        db.session.add(row)
    for group in GROUPS:
        setattr(row, f"weight_{group}", new.group_weights[group])
    for column in _COLUMNS:
        setattr(row, column, getattr(new, column))
    row.qualitative_bands = [list(b) for b in new.qualitative_bands]
    row.grade_bands = [list(b) for b in new.grade_bands]
    row.updated_by = principal.username
    db.session.flush()
    record("evaluation.settings", row, before=before, after=replace(new, source="").as_json(),
           summary=f"修改{year}年度绩效评分设置")
    return row


def validate(s: Settings) -> None:
    """Refuse settings the scoring cannot use, with the field named."""
    weights = s.group_weights
    if set(weights) != set(GROUPS) or any(w < 0 for w in weights.values()) or sum(weights.values()) != 10000:
        raise ValidationFailed("预算执行率、产出、效益、满意度四组分值须为非负数且合计100分", field="weights")
    if s.spread not in SPREADS or s.le_formula not in LE_FORMULAS:
        raise ValidationFailed("分值分配方式或反向指标计分公式无效", field="le_formula")
    if not 101 <= s.over_threshold_percent <= 1000:
        raise ValidationFailed("超额完成的判定比例应在101%–1000%之间", field="over_threshold_percent")
    _validate_bands(s)
    if not 0 <= s.light_green_gap <= s.light_yellow_gap <= 100:
        raise ValidationFailed("绿灯的偏差上限不能大于黄灯的偏差上限（0–100个百分点）", field="light_green_gap")
    if not 1 <= s.monitoring_month <= 11 or not _valid_day(s.monitoring_due_month, s.monitoring_due_day):
        raise ValidationFailed("监控截至月份应为1–11月，报送期限须为有效日期", field="monitoring_month")
    if s.monitoring_due_month <= s.monitoring_month:
        raise ValidationFailed("报送期限应在监控截至月份之后", field="monitoring_due_month")


def _validate_bands(s: Settings) -> None:
    for name, low, high in s.qualitative_bands:
        if not name or not 0 <= low <= high <= 100:
            raise ValidationFailed(f"定性指标档次“{name}”的得分区间应在0–100%之间且下限不大于上限",
                                   field="qualitative_bands")
    lows = [low for _name, low in s.grade_bands]
    if not s.grade_bands or lows != sorted(lows, reverse=True) or lows[-1] != 0 or len(set(lows)) != len(lows):
        raise ValidationFailed("等级须按分数从高到低排列，最低一档从0分起", field="grade_bands")


def _valid_day(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)


def acting_org_id() -> int:
    """The organisation whose settings and department evaluation the actor works on (root for the operator)."""
    principal = current_principal()
    if principal is not None and principal.org_id is not None:
        return principal.org_id
    root = db.session.scalar(select(Organisation.id).where(Organisation.parent_id.is_(None)).order_by(Organisation.id))
    if root is None:
        raise ValidationFailed("还没有任何组织")
    return root
