"""Turning what the reader cannot decide into questions, and applying the answers it was given."""
from __future__ import annotations

from caseapp.budgets.importer.cells import squash
from caseapp.budgets.importer.document import ParsedProject
from caseapp.budgets.importer.funds import Unit
from caseapp.budgets.importer.indicators import ColumnMap
from caseapp.budgets.importer.labels import label_key
from caseapp.budgets.importer.questions import (COLUMN_FIELDS, UNIT_CHOICES, Answers, Choice, ColumnAsk,
                                                Question)

_SKIP = Choice("", "不导入这张表")


class Asks:
    """Collects the questions of one reading; the answers given decide instead of asking again."""

    def __init__(self, answers: Answers, projects: list[ParsedProject]):
        self.answers = answers
        self.projects = projects
        self.questions: list[Question] = []
        self._filled: set[int] = set()

    def year(self) -> None:
        """The document states no year."""
        self.questions.append(Question("year", "year", "文件中没有写预算年度（如“2025年度”），请填写预算年度"))

    def unit(self, units: list[Unit]) -> None:
        """Some tables state no money unit: one question for all of them."""
        if not units:
            return
        proposed = next((u.proposed for u in units if u.proposed in UNIT_CHOICES), None)
        noted = next((u for u in units if u.source == "label"), None)
        if noted is not None:
            message = (f"金额单位只写在标签“{noted.label_text}”（{noted.ref}）中，表格没有“单位：万元”之类的说明："
                       "请确认金额按哪个单位读取")
        else:
            message = f"{len(units)}个项目表没有注明金额单位（如“单位：万元”）：请选择金额单位"
        self.questions.append(Question("unit", "unit", message, [Choice(u, u) for u in UNIT_CHOICES], proposed))

    def table_project(self, key: str, heading: str, hint: int | None, sample: list[list[str]]) -> int | None:
        """The project of an indicator table: the answer, a heading naming it, the layout, else a question."""
        if key in self.answers.tables:
            index = self._by_name(self.answers.tables[key])
            if index is not None or self.answers.tables[key] == "":
                return self._take(index)
        named = self._named_in(heading)
        if named is not None or hint is not None:
            return self._take(named if named is not None else hint)
        proposed = next((i for i in range(len(self.projects)) if i not in self._filled), None)
        choices = [Choice(p.name, p.label) for p in self.projects if p.name] + [_SKIP]
        self.questions.append(Question(f"table:{key}", "table",
                                       f"指标表“{key}”前面没有紧挨着的项目表，请选择它属于哪个项目", choices,
                                       self.projects[proposed].name if proposed is not None else None,
                                       sample=sample))
        if proposed is not None:
            self._filled.add(proposed)
        return None

    def columns(self, key: str, project_label: str, columns: ColumnMap, sample: list[list[str]]) -> None:
        """An indicator table whose columns cannot all be mapped: ask for each of its header cells."""
        asks = [ColumnAsk(label_key(c.text).key, c.ref, columns.field_of(c)) for c in columns.header_cells]
        self.questions.append(Question(
            f"columns:{key}", "columns",
            f"项目“{project_label}”的指标表“{key}”有无法识别的栏目（"
            + "、".join(f"“{c.text}”" for c in columns.unmapped)
            + "），请指出每一栏是什么；该表的指标在回答后导入",
            [Choice(k, v) for k, v in COLUMN_FIELDS.items()], None, asks, sample))

    def _take(self, index: int | None) -> int | None:
        if index is not None:
            self._filled.add(index)
        return index

    def _by_name(self, name: str) -> int | None:
        """The project whose name (or code) the answer gives."""
        return next((i for i, p in enumerate(self.projects) if name and name in (p.name, p.code)), None)

    def _named_in(self, heading: str) -> int | None:
        """The project whose name the heading contains (the longest name wins)."""
        text = squash(heading)
        found = [(len(p.name), i) for i, p in enumerate(self.projects) if len(p.name) >= 2 and squash(p.name) in text]
        return max(found)[1] if found else None

