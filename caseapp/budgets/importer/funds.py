"""Money of a header block: the unit, the budget, and its split into fiscal and other money, all in 分.

Checked against each other and named by cell when they disagree: a total row against its parts, the
fiscal sub-rows (一般公共预算, 政府性基金, 上级资金 …) against 财政拨款, fiscal + other against the budget.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from caseapp.budgets.importer.cells import Cell, Located, squash
from caseapp.budgets.importer.header import Entry, HeaderFacts
from caseapp.core.money import MoneyError, format_yuan, to_fen

#: 分 per unit; 千元 is read too (it is exact), only 万元 and 元 are offered when the user is asked.
UNIT_FEN = {"万元": 1_000_000, "千元": 100_000, "元": 100}
MONEY_FIELDS = ("budget", "budget_total", "total", "fiscal", "fiscal_part", "other")
_AMOUNT_RE = re.compile(r"^[¥￥]?(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)(?P<unit>万元|千元|元)?$")
_BLANK = {"", "-", "--", "—", "——", "/", "无"}


@dataclass
class Unit:
    """The money unit of one table and how sure the reader is of it."""

    #: 万元 / 千元 / 元, or None while nothing but a label's note says
    value: str | None
    #: statement (单位：万元), answer (the user's), label (项目资金（万元）: to be confirmed) or none
    source: str
    #: where the unit was written, and the label text, for the question
    ref: str = ""
    label_text: str = ""
    proposed: str | None = None


@dataclass
class Funds:
    """The money of one project in 分."""

    budget_fen: int | None
    fiscal_fen: int
    other_fen: int
    budget_ref: str


def table_unit(facts: HeaderFacts, lines: list[Located], answered: str | None) -> Unit:
    """单位 stated in the block or in the lines above it wins; then the user's answer; then a label's note."""
    statements = facts.unit_statements + lines
    if statements:
        return Unit(statements[0].value, "statement", statements[0].ref)
    if answered:
        return Unit(answered, "answer")
    noted = sorted((e for e in facts.entries if e.label_unit), key=lambda e: e.field not in MONEY_FIELDS)
    if noted:
        return Unit(None, "label", noted[0].label.ref, noted[0].label.text, noted[0].label_unit)
    return Unit(None, "none")


def needs_unit(facts: HeaderFacts) -> bool:
    """Whether some money cell of the block states no unit of its own (47.66万元 does)."""
    for entry in facts.entries:
        if entry.field in MONEY_FIELDS and entry.first is not None:
            match = _AMOUNT_RE.match(squash(entry.first.text))
            if match and not match.group("unit"):
                return True
    return False


def amount(cell: Cell, unit: str | None, what: str, warnings: list[str]) -> int | None:
    """One money cell in 分 (None when blank, -, 无, or no unit is known yet); a unit in the cell wins."""
    key = squash(cell.text)
    if key in _BLANK:
        return None
    match = _AMOUNT_RE.match(key)
    cell_unit = (match.group("unit") if match else None) or unit
    if match is not None and cell_unit is None:
        return None
    try:
        if match is None:
            raise MoneyError(key)
        number = Decimal(match.group("num").replace(",", ""))
        return to_fen(number * 1000, "元") if cell_unit == "千元" else to_fen(number, cell_unit)
    except (MoneyError, InvalidOperation):
        warnings.append(f"{what}“{cell.text}”（{cell.ref}）无法识别为金额，已留空")
        return None


def read_funds(facts: HeaderFacts, unit: str | None, label: str, warnings: list[str]) -> Funds:
    """预算数, 财政资金 and 其他资金 in 分, each checked against the others."""
    read = _Reader(unit, label, warnings)
    budget, budget_ref = read.budget(facts)
    fiscal = read.fiscal(facts)
    other = read.sum(facts.of("other"))
    total = read.first(facts.of("total"))
    if budget is None and total.value is not None:
        budget, budget_ref = total
    elif total.value is not None and total.value != budget and budget is not None:
        warnings.append(f"项目“{label}”的合计 {format_yuan(total.value)}（{total.ref}）不等于预算数 "
                        f"{format_yuan(budget)}（{budget_ref}），请核对")
    labelled = any(facts.of(name) for name in ("budget", "budget_total", "total"))
    if budget is None and not labelled and (fiscal is not None or other is not None):
        budget, budget_ref = (fiscal or 0) + (other or 0), ""
        warnings.append(f"项目“{label}”没有预算数，已按财政资金与其他资金之和 {format_yuan(budget)} 计，请核对")
    if budget is not None and (fiscal or other) and (fiscal or 0) + (other or 0) != budget:
        warnings.append(f"项目“{label}”的财政资金 {format_yuan(fiscal or 0)} 与其他资金 {format_yuan(other or 0)} "
                        f"之和不等于预算数 {format_yuan(budget)}（{budget_ref}），请核对")
    _plausible(budget, unit, label, budget_ref, warnings)
    return Funds(budget, fiscal or 0, other or 0, budget_ref)


#: A county project's budget outside these bounds (in 分) suggests the unit was misread.
_PLAUSIBLE = {"万元": (None, 100_000 * 1_000_000), "元": (100 * 100, None)}


def _plausible(budget: int | None, unit: str | None, label: str, ref: str, warnings: list[str]) -> None:
    """A budget of over 10亿 read in 万元, or under ¥100 read in 元, is named as probably the wrong unit."""
    low, high = _PLAUSIBLE.get(unit or "", (None, None))
    if budget is None or not budget:
        return
    if (high is not None and budget >= high) or (low is not None and budget < low):
        warnings.append(f"项目“{label}”的预算数按{unit}读为 {format_yuan(budget)}（{ref or '预算数'}），"
                        "金额异常，请核对金额单位")


class _Reader:
    """Converts the money entries of one block, warning by cell."""

    def __init__(self, unit: str | None, label: str, warnings: list[str]):
        self.unit, self.label, self.warnings = unit, label, warnings

    def first(self, entries: list[Entry]) -> Located:
        """The amount (分) of the first entry that has a readable one, and its cell."""
        for entry in entries:
            if entry.first is not None:
                fen = amount(entry.first, self.unit, f"项目“{self.label}”的{entry.label.text}", self.warnings)
                if fen is not None:
                    return Located(fen, entry.first.ref)
        return Located(None, "")

    def sum(self, entries: list[Entry]) -> int | None:
        """The sum of the entries' amounts; None when none has one."""
        found = [self.first([e]).value for e in entries]
        found = [fen for fen in found if fen is not None]
        return sum(found) if found else None

    def budget(self, facts: HeaderFacts) -> Located:
        """The year's budget: the best-ranked budget label, else 项目总预算 (with a warning)."""
        found = self.first(facts.of("budget"))
        if found.value is None:
            found = self.first(facts.of("budget_total"))
            if found.value is not None:
                self.warnings.append(f"项目“{self.label}”只有项目总预算（{found.ref}），已作为本年预算数，请核对")
        return found

    def fiscal(self, facts: HeaderFacts) -> int | None:
        """财政拨款, or the sum of its sub-rows; both given: the sub-rows are its parts or its peers."""
        fiscal, parts = self.sum(facts.of("fiscal")), self.sum(facts.of("fiscal_part"))
        if fiscal is None or parts is None or parts == fiscal:
            return fiscal if fiscal is not None else parts
        budget = self.budget_quietly(facts).value
        other = self.sum(facts.of("other")) or 0
        if budget is not None and fiscal + parts + other == budget:
            return fiscal + parts  # 本年财政拨款 + 上年结转 side by side
        refs = "、".join(e.first.ref for e in facts.of("fiscal_part") if e.first is not None)
        self.warnings.append(f"项目“{self.label}”的财政资金分项之和 {format_yuan(parts)}（{refs}）不等于财政资金 "
                             f"{format_yuan(fiscal)}，已按财政资金计，请核对")
        return fiscal

    def budget_quietly(self, facts: HeaderFacts) -> Located:
        """The budget without repeating its warnings."""
        return _Reader(self.unit, self.label, []).first(facts.of("budget") or facts.of("total"))
