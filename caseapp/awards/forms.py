"""Forms for award events, categories and nominations; amounts typed in 元."""
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from caseapp.awards.models import KINDS
from caseapp.core.forms import BaseForm
from caseapp.persons.names import CORRECT_NAME_LABEL


class EventForm(BaseForm):
    project_id = SelectField("预算项目", coerce=int, validators=[DataRequired(message="请选择预算项目")])
    name = StringField("评选活动名称", validators=[DataRequired(message="请填写名称"), Length(max=200)])
    held_on = DateField("评选日期", validators=[DataRequired(message="请填写评选日期")])


class CategoryForm(BaseForm):
    name = StringField("类别名称", validators=[DataRequired(message="请填写类别名称"), Length(max=100)])
    kind = SelectField("类别性质", choices=list(KINDS.items()))
    max_count = IntegerField("名额", validators=[DataRequired(message="请填写名额"), NumberRange(min=0)])
    amount = StringField("每个奖励（元）", validators=[Optional(), Length(max=20)])


class CategoryEditForm(BaseForm):
    max_count = IntegerField("名额", validators=[NumberRange(min=0, message="名额不能为负数")])
    amount = StringField("每个奖励（元）", validators=[Optional(), Length(max=20)])


class PersonNominationForm(BaseForm):
    category = SelectField("类别", coerce=int)
    name = StringField("姓名", validators=[DataRequired(message="请填写姓名"), Length(max=100)])
    id_number = StringField("身份证号", validators=[DataRequired(message="请填写身份证号"), Length(max=30)],
                            render_kw={"autocomplete": "off"})
    org_code = SelectField("所属工会", validators=[DataRequired()])
    correct_name = BooleanField(CORRECT_NAME_LABEL)


class CollectiveNominationForm(BaseForm):
    category = SelectField("类别", coerce=int)
    org_code = SelectField("所属工会（集体本身是工会组织时，名称可不填）", validators=[DataRequired()])
    name = StringField("集体名称", validators=[Optional(), Length(max=200)])
    contact_name = StringField("联系人", validators=[Optional(), Length(max=100)])
    contact_phone = StringField("联系人电话", validators=[Optional(), Length(max=30)], render_kw={"autocomplete": "off"})


class WithdrawForm(BaseForm):
    reason = TextAreaField("撤销原因", validators=[Optional(), Length(max=500)])
