"""Forms of the survey pages and of the public questionnaire; Chinese messages everywhere."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from caseapp.core.forms import BaseForm
from caseapp.surveys import vocab
from caseapp.surveys.services import MAX_SEED

_STRATA = [("", "不分层")] + list(vocab.STRATA.items())


def _choices(values) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class SurveyForm(BaseForm):
    """A new survey: project, method, sampling and its settings."""

    project_id = SelectField("预算项目", coerce=int, validators=[InputRequired(message="请选择预算项目")])
    aid_type_id = SelectField("帮扶类型（可选）", coerce=int, default=0)
    name = StringField("调查名称（可不填）", validators=[Optional(), Length(max=200)])
    method = SelectField("调查方式", choices=list(vocab.METHODS.items()), default="phone")
    sampling = SelectField("抽样方式", choices=list(vocab.SAMPLING.items()), default="full")
    confidence = DecimalField("置信度", default=Decimal("0.95"), places=3,
                              validators=[Optional(), NumberRange(min=0.5, max=0.999, message="置信度应在 0.5 到 0.999 之间")])
    margin = DecimalField("允许误差 e", default=Decimal("0.05"), places=3,
                          validators=[Optional(), NumberRange(min=0.005, max=0.5, message="允许误差应在 0.005 到 0.5 之间")])
    fixed_n = IntegerField("固定样本量 n", validators=[Optional(), NumberRange(min=1, max=1_000_000, message="样本量应为正整数")])
    strata = SelectField("分层", choices=_STRATA, default="")
    seed = IntegerField("随机种子（可不填，系统生成并记录）", validators=[
        Optional(), NumberRange(min=0, max=MAX_SEED, message=f"随机种子应为 0 到 {MAX_SEED} 之间的整数")])
    no_phone = SelectField("无电话的人员", choices=list(vocab.NO_PHONE.items()), default="visit")
    reserve_percent = IntegerField("备选名单（样本量的百分比）", default=20, validators=[
        InputRequired(message="请填写备选名单比例"), NumberRange(min=0, max=100, message="应在 0 到 100 之间")])
    unreachable_attempts = IntegerField("未接通几次后替补", default=3, validators=[
        InputRequired(message="请填写次数"), NumberRange(min=1, max=20, message="应在 1 到 20 之间")])
    rule = SelectField("满意率计算口径", choices=list(vocab.RULES.items()), default="binary")


def _radio(label: str, values, required: bool = False) -> RadioField:
    checks = [InputRequired(message=f"请选择{label}")] if required else [Optional()]
    return RadioField(label, choices=_choices(values), validators=checks)


class _Questions(BaseForm):
    """The questions after the overall satisfaction, shared by the answer page and the questionnaire."""

    received = _radio(vocab.QUESTIONS["received"], vocab.RECEIVED)
    full_amount = _radio(vocab.QUESTIONS["full_amount"], vocab.YES_NO)
    on_time = _radio(vocab.QUESTIONS["on_time"], vocab.YES_NO)
    knew_publicity = _radio(vocab.QUESTIONS["knew_publicity"], vocab.YES_NO)
    comment = TextAreaField(vocab.QUESTIONS["comment"], validators=[Optional(), Length(max=500, message="最多 500 个字")])


class AnswerForm(_Questions):
    """One contact on the answer page (satisfaction only when the person answered)."""

    outcome = _radio("回访结果", vocab.OUTCOMES, required=True)
    satisfaction = _radio(vocab.QUESTIONS["satisfaction"], vocab.SATISFACTION)


class QuestionnaireForm(_Questions):
    """The public questionnaire: the same questions, answered by the person."""

    satisfaction = _radio(vocab.QUESTIONS["satisfaction"], vocab.SATISFACTION, required=True)


class SheetForm(BaseForm):
    file = FileField("填好的回访表（.xlsx）", validators=[FileRequired(message="请选择文件")])


class CallersForm(BaseForm):
    callers = StringField("回访员（多人用逗号或空格分隔）", validators=[DataRequired(message="请填写回访员"), Length(max=500)])


class ReasonForm(BaseForm):
    reason = TextAreaField("重新开启的原因", validators=[DataRequired(message="请填写原因"), Length(max=500)])


class FindingForm(BaseForm):
    note = TextAreaField("核实处理情况", validators=[DataRequired(message="请填写核实处理情况"), Length(max=500)])
