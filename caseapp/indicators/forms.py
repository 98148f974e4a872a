"""Hand entry of a qualitative indicator's 完成值."""
from wtforms import BooleanField, DecimalField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from caseapp.core.forms import BaseForm


class ManualValueForm(BaseForm):
    value_text = TextAreaField("完成值", validators=[DataRequired(message="请填写完成值"), Length(max=2000)])
    actual_value = DecimalField("数值（可选）", validators=[Optional()], places=4)
    achieved = BooleanField("已达成指标值")
    evidence = TextAreaField("佐证材料", validators=[DataRequired(message="请说明佐证材料"), Length(max=4000)])
