"""Case-file forms: the file with its family members, status changes, yearly review, thresholds."""
from wtforms import (BooleanField, DateField, FieldList, FormField, HiddenField, IntegerField,
                     SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from caseapp.cases import vocab
from caseapp.cases.models import FamilyMember, HardshipFile, HardshipThreshold
from caseapp.cases.vocab import choices
from caseapp.core import limits
from caseapp.core.forms import BaseForm, SubForm
from caseapp.core.money import MoneyError
from caseapp.persons.forms import PersonForm


class YuanField(StringField):
    """An amount typed in 元, held as integer 分 in ``.data``, within the bound of the column it fills."""

    def __init__(self, label, limit, **kwargs):
        super().__init__(label, **kwargs)
        self.limit = limit

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data // 100}.{self.data % 100:02d}"

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            try:
                self.data = limits.fen(self.limit, text)
            except MoneyError as exc:
                raise ValueError(str(exc)) from None


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MemberForm(SubForm):
    """One household member row (a sub-form: the outer form carries CSRF)."""

    id = HiddenField()
    name = StringField("姓名", validators=[Optional(), *limits.validators(FamilyMember.name)])
    relation = SelectField("关系", choices=choices(vocab.RELATIONS, "—"), validators=[Optional()])
    id_number = StringField("身份证号", validators=[Optional(), Length(max=30)])
    income_fen = YuanField("月收入（元）", FamilyMember.income_fen, validators=[Optional()])
    health = StringField("健康", validators=[Optional(), *limits.validators(FamilyMember.health)])
    school_or_work = StringField("单位或学校", validators=[Optional(), *limits.validators(FamilyMember.school_or_work)])


class FileForm(BaseForm):
    unit_type = SelectField("单位性质", choices=choices(vocab.UNIT_TYPES, "—"), validators=[Optional()])
    hukou_type = SelectField("户口类型", choices=choices(vocab.HUKOU, "—"), validators=[Optional()])
    marital_status = SelectField("婚姻状况", choices=choices(vocab.MARITAL, "—"), validators=[Optional()])
    health_status = SelectField("健康状况", choices=choices(vocab.HEALTH, "—"), validators=[Optional()])
    disability = SelectField("残疾类别", choices=choices(vocab.DISABILITY), validators=[Optional()])
    own_income_fen = YuanField("本人月收入（元）", HardshipFile.own_income_fen, validators=[Optional()])
    family_size = IntegerField("家庭人口", default=1, validators=[DataRequired(message="请填写家庭人口"),
                                                             NumberRange(1, 30, message="家庭人口应在 1 到 30 之间")])
    family_income_fen = YuanField("家庭月总收入（元）", HardshipFile.family_income_fen, validators=[InputRequired(message="请填写家庭月总收入")])
    housing = SelectField("住房", choices=choices(vocab.HOUSING, "—"), validators=[Optional()])
    medical_insurance = SelectField("医保状况", choices=choices(vocab.MEDICAL, "—"), validators=[Optional()])
    is_zero_employment = BooleanField("零就业家庭")
    is_single_parent = BooleanField("单亲家庭")
    is_dibao = BooleanField("享受低保")
    main_cause = SelectField("主要致困原因", choices=choices(vocab.CAUSES, "请选择"),
                             validators=[DataRequired(message="请选择主要致困原因")])
    secondary_causes = CheckboxesField("次要致困原因（最多3项）", choices=choices(vocab.CAUSES))
    needs = CheckboxesField("帮扶需求", choices=choices(vocab.NEEDS))
    category = SelectField("困难类别", choices=choices(vocab.CATEGORIES, "按标准建议"), validators=[Optional()])
    category_reason = TextAreaField("与建议类别不同的理由", validators=[Optional(), Length(max=500)])
    members = FieldList(FormField(MemberForm), label="家庭成员", min_entries=0)

    def file_data(self) -> dict:
        """The file fields as the service expects them."""
        names = ("unit_type", "hukou_type", "marital_status", "health_status", "disability", "family_size",
                 "housing", "medical_insurance", "is_zero_employment", "is_single_parent", "is_dibao",
                 "main_cause", "secondary_causes", "needs", "category", "category_reason")
        data = {n: getattr(self, n).data for n in names}
        data.update(own_income_fen=self.own_income_fen.data or 0, family_income_fen=self.family_income_fen.data or 0)
        return data

    def member_rows(self) -> list[dict]:
        return [{**entry.data, "income_fen": entry.income_fen.data or 0} for entry in self.members]


class ApplicationForm(FileForm):
    """A new file for a person already registered."""

    applied_on = DateField("申请日期", validators=[Optional()])

    def file_data(self) -> dict:
        return {**super().file_data(), "applied_on": self.applied_on.data}


class NewFileForm(ApplicationForm, PersonForm):
    """A new file that also names (or registers) its person."""


class StatusForm(BaseForm):
    to_status = SelectField("改为", choices=[])
    reason = SelectField("原因", choices=choices(vocab.CLOSE_REASONS, "—"), validators=[Optional()])
    note = TextAreaField("说明", validators=[Optional(), Length(max=500)])
    on = DateField("日期", validators=[DataRequired(message="请填写日期")])


class ReviewForm(BaseForm):
    on = DateField("复核日期", validators=[DataRequired(message="请填写复核日期")])
    note = TextAreaField("复核情况", validators=[Optional(), Length(max=500)])


class ThresholdForm(BaseForm):
    year = IntegerField("年度", validators=[DataRequired(), NumberRange(2000, 2100)])
    org_code = SelectField("适用组织", validators=[DataRequired()])
    deep_max_fen = YuanField("深度困难：人均月收入不高于（元）", HardshipThreshold.deep_max_fen, validators=[InputRequired(message="请填写金额")])
    relative_max_fen = YuanField("相对困难：人均月收入不高于（元）", HardshipThreshold.relative_max_fen, validators=[InputRequired(message="请填写金额")])
    basis = StringField("依据", validators=[Optional(), Length(max=200)])
