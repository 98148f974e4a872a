"""The migrations build, from an empty database, exactly the schema the models describe."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from caseapp.core.db import db
from tests.conftest import make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_app(request, tmp_path, fresh_pg_database):
    uri = f"sqlite:///{tmp_path / 'm.sqlite'}" if request.param == "sqlite" else fresh_pg_database()
    app = make_app(uri, str(tmp_path))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def _include(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and name == "alembic_version")


def test_upgrade_from_empty_matches_models(migrated_app):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _include})
        diffs = compare_metadata(ctx, db.metadata)
    assert diffs == [], f"models and migrations disagree: {diffs}"


def test_append_only_triggers_exist_after_upgrade(migrated_app):
    """The audit log refuses UPDATE and DELETE in a migrated database too."""
    with db.engine.connect() as conn:
        conn.execute(text("INSERT INTO audit_events (at, actor_name, action, source) "
                          "VALUES (CURRENT_TIMESTAMP, 'x', 'test', 'cli')"))
        with pytest.raises(Exception, match="只增不改"):
            conn.execute(text("UPDATE audit_events SET action = 'changed'"))
        conn.rollback()


def test_constraint_names_follow_convention(app):
    names = {c.name for t in db.metadata.sorted_tables for c in t.constraints if c.name}
    assert "uq_projects_year_code" in names
    assert "ck_projects_budget_nonnegative" in names
    assert "audit_events" in inspect(db.session.connection()).get_table_names()


def test_the_surveyor_role_and_survey_answer_history_after_upgrade(migrated_app):
    """0010: the user_roles CHECK admits 回访员 (surveyor) and refuses unknown roles; answers are append-only."""
    with db.engine.connect() as conn:
        conn.execute(text("INSERT INTO organisations (code, name, level, path, created_at) "
                          "VALUES ('1', 'x', 'county', '/1/', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO users (username, display_name, password_hash, org_id, is_enabled, "
                          "session_generation, created_at) VALUES ('u', 'u', 'x', 1, TRUE, 1, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO user_roles (user_id, role) VALUES (1, 'surveyor')"))
        with pytest.raises(Exception):
            conn.execute(text("INSERT INTO user_roles (user_id, role) VALUES (1, 'nobody')"))
        conn.rollback()
    assert _has_answer_guard()


def _has_answer_guard() -> bool:
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            found = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
            return {"survey_answers_no_update", "survey_answers_no_delete"} <= set(found)
        found = conn.execute(text("SELECT tgname FROM pg_trigger")).scalars().all()
        return "survey_answers_append_only_trg" in found


def _triggers(engine_name: str) -> dict[str, str]:
    """Every trigger (and, on PostgreSQL, trigger function) in the current database, by name, as the server
    stores it."""
    conn = db.session.connection()
    if engine_name == "sqlite":
        rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    else:
        rows = conn.execute(text(
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
            "UNION ALL SELECT proname, prosrc FROM pg_proc WHERE prorettype = 'trigger'::regtype "
            "AND pronamespace = 'public'::regnamespace"))
    return {name: " ".join(sql.split()) for name, sql in rows}


def test_the_migrations_literal_triggers_equal_the_models(migrated_app, tmp_path, fresh_pg_database):
    """Every revision's trigger DDL, applied in order, leaves exactly the triggers the models create."""
    engine_name = db.engine.dialect.name
    migrated = _triggers(engine_name)
    uri = f"sqlite:///{tmp_path / 'models.sqlite'}" if engine_name == "sqlite" else fresh_pg_database()
    models_app = make_app(uri, str(tmp_path))
    with models_app.app_context():
        db.create_all()
        from_models = _triggers(engine_name)
        db.session.remove()
        db.engine.dispose()
    assert migrated == from_models and len(from_models) >= 10


def test_a_fresh_database_has_the_standard_aid_types(migrated_app):
    """No seeding step between ``caseapp db upgrade`` and the first payment."""
    from caseapp.payments.models import DEFAULT_AID_TYPES

    with db.engine.connect() as conn:
        found = set(conn.execute(text("SELECT name, kind FROM aid_types WHERE is_active")).all())
    assert found == set(DEFAULT_AID_TYPES)
