"""Payment forms; each carries a one-time idempotency key so a resubmitted form does nothing twice."""
from __future__ import annotations

import uuid

from wtforms import (DateField, FileField, HiddenField, IntegerField, SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from caseapp.core import limits
from caseapp.core.forms import BaseForm
from caseapp.core.money import MoneyError
from caseapp.payments.models import AidType, Meeting, Objection, PaymentItem


class YuanField(StringField):
    """A payment amount typed in 元 ("1000", "1,000.50"), held as integer 分 in ``fen`` (within the column's bound)."""

    fen: int | None = None

    def pre_validate(self, form):
        try:
            self.fen = limits.fen(PaymentItem.amount_fen, self.data or "")
        except MoneyError as exc:
            raise ValidationError(str(exc)) from None
        if self.fen <= 0:
            raise ValidationError("金额必须大于 0")


class OptionalYuanField(YuanField):
    """An amount that may be left empty (``fen`` is then None): award batches pay each category's own amount."""

    def pre_validate(self, form):
        if (self.data or "").strip():
            super().pre_validate(form)
        else:
            self.fen = None


class KeyedForm(BaseForm):
    """A form with a one-time key; a new key is drawn whenever the form is shown."""

    idem_key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.idem_key.data:
            self.idem_key.data = uuid.uuid4().hex


class RegisterForm(KeyedForm):
    field_aliases = {"person_id": "person", "id_number": "person", "recipient_id": "person", "amount_fen": "amount",
                     "project_code": "project_id"}
    project_id = SelectField("预算项目", coerce=int, validators=[DataRequired(message="请选择预算项目")])
    aid_type = SelectField("帮扶类型", validators=[DataRequired(message="请选择帮扶类型")])
    person = StringField("对象", validators=[DataRequired(message="请输入姓名、身份证号后4位或完整身份证号并选择对象"),
                                             Length(max=100)])
    person_id = HiddenField()
    amount = YuanField("金额（元）")
    on = DateField("登记日期", validators=[Optional()])
    reason = TextAreaField("发放事由", validators=[Optional(), *limits.validators(PaymentItem.reason)])
    evidence = TextAreaField("证明材料", validators=[Optional(), *limits.validators(PaymentItem.evidence)])


class BatchRegisterForm(KeyedForm):
    project_id = SelectField("预算项目", coerce=int, validators=[DataRequired(message="请选择预算项目")])
    aid_type = SelectField("帮扶类型", validators=[DataRequired(message="请选择帮扶类型")])
    amount = OptionalYuanField("每人金额（元）")
    on = DateField("登记日期", validators=[Optional()])
    reason = TextAreaField("发放事由", validators=[Optional(), *limits.validators(PaymentItem.reason)])


class ActionForm(KeyedForm):
    """Any workflow action; the fields an action does not need are ignored."""

    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField("原因", validators=[Optional(), *limits.validators(PaymentItem.status_reason)])
    meeting_date = DateField("会议日期", validators=[Optional()])
    minutes_no = StringField("纪要编号", validators=[Optional(), *limits.validators(Meeting.minutes_no)])
    attendees = TextAreaField("参会人员", validators=[Optional(), *limits.validators(Meeting.attendees)])
    start_date = DateField("公示开始日期", validators=[Optional()])
    date = DateField("日期", validators=[Optional()])
    batch = StringField("银行批次号", validators=[Optional(), *limits.validators(PaymentItem.bank_batch)])


class ObjectionForm(BaseForm):
    content = TextAreaField("异议内容", validators=[DataRequired(message="请填写异议内容"), *limits.validators(Objection.content)])
    raised_on = DateField("收到日期", validators=[Optional()])


class ResolveForm(BaseForm):
    outcome = SelectField("处理结果", choices=[("dismissed", "异议不成立，继续发放"), ("upheld", "异议成立，驳回该笔")])
    resolution = TextAreaField("处理说明", validators=[DataRequired(message="请填写处理说明"), *limits.validators(Objection.resolution)])


class SettingsForm(BaseForm):
    publicity_workdays = IntegerField("公示期（工作日）", validators=[NumberRange(1, 30, message="应为 1 至 30")])
    period_kind = SelectField("重复登记的期间", choices=[("year", "按年度"), ("quarter", "按季度")])


class AidTypeForm(BaseForm):
    name = StringField("帮扶类型名称", validators=[DataRequired(), *limits.validators(AidType.name)])
    kind = SelectField("适用对象")


class AidCapForm(BaseForm):
    aid_type_id = SelectField("帮扶类型", coerce=int)
    cap = StringField("每人每年上限（元，留空表示不限）", validators=[Optional()])


class ReturnFileForm(BaseForm):
    file = FileField("银行回盘文件（.xlsx 或 .csv）")
