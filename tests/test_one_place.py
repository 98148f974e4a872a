"""Each rule is written in one place: the unit of work commits, core.db ignores conflicts, the payments models
spell the live states."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lines(pattern: str) -> list[str]:
    regex = re.compile(pattern)
    return sorted(f"{p.relative_to(ROOT)}" for folder in ("caseapp", "workers") for p in (ROOT / folder).rglob("*.py")
                  if regex.search(p.read_text(encoding="utf-8")))


def test_only_the_unit_of_work_commits_or_rolls_back():
    assert _lines(r"\.(commit|rollback)\(\)") == ["caseapp/core/uow.py"]


def test_one_insert_ignoring_conflicts():
    assert _lines(r"on_conflict_do_nothing") == ["caseapp/core/db.py"]


def test_the_live_states_are_spelled_once():
    from caseapp.payments.models import LIVE_STATES

    assert _lines(re.escape(",".join(f"'{s}'" for s in LIVE_STATES))) == []  # built from LIVE_STATES only
    assert _lines(r"\bLIVE_SQL\s*=") == ["caseapp/payments/models.py"]
