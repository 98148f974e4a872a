"""Forms for 劳模 records and benefit rules; amounts are typed in 元 and stored in 分."""
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from caseapp.core import limits
from caseapp.core.errors import ValidationFailed
from caseapp.core.forms import BaseForm
from caseapp.core.money import MoneyError
from caseapp.modelworkers.models import LEVELS, SHAPES, STATUSES, BenefitRule, ModelWorker
from caseapp.persons.names import CORRECT_NAME_LABEL


def yuan_to_fen(text: str | None, attribute) -> int | None:
    """'1,000.50' (元) → 100050 分 within the bound of the model ``attribute`` it fills; empty → None."""
    if not (text or "").strip():
        return None
    try:
        return limits.fen(attribute, text.strip())
    except MoneyError as exc:
        raise ValidationFailed(str(exc), field=attribute.key) from exc


class ModelWorkerEditForm(BaseForm):
    field_aliases = {"allowance_monthly_fen": "allowance_monthly"}
    level = SelectField("劳模级别", choices=[(v, v) for v in LEVELS])
    title = StringField("荣誉称号", validators=[DataRequired(message="请填写荣誉称号"), *limits.validators(ModelWorker.title)])
    year_awarded = IntegerField("授予年份", validators=[DataRequired(message="请填写授予年份"),
                                                     NumberRange(1950, 2100, message="年份不正确")])
    awarded_by = StringField("授予单位", validators=[Optional(), *limits.validators(ModelWorker.awarded_by)])
    status = SelectField("状态", choices=[(v, v) for v in STATUSES])
    is_hardship = BooleanField("困难劳模")
    hardship_reason = TextAreaField("困难原因", validators=[Optional(), *limits.validators(ModelWorker.hardship_reason)])
    is_allowance_paid = BooleanField("发放荣誉津贴")
    allowance_monthly = StringField("荣誉津贴月额（元）", validators=[Optional(), Length(max=20)])

    def fields_for_service(self) -> dict:
        """The form's values as the service expects them."""
        return {"level": self.level.data, "title": self.title.data, "year_awarded": self.year_awarded.data,
                "awarded_by": self.awarded_by.data or "", "status": self.status.data,
                "is_hardship": self.is_hardship.data, "hardship_reason": self.hardship_reason.data or "",
                "is_allowance_paid": self.is_allowance_paid.data,
                "allowance_monthly_fen": yuan_to_fen(self.allowance_monthly.data, ModelWorker.allowance_monthly_fen) or 0}


class ModelWorkerForm(ModelWorkerEditForm):
    name = StringField("姓名", validators=[DataRequired(message="请填写姓名"), Length(max=100)])
    id_number = StringField("身份证号", validators=[DataRequired(message="请填写身份证号"), Length(max=30)],
                            render_kw={"autocomplete": "off"})
    phone = StringField("手机号", validators=[Optional(), Length(max=30)], render_kw={"autocomplete": "off"})
    org_code = SelectField("所属工会", validators=[DataRequired()])
    correct_name = BooleanField(CORRECT_NAME_LABEL)


class BenefitRuleForm(BaseForm):
    field_aliases = {"amount_fen": "amount", "threshold_fen": "threshold"}
    year = IntegerField("适用年度", validators=[DataRequired(message="请填写年度"), NumberRange(2000, 2100)])
    shape = SelectField("规则类型", choices=list(SHAPES.items()))
    level = SelectField("适用级别", choices=[("", "全部级别")] + [(v, v) for v in LEVELS])
    aid_type = StringField("发放类型", default="劳模帮扶", validators=[DataRequired(), Length(max=20)])
    hardship_only = BooleanField("仅限困难劳模")
    amount = StringField("金额（元；定额为每年，一次性为一次）", validators=[Optional(), Length(max=20)])
    threshold = StringField("补足标准（元，差额补助用）", validators=[Optional(), Length(max=20)])
    description = TextAreaField("说明及依据", validators=[Optional(), *limits.validators(BenefitRule.description)])

    def fields_for_service(self) -> dict:
        return {"year": self.year.data, "shape": self.shape.data, "level": self.level.data or None,
                "aid_type": self.aid_type.data, "hardship_only": self.hardship_only.data,
                "amount_fen": yuan_to_fen(self.amount.data, BenefitRule.amount_fen),
                "threshold_fen": yuan_to_fen(self.threshold.data, BenefitRule.threshold_fen),
                "description": self.description.data or ""}
