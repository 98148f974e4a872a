"""INSERT … ON CONFLICT DO NOTHING on both engines: "at most once" decided by a unique key."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite


def insert_ignoring_conflicts(model, dialect_name: str, **values):
    """An INSERT of one row of ``model`` that does nothing when a unique key already holds it."""
    module = postgresql if dialect_name == "postgresql" else sqlite
    return module.insert(model).values(**values).on_conflict_do_nothing()
