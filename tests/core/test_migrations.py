"""The migrations build exactly the schema the models describe, on every engine."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from caseapp.core.db import db


def test_models_and_migrations_agree(app):
    def include(obj, name, type_, reflected, compare_to):
        return not (type_ == "table" and name == "alembic_version")

    conn = db.session.connection()
    ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include})
    diffs = compare_metadata(ctx, db.metadata)
    assert diffs == [], f"models and migrations disagree: {diffs}"


def test_constraint_names_follow_convention(app):
    names = {c.name for t in db.metadata.sorted_tables for c in t.constraints if c.name}
    assert "uq_projects_year_code" in names
    assert "ck_projects_budget_nonnegative" in names
