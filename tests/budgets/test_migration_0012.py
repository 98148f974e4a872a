"""Migration 0012 on a database with data: every project, indicator and row referencing them survives, both ways.

On SQLite a batch table copy would drop ``indicators`` and, foreign keys being on, cascade to the rows below.
"""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from caseapp.core.db import db
from tests.conftest import make_app

_ROWS = (
    "INSERT INTO organisations (id, code, name, level, path, created_at) "
    "VALUES (1, '711001', '魏县总工会', 'county', '/1/', CURRENT_TIMESTAMP)",
    "INSERT INTO projects (id, year, code, name, org_id, budget_fen, fiscal_fen, other_fen, purpose, goal_text, "
    "source_unit, heading, created_at, updated_at) VALUES (1, 2025, 'P1', '工会经费', 1, 100, 100, 0, '', '', '万元', '', "
    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO indicators (id, project_id, position, level1, level2, level3, description, target_text, direction, "
    "basis, metric) VALUES (1, 1, 0, '产出指标', '数量指标', '救助人数', '', '39人', '=', '', 'people_paid')",
    "INSERT INTO spending_plan_points (project_id, month, percent) VALUES (1, 6, 50)",
    "INSERT INTO deadline_rules (year, org_id, project_id, indicator_id, kind, month, day, festival_before, subject, "
    "source_text, is_active, created_at) VALUES (2025, 1, 1, 1, 'fixed', 6, 30, 'day', '救助', '', TRUE, CURRENT_TIMESTAMP)",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def at_0011(request, tmp_path, fresh_pg_database):
    uri = f"sqlite:///{tmp_path / 'm.sqlite'}" if request.param == "sqlite" else fresh_pg_database()
    app = make_app(uri, str(tmp_path))
    with app.app_context():
        upgrade(revision="0011")
        yield app
        db.session.remove()
        db.engine.dispose()


def _counts() -> tuple:
    with db.engine.connect() as conn:
        return tuple(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
                     for t in ("projects", "indicators", "spending_plan_points", "deadline_rules"))


def test_upgrade_and_downgrade_keep_the_rows(at_0011):
    with db.engine.begin() as conn:
        for statement in _ROWS:
            conn.execute(text(statement))
    upgrade(revision="0012")
    assert _counts() == (1, 1, 1, 1)
    with db.engine.begin() as conn:
        row = conn.execute(text("SELECT weight, category FROM indicators")).one()
        assert (row.weight, row.category) == (None, "")
        assert conn.execute(text("SELECT code_generated FROM projects")).scalar() in (False, 0)
        with pytest.raises(Exception):
            conn.execute(text("UPDATE indicators SET category = 'other'"))
    downgrade(revision="0011")
    assert _counts() == (1, 1, 1, 1)
