"""Person forms: search, registration, editing and the audited full-view button."""
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from caseapp.core import limits
from caseapp.core.forms import BaseForm
from caseapp.persons.models import Person
from caseapp.persons.names import CORRECT_NAME_LABEL


class PersonSearchForm(BaseForm):
    """Posted, never sent as a query string: a typed 身份证号 must not end up in a URL."""

    q = StringField("姓名或身份证号", validators=[Optional(), Length(max=100)])


class PersonEditForm(BaseForm):
    name = StringField("姓名", validators=[DataRequired(message="请填写姓名"), *limits.validators(Person.name)])
    ethnicity = StringField("民族", validators=[Optional(), *limits.validators(Person.ethnicity)])
    phone = StringField("手机号", validators=[Optional(), Length(max=30)])
    work_unit = StringField("工作单位", validators=[Optional(), *limits.validators(Person.work_unit)])
    bank_name = StringField("开户银行", validators=[Optional(), *limits.validators(Person.bank_name)])
    bank_account = StringField("银行账号", validators=[Optional(), Length(max=40)],
                               description="留空则保持原账号不变")
    account_holder = StringField("户名", validators=[Optional(), *limits.validators(Person.account_holder)])


class PersonForm(PersonEditForm):
    id_number = StringField("身份证号", validators=[DataRequired(message="请填写身份证号"), Length(max=30)])
    sex = SelectField("性别", choices=[("", "按身份证号"), ("男", "男"), ("女", "女")], validators=[Optional()])
    org_code = SelectField("所属工会", validators=[DataRequired(message="请选择所属工会")])
    correct_name = BooleanField(CORRECT_NAME_LABEL)


class RevealForm(BaseForm):
    field = HiddenField(validators=[DataRequired()])
