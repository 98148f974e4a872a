"""Roster import (validate every row, then write all or nothing), export and templates."""
from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from caseapp.auth.roles import FULL_VIEW_ROLES
from caseapp.core import excel, limits
from caseapp.core.audit import record
from caseapp.core.calendar import local_today
from caseapp.core.context import Principal
from caseapp.core.errors import DomainError, ValidationFailed
from caseapp.core.money import MoneyError
from caseapp.core.scoping import principal_or_deny, require_role
from caseapp.core.text import TextError, clean_text
from caseapp.core.uow import rehearsal, savepoint
from caseapp.persons.names import NameMismatch
from caseapp.rosters.base import RosterContext, RosterKind, RowErrors, get_kind

IMPORT_ROLES = ("caseworker", "admin")
#: the longest cell a column without a declared limit accepts
MAX_CELL = 500


@dataclass
class RowError:
    """One problem in one cell: Excel row number, column header, Chinese reason."""

    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    """What an import did (or, with errors, why it wrote nothing)."""

    rows: int
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"rows": self.rows, "created": self.created, "updated": self.updated,
                "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors]}


def max_rows() -> int:
    return int(current_app.config.get("ROSTER_MAX_ROWS", excel.MAX_ROWS))


def import_roster(kind: str, data: bytes, *, filename: str, event_id: int | None = None,
                  dry_run: bool = False, today: date, correct_names: bool = False) -> ImportResult:
    """Validate every row; with any error write nothing, else apply all rows once and audit it.

    A registered 身份证号 under another name is a row error unless ``correct_names`` (each correction audited).
    """
    actor = require_role(*IMPORT_ROLES)
    roster = get_kind(kind)
    ctx = _context(roster, actor, today, event_id, full=False)
    ctx.correct_names = correct_names
    rows, clean, errors = validate_workbook(roster, data, ctx)
    if errors:
        return ImportResult(rows=rows, errors=errors, dry_run=dry_run)
    if not rows:
        raise ValidationFailed("文件中没有数据行（第1行是列名，数据从第2行开始）", field="file")
    try:
        created, updated = _apply(roster, clean, ctx, dry_run)
    except NameMismatch as exc:  # nothing was written (the savepoint), and the request commits nothing either
        column = next((c.header for c in roster.columns if c.header.startswith("姓名")), "姓名")
        return ImportResult(rows=rows, errors=[RowError(m.row or 0, column, m.message) for m in exc.mismatches],
                            dry_run=dry_run)
    if not dry_run:
        name = os.path.basename(filename or "")[:100]
        record("roster.import", ("roster", roster.key), org_id=actor.org_id,
               after={"kind": roster.key, "rows": rows, "created": created, "updated": updated,
                      "filename": name, "event_id": event_id},
               summary=f"导入{roster.title}：{rows}行，新增{created}，更新{updated}（{name}）")
    return ImportResult(rows=rows, created=created, updated=updated, dry_run=dry_run)


def validate_workbook(roster: RosterKind, data: bytes, ctx: RosterContext) -> tuple[int, list[dict], list[RowError]]:
    """Open and check ``data``, then validate every row: (row count, clean rows, errors); writes nothing.

    The first half of every all-or-nothing import, also for sheets that are not registered kinds (a survey's
    call sheet belongs to one survey).
    """
    with _open(roster, data) as reader:
        return _validate_all(reader, roster, ctx)


def _context(roster: RosterKind, actor: Principal, today: date, event_id, *, full: bool) -> RosterContext:
    if roster.needs_event and event_id is None:
        raise ValidationFailed(f"{roster.title}需要选择评选表彰活动", field="event_id")
    return RosterContext(kind=roster.key, today=today, event_id=event_id, full=full, org_cache={}, actor=actor)


def _open(roster: RosterKind, data: bytes) -> excel.RosterReader:
    """Open and check the workbook; a refused file becomes a ValidationFailed on the file field."""
    spec = excel.Spec(headers=roster.headers, required=roster.required_headers)
    try:
        return excel.RosterReader(data, spec, max_rows=max_rows())
    except excel.OfficeFileError as exc:
        raise ValidationFailed(str(exc), field="file") from exc


@dataclass(frozen=True)
class _Limit:
    """A column's declared limit, read once per import (not once per cell)."""

    header: str
    money: object = None  #: the attribute whose 分 range a money cell must fit
    longest: int = MAX_CELL


def _limits(roster: RosterKind) -> list[_Limit]:
    found = []
    for column in roster.columns:
        bound = limits.bounds(column.limit) if column.limit is not None else None
        if bound is not None and bound.money:
            found.append(_Limit(column.header, money=column.limit))
        else:
            found.append(_Limit(column.header, longest=bound.max_length if bound and bound.max_length else MAX_CELL))
    return found


def _validate_all(reader: excel.RosterReader, roster: RosterKind, ctx: RosterContext):
    """(row count, clean rows, errors) over the whole file; a later repeat of the key is an error."""
    clean_rows: list[dict] = []
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    rows = 0
    column_limits = _limits(roster)
    try:
        for number, cells in reader.rows():
            rows += 1
            ctx.row = number
            clean, problems = _check_row(cells, roster, ctx, column_limits)
            problems += _duplicate(cells, roster, number, first_seen)
            errors.extend(RowError(number, column, message) for column, message in problems)
            if not errors:
                clean_rows.append({**clean, "row": number} if isinstance(clean, dict) else clean)
    except excel.OfficeFileError as exc:
        raise ValidationFailed(str(exc), field="file") from exc
    return rows, clean_rows, errors


def _check_row(cells: dict[str, str], roster: RosterKind, ctx: RosterContext, column_limits: list[_Limit] | None = None):
    """The framework's checks (clean text, limits, required, allowed values) plus the kind's; one message per column."""
    cells, problems = _clean_cells(cells, column_limits or _limits(roster))
    flagged = {column for column, _ in problems}
    problems += [p for p in _required_and_choices(cells, roster) if p[0] not in flagged]
    try:
        clean = roster.validate_row(cells, ctx)
    except RowErrors as exc:
        flagged = {column for column, _ in problems}
        problems += [(c, m) for c, m in exc.errors if c not in flagged]
        clean = None
    except DomainError as exc:
        problems.append((exc.field or "", exc.message))
        clean = None
    return clean, problems


def _clean_cells(cells: dict[str, str], column_limits: list[_Limit]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Every cell cleaned (control characters refused) and held to its column's declared limit."""
    clean, problems = {}, []
    for limit in column_limits:
        header = limit.header
        try:
            value = clean[header] = clean_text(cells.get(header, ""))
        except TextError as exc:
            clean[header] = ""
            problems.append((header, f"{header}{exc}"))
            continue
        problem = _limit_problem(limit, value)
        if problem:
            clean[header] = ""
            problems.append((header, problem))
    return clean, problems


def _limit_problem(limit: _Limit, value: str) -> str | None:
    if limit.money is not None:
        if value:
            try:
                limits.fen(limit.money, value, label=limit.header)
            except MoneyError as exc:
                return str(exc)
        return None
    if len(value) > limit.longest:
        return f"{limit.header}太长（{len(value)} 个字符，最多 {limit.longest} 个）"
    return None


def _required_and_choices(cells: dict[str, str], roster: RosterKind) -> list[tuple[str, str]]:
    problems = []
    for column in roster.columns:
        value = cells.get(column.header, "")
        if not value:
            if column.required:
                problems.append((column.header, f"请填写{column.header}"))
        elif column.choices and value not in column.choices:
            problems.append((column.header, f"“{value}”不是允许的值，可选：{'、'.join(column.choices)}"))
    return problems


def _duplicate(cells: dict[str, str], roster: RosterKind, number: int, first_seen: dict[str, int]):
    if not roster.key_column:
        return []
    key = unicodedata.normalize("NFKC", cells.get(roster.key_column, "")).strip().upper()
    if not key:
        return []
    first = first_seen.setdefault(key, number)
    if first == number:
        return []
    return [(roster.key_column, f"与第{first}行的{roster.key_column}重复，同一文件中每人只能出现一次")]


def _apply(roster: RosterKind, clean: list[dict], ctx: RosterContext, dry_run: bool) -> tuple[int, int]:
    """Write the rows in the caller's transaction, all or nothing; a dry run writes inside a savepoint and
    undoes it."""
    with savepoint() if not dry_run else rehearsal():
        return roster.apply_rows(clean, ctx)


def error_workbook(kind: str, data: bytes, errors: list[RowError]) -> bytes:
    """The uploaded file's rows with an 错误 column, for the user to correct and upload again."""
    roster = get_kind(kind)
    by_row: dict[int, list[str]] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(f"{e.column}：{e.message}" if e.column else e.message)
    with _open(roster, data) as reader:
        return excel.error_workbook(reader, by_row)


def export_roster(kind: str, *, full: bool = False, event_id: int | None = None) -> bytes:
    """The kind's rows in scope as .xlsx: masked by default; full data only for permitted roles, audited."""
    actor = require_role(*FULL_VIEW_ROLES) if full else principal_or_deny()
    roster = get_kind(kind)
    ctx = RosterContext(kind=roster.key, today=local_today(), event_id=event_id, full=full, org_cache={},
                        actor=actor)
    content, count = excel.export_workbook(roster.title, roster.columns, roster.export_rows(ctx))
    if full:
        record("roster.export_full", ("roster", roster.key), org_id=actor.org_id,
               after={"kind": roster.key, "rows": count, "event_id": event_id},
               summary=f"导出{roster.title}（完整个人信息）：{count}行")
    return content


def template(kind: str) -> bytes:
    """An empty roster of ``kind`` with drop-downs, text-formatted ID columns and 填写说明."""
    roster = get_kind(kind)
    return excel.template_workbook(roster.title, roster.columns, max_rows=max_rows())
