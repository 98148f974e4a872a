"""Forms of the self-evaluation pages and the scoring settings."""
from __future__ import annotations

from decimal import Decimal

from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from caseapp.core.forms import BaseForm
from caseapp.evaluation.settings import GROUP_LABELS, LE_FORMULAS, SPREADS, Settings

_TEXT = [Optional(), Length(max=4000, message="最多4000个字")]
_SHORT = [Optional(), Length(max=2000, message="最多2000个字")]


class OverallForm(BaseForm):
    """年度总体目标的实际完成情况 and the counting day."""

    overall_actual = TextAreaField("年度总体目标的实际完成情况", validators=_TEXT)
    as_of = DateField("完成值统计截止日", validators=[Optional()])


class IndicatorForm(BaseForm):
    """The evaluator's decisions on one indicator."""

    not_applicable = BooleanField("本指标不适用（不计分，总分按其余指标折算为100分）")
    na_reason = TextAreaField("不适用的理由", validators=_SHORT)
    band = SelectField("定性指标档次", choices=[], validate_choice=False)
    score = DecimalField("得分", places=2, validators=[Optional(), NumberRange(0, 100, message="应在0–100之间")])
    override_text = StringField("调整后的实际完成值（清空则恢复系统计算值）", validators=_SHORT)
    override_value = DecimalField("数值（可选，按指标值的单位）", places=4, validators=[Optional()])
    override_reason = TextAreaField("调整理由和依据", validators=_SHORT)
    deviation_reason = TextAreaField("偏差原因分析", validators=_TEXT)
    improvement = TextAreaField("改进措施", validators=_TEXT)


class ReturnForm(BaseForm):
    """A reviewer's return, with its reason."""

    reason = TextAreaField("退回原因", validators=[DataRequired(message="请填写退回原因"), Length(max=2000)])


class ActionForm(BaseForm):
    """Submit or approve: nothing but the CSRF token."""


def _percent(label: str):
    return IntegerField(label, validators=[NumberRange(0, 100, message="应在0–100之间")])


def _weight(group: str):
    return DecimalField(f"{GROUP_LABELS[group]}分值", places=2, validators=[
        InputRequired(message="请填写分值"), NumberRange(0, 100, message="应在0–100之间")])


class SettingsForm(BaseForm):
    """评分设置 of one organisation and year."""

    weight_execution = _weight("execution")
    weight_output = _weight("output")
    weight_benefit = _weight("benefit")
    weight_satisfaction = _weight("satisfaction")
    spread = SelectField("组内分值分配", choices=list(SPREADS.items()))
    le_formula = SelectField("反向指标（≤）计分", choices=list(LE_FORMULAS.items()))
    over_threshold_percent = IntegerField("超额完成判定（实际值达到指标值的%）",
                                          validators=[NumberRange(101, 1000, message="应在101–1000之间")])
    band1_name, band1_low, band1_high = StringField("第一档", [Length(max=40)]), _percent("下限%"), _percent("上限%")
    band2_name, band2_low, band2_high = StringField("第二档", [Length(max=40)]), _percent("下限%"), _percent("上限%")
    band3_name, band3_low, band3_high = StringField("第三档", [Length(max=40)]), _percent("下限%"), _percent("上限%")
    grade1_name, grade1_min = StringField("等级一", [Length(max=10)]), _percent("最低分")
    grade2_name, grade2_min = StringField("等级二", [Length(max=10)]), _percent("最低分")
    grade3_name, grade3_min = StringField("等级三", [Length(max=10)]), _percent("最低分")
    grade4_name, grade4_min = StringField("等级四", [Length(max=10)]), _percent("最低分")
    light_green_gap = _percent("绿灯：完成进度落后时间进度不超过（百分点）")
    light_yellow_gap = _percent("黄灯：完成进度落后时间进度不超过（百分点），超过为红灯")
    monitoring_month = IntegerField("运行监控截至月份", validators=[NumberRange(1, 11, message="应为1–11月")])
    monitoring_due_month = IntegerField("报送期限：月", validators=[NumberRange(1, 12, message="应为1–12月")])
    monitoring_due_day = IntegerField("报送期限：日", validators=[NumberRange(1, 31, message="应为1–31日")])

    def fill(self, s: Settings) -> None:
        """Show ``s`` in the form."""
        for group, centi in s.group_weights.items():
            getattr(self, f"weight_{group}").data = Decimal(centi) / 100
        for name in ("spread", "le_formula", "over_threshold_percent", "light_green_gap", "light_yellow_gap",
                     "monitoring_month", "monitoring_due_month", "monitoring_due_day"):
            getattr(self, name).data = getattr(s, name)
        for n, (name, low, high) in enumerate(s.qualitative_bands[:3], start=1):
            self[f"band{n}_name"].data, self[f"band{n}_low"].data, self[f"band{n}_high"].data = name, low, high
        for n, (name, lowest) in enumerate(s.grade_bands[:4], start=1):
            self[f"grade{n}_name"].data, self[f"grade{n}_min"].data = name, lowest

    def settings(self) -> Settings:
        """The settings the form describes (validated by the service)."""
        weights = {g: int((getattr(self, f"weight_{g}").data or 0) * 100) for g in GROUP_LABELS}
        bands = tuple((self[f"band{n}_name"].data.strip(), self[f"band{n}_low"].data, self[f"band{n}_high"].data)
                      for n in (1, 2, 3) if (self[f"band{n}_name"].data or "").strip())
        grades = tuple((self[f"grade{n}_name"].data.strip(), self[f"grade{n}_min"].data)
                       for n in (1, 2, 3, 4) if (self[f"grade{n}_name"].data or "").strip())
        return Settings(group_weights=weights, spread=self.spread.data, le_formula=self.le_formula.data,
                        over_threshold_percent=self.over_threshold_percent.data, qualitative_bands=bands,
                        grade_bands=grades, light_green_gap=self.light_green_gap.data,
                        light_yellow_gap=self.light_yellow_gap.data, monitoring_month=self.monitoring_month.data,
                        monitoring_due_month=self.monitoring_due_month.data,
                        monitoring_due_day=self.monitoring_due_day.data)
