"""Big lists: keyset pages (newest first, by id) and counts that stop at a cap.

A page of a list with hundreds of thousands of rows must cost the same on page 1 and page 500, and the
number above it must not count every row: ``capped_count`` counts at most ``COUNT_CAP`` + 1 rows (shown as
"超过 1,000 条"), and ``keyset_page`` reads the rows after (or before) an id through the id-ordered indexes
instead of skipping ``OFFSET`` rows. The page number is carried along for display only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, select

from caseapp.core.db import db

#: counts above this are shown as "超过 1,000"
COUNT_CAP = 1000


@dataclass
class Count:
    """A row count, exact up to ``COUNT_CAP``."""

    value: int
    capped: bool = False

    def __int__(self) -> int:
        return self.value

    def __eq__(self, other) -> bool:
        if isinstance(other, Count):
            return (self.value, self.capped) == (other.value, other.capped)
        return not self.capped and self.value == other

    def __bool__(self) -> bool:
        return self.value > 0

    def text(self) -> str:
        """"123" or "超过 1,000"."""
        return f"超过 {COUNT_CAP:,}" if self.capped else f"{self.value:,}"

    def __str__(self) -> str:
        """For a badge: "123" or "1000+"."""
        return f"{COUNT_CAP}+" if self.capped else str(self.value)


def capped_count(stmt: Select, cap: int = COUNT_CAP) -> Count:
    """How many rows ``stmt`` returns, counting no further than ``cap`` + 1 rows."""
    inner = stmt.with_only_columns(*_first_column(stmt)).order_by(None).limit(cap + 1).subquery()
    n = db.session.scalar(select(func.count()).select_from(inner)) or 0
    return Count(min(n, cap), n > cap)


def capped_counts_by(stmt: Select, column, values, cap: int = COUNT_CAP) -> dict:
    """{value: Count} of ``stmt``'s rows per value of ``column``, each counted up to ``cap`` (one statement)."""
    values = list(values)
    if not values:
        return {}
    parts = [select(func.count()).select_from(stmt.where(column == v).with_only_columns(*_first_column(stmt))
                                               .order_by(None).limit(cap + 1).subquery()).scalar_subquery()
             for v in values]
    row = db.session.execute(select(*parts)).one()
    return {v: Count(min(n, cap), n > cap) for v, n in zip(values, row)}


def _first_column(stmt: Select):
    return [list(stmt.selected_columns)[0]] if stmt.selected_columns else []


@dataclass
class Page:
    """One keyset page of a list, newest first."""

    rows: list
    total: Count
    page: int = 1
    per_page: int = 50
    next_after: int | None = None  #: the ``after`` of the next page, when there is one
    prev_before: int | None = None  #: the ``before`` of the previous page, when there is one
    extra: dict = field(default_factory=dict)


def keyset_page(stmt: Select, id_column, *, after: int | None = None, before: int | None = None,
                page: int = 1, per_page: int = 50, total: Count | None = None) -> Page:
    """The ``per_page`` rows of ``stmt`` (ordered by ``id_column`` descending) after id ``after`` or before id
    ``before``; with neither, the first page."""
    if before is not None:
        rows = list(db.session.scalars(stmt.where(id_column > before).order_by(id_column.asc()).limit(per_page + 1)))
        more_newer = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        page = max(page, 2 if more_newer else 1)
        has_next, has_prev = True, more_newer
    else:
        if after is not None:
            stmt = stmt.where(id_column < after)
        rows = list(db.session.scalars(stmt.order_by(id_column.desc()).limit(per_page + 1)))
        has_next, has_prev = len(rows) > per_page, after is not None
        rows = rows[:per_page]
        if after is None:
            page = 1
    ids = [getattr(r, id_column.key) for r in rows]
    return Page(rows=rows, total=total if total is not None else Count(len(rows)), page=max(page, 1),
                per_page=per_page, next_after=ids[-1] if has_next and ids else None,
                prev_before=ids[0] if has_prev and ids else None)


def page_args(args) -> dict:
    """``after`` / ``before`` / ``page`` from a request's query string (bad values ignored)."""
    def number(name):
        value = args.get(name, "")
        return int(value) if value.isdigit() and len(value) < 12 else None

    return {"after": number("after"), "before": number("before"), "page": number("page") or 1}
