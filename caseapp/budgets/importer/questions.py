"""What the reader asks when it cannot decide alone, and the answers a user (or a saved template) gives.

Answers are keyed by what a person sees, not by positions: the year, the money unit, a code per project
name, a field per column label (考核内容 → 三级指标), a project name per table (by its heading or 第N张表).
The same shape is the JSON of ``caseapp import targets --map FILE`` and of a saved template.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from caseapp.core.errors import ValidationFailed

UNIT_CHOICES = ("万元", "元")
#: Fields an indicator column can be mapped to, with their Chinese names; 'ignored' drops the column.
COLUMN_FIELDS = {
    "level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "description": "绩效指标描述",
    "target": "指标值", "direction": "指标性质（≥ ≤ = 定性）", "target_unit": "度量单位", "weight": "分值/权重",
    "basis": "指标值确定依据", "ignored": "不导入此列",
}
_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")


@dataclass(frozen=True)
class Choice:
    """One option of a question."""

    value: str
    label: str


@dataclass(frozen=True)
class ColumnAsk:
    """One header cell of an indicator table the reader could not map."""

    label: str
    ref: str
    proposed: str | None


@dataclass
class Question:
    """Something the user must decide before the document can be imported."""

    #: year / unit / columns:<table> / table:<table>
    key: str
    kind: str
    message: str
    choices: list[Choice] = field(default_factory=list)
    proposed: str | None = None
    columns: list[ColumnAsk] = field(default_factory=list)
    #: the first rows of the table a question is about, as text, so the user sees what they map
    sample: list[list[str]] = field(default_factory=list)

    @property
    def subject(self) -> str:
        """What the question is about: the table key of a table or columns question, else ''."""
        return self.key.partition(":")[2]

    def as_json(self) -> dict:
        """The CLI's ``questions`` entries."""
        return {"key": self.key, "kind": self.kind, "message": self.message, "proposed": self.proposed,
                "choices": [{"value": c.value, "label": c.label} for c in self.choices],
                "columns": [{"label": c.label, "ref": c.ref, "proposed": c.proposed} for c in self.columns],
                "sample": self.sample}


@dataclass
class Answers:
    """The user's answers (or a template's): every field optional."""

    year: int | None = None
    unit: str | None = None
    #: project name → 项目编码, for projects the document gives none
    codes: dict[str, str] = field(default_factory=dict)
    #: indicator column label (as written, whitespace dropped) → field name of COLUMN_FIELDS
    columns: dict[str, str] = field(default_factory=dict)
    #: table key (its heading, else 第N张表) → project name; "" means do not import that table
    tables: dict[str, str] = field(default_factory=dict)
    #: templates only: the budget year minus the year of import, for documents that state no year
    year_offset: int | None = None

    def over(self, base: Answers | None) -> Answers:
        """These answers, falling back to ``base`` for anything left open."""
        if base is None:
            return self
        return Answers(self.year if self.year is not None else base.year, self.unit or base.unit,
                       {**base.codes, **self.codes}, {**base.columns, **self.columns},
                       {**base.tables, **self.tables},
                       self.year_offset if self.year_offset is not None else base.year_offset)

    def is_empty(self) -> bool:
        """Whether nothing at all was answered."""
        return self == Answers()

    def as_json(self) -> dict:
        """The --map file / template shape."""
        data = {"year": self.year, "unit": self.unit, "codes": self.codes, "columns": self.columns,
                "tables": self.tables, "year_offset": self.year_offset}
        return {key: value for key, value in data.items() if value not in (None, {})}

    @classmethod
    def from_json(cls, data) -> Answers:
        """Validate a --map file, a template or form answers; a bad entry is a Chinese ValidationFailed."""
        if not isinstance(data, dict):
            raise ValidationFailed("映射文件应为 JSON 对象，如 {\"unit\": \"万元\"}", field="map")
        answers = cls(year=_year(data.get("year")), unit=_unit(data.get("unit")),
                      codes=_texts(data.get("codes"), "codes"), columns=_texts(data.get("columns"), "columns"),
                      tables=_texts(data.get("tables"), "tables"), year_offset=_offset(data.get("year_offset")))
        for name, code in answers.codes.items():
            check_code(code, name)
        for label, name in answers.columns.items():
            if name not in COLUMN_FIELDS:
                raise ValidationFailed(f"列“{label}”对应的“{name}”不是可选的指标栏目", field="columns")
        return answers


def check_code(code: str, name: str) -> None:
    """A 项目编码 typed by a user: letters, digits, . _ - only, at most 40 characters."""
    if not _CODE_RE.match(code):
        raise ValidationFailed(f"项目“{name}”的项目编码“{code}”只能由字母、数字和 . _ - 组成，最多 40 位", field="codes")


def _year(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).strip().isdigit() or not 2000 <= int(value) <= 2100:
        raise ValidationFailed(f"预算年度“{value}”应为 2000–2100 之间的年份", field="year")
    return int(value)


def _unit(value) -> str | None:
    if value in (None, ""):
        return None
    if value not in UNIT_CHOICES:
        raise ValidationFailed(f"金额单位“{value}”只能是万元或元", field="unit")
    return value


def _offset(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2:
        raise ValidationFailed("year_offset 只能是 -2 到 2 之间的整数", field="year_offset")
    return value


def _texts(value, name: str) -> dict[str, str]:
    """A {text: text} object, stripped; anything else refused."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValidationFailed(f"“{name}”应为 {{\"文字\": \"文字\"}} 形式的对象", field=name)
    return {k.strip(): v.strip() for k, v in value.items() if k.strip()}


def answers_from_form(form, base: Answers) -> Answers:
    """Answers typed on the preview page (year, unit, code::名称, table::表, column::栏目) over ``base``."""
    def prefixed(prefix: str, keep_blank: bool = False) -> dict[str, str]:
        """Fields named prefix + key, as {key: value}."""
        return {key[len(prefix):]: value for key, value in form.items()
                if key.startswith(prefix) and (keep_blank or value.strip())}
    data = {"year": form.get("year", "").strip() or None, "unit": form.get("unit") or None,
            "codes": prefixed("code::"), "tables": prefixed("table::", keep_blank=True),
            "columns": prefixed("column::")}
    return Answers.from_json(data).over(base)
