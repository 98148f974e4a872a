"""The contract between the roster framework and each area's roster kind (``caseapp.<area>.roster``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Iterable

from caseapp.core.context import Principal
from caseapp.core.errors import NotFound

if TYPE_CHECKING:
    from caseapp.orgs.models import Organisation


class RowErrors(Exception):
    """Raised by ``validate_row``; ``errors`` is a list of ``(column_header, message_zh)``."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{c}: {m}" for c, m in errors))
        self.errors = list(errors)


@dataclass
class RosterContext:
    """What every hook of one import or export shares."""

    kind: str
    today: date
    event_id: int | None
    full: bool  #: export unmasked personal data (audited by the framework)
    org_cache: dict
    actor: Principal
    memo: dict = field(default_factory=dict)  #: the kinds' own per-import caches (e.g. phone 号段 verdicts)
    row: int = 0  #: the Excel row number of the row being validated (for messages naming rows later)
    #: the user chose to correct the names of registered persons from this file (audited per person)
    correct_names: bool = False

    def org(self, text) -> Organisation | None:
        """Resolve a 所属工会 cell (code or exact name) within the actor's scope; cached per text."""
        from caseapp.orgs.services import find_by_code_or_name

        key = (text or "").strip()
        if key not in self.org_cache:
            self.org_cache[key] = find_by_code_or_name(key) if key else None
        return self.org_cache[key]


@dataclass
class Column:
    """One roster column as it appears in the template, the import and the export."""

    header: str
    required: bool = True
    choices: list[str] | None = None  #: allowed values; the template offers them as a drop-down
    text: bool = False  #: format the column as text ('@') so Excel keeps long digit strings
    width: int = 14
    help: str = ""
    #: the model attribute the column fills (``Person.name``): the framework checks each cell against its length or
    #: money range; a column without one is held to ``MAX_CELL`` characters
    limit: Any = None


@dataclass
class RosterKind:
    """A roster kind: its columns and the three hooks the framework calls."""

    key: str
    title: str
    columns: list[Column]
    validate_row: Callable[[dict[str, str], RosterContext], dict]
    apply_rows: Callable[[list[dict], RosterContext], tuple[int, int]]
    export_rows: Callable[[RosterContext], Iterable[list]]
    key_column: str | None = "身份证号"  #: unique within one file; a repeat is an error on the later row
    needs_event: bool = False  #: imports belong to one 评选表彰 event (``--event``)
    #: optional: the events to offer in the page's selector, as (id, name) within scope
    events: Callable[[], list[tuple[int, str]]] | None = field(default=None)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required]


_REGISTRY: dict[str, RosterKind] = {}
_loaded = False


def register(kind: RosterKind) -> None:
    """Make ``kind`` available to the pages, the CLI and the services (called when its module loads)."""
    _REGISTRY[kind.key] = kind


def unregister(key: str) -> None:
    """Forget a kind (tests register throw-away kinds)."""
    _REGISTRY.pop(key, None)


def _load_areas() -> None:
    global _loaded
    if not _loaded:
        from caseapp.areas import area_modules

        area_modules("roster")
        _loaded = True


def get_kind(key) -> RosterKind:
    """The registered kind ``key``; unknown keys name the known ones."""
    _load_areas()
    kind = _REGISTRY.get(key)
    if kind is None:
        known = "、".join(sorted(_REGISTRY)) or "无"
        raise NotFound(f"未知的花名册类型：{key}（可选：{known}）", field="kind")
    return kind


def all_kinds() -> list[RosterKind]:
    """Every registered kind, in key order."""
    _load_areas()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]
