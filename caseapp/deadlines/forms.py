"""The holiday-override form."""
from wtforms import DateField, RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional

from caseapp.core.forms import BaseForm


class HolidayOverrideForm(BaseForm):
    day = DateField("日期", validators=[DataRequired(message="请选择日期")])
    is_workday = RadioField("设为", choices=[("1", "工作日（调休上班）"), ("0", "休息日")], default="0",
                            validators=[DataRequired(message="请选择工作日或休息日")])
    note = StringField("说明", validators=[Optional(), Length(max=200, message="说明不能超过200字")])
