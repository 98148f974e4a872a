"""Login, password and user administration forms."""
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from caseapp.auth.roles import ROLES
from caseapp.core.forms import BaseForm


class LoginForm(BaseForm):
    username = StringField("用户名", validators=[DataRequired(message="请输入用户名")])
    password = PasswordField("密码", validators=[DataRequired(message="请输入密码")])


class PasswordForm(BaseForm):
    old_password = PasswordField("原密码", validators=[DataRequired()])
    new_password = PasswordField("新密码", validators=[DataRequired(), Length(min=10, message="密码至少 10 位")])
    confirm = PasswordField("再次输入新密码", validators=[EqualTo("new_password", message="两次输入的新密码不一致")])


class UserForm(BaseForm):
    username = StringField("用户名", validators=[DataRequired(), Length(max=64)])
    display_name = StringField("姓名", validators=[Optional(), Length(max=100)])
    email = EmailField("电子邮箱", validators=[Optional()])
    org_code = SelectField("所属组织", validators=[DataRequired()])
    roles = SelectMultipleField("角色", choices=list(ROLES.items()), validators=[DataRequired(message="至少选择一个角色")])


class OrgForm(BaseForm):
    code = StringField("组织代码", validators=[DataRequired(), Length(max=32)])
    name = StringField("组织名称", validators=[DataRequired(), Length(max=200)])
    parent_code = SelectField("上级组织", validators=[DataRequired()])
