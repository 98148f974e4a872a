"""The monitoring form: the entered columns of the table (the indicator rows are read from the request)."""
from __future__ import annotations

from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from caseapp.core.forms import BaseForm
from caseapp.monitoring.models import CAUSES


class ReportForm(BaseForm):
    """The execution columns of a monitoring table."""

    expected_spend = StringField("全年预计执行数（元）", validators=[Optional(), Length(max=20)])
    spend_causes = SelectMultipleField("预算执行偏差原因", choices=[(c, c) for c in CAUSES], validate_choice=False)
    spend_measures = TextAreaField("预算执行纠偏措施", validators=[Optional(), Length(max=4000)])
