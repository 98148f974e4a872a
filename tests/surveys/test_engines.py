"""The same frame and seed draw the same people on SQLite and on PostgreSQL (the order never comes from the
database: no ids, no collation), so a survey can be re-drawn anywhere to check it."""
from cryptography.fernet import Fernet
from sqlalchemy import select

from caseapp.core import context
from caseapp.core.db import db
from caseapp.surveys.models import SurveyMember
from caseapp.surveys.services import SurveyParams, create_survey
from tests.conftest import make_app
from tests.surveys import helpers

KEYS = {"LOOKUP_KEY": "the-same-lookup-key-on-both", "DATA_KEYS": [Fernet.generate_key().decode()]}


def _draw(uri: str, instance: str, skip_ids: int) -> list[tuple[str, str, int]]:
    app = make_app(uri, instance, **KEYS)
    with app.app_context():
        db.create_all()
        token = context.set_principal(context.OPERATOR)
        try:
            helpers._counter = iter(range(1, 10**6))  # the same people on both engines
            world = helpers.build_world()
            if skip_ids:  # different database ids for the same people
                helpers.people(world.town_b, skip_ids)
            helpers._counter = iter(range(1000, 10**6))
            helpers.pay(world.project, helpers.people(world.town_a, 60, category="深度困难")
                        + helpers.people(world.town_b, 40, category="相对困难"))
            survey = create_survey(SurveyParams(world.project.id, sampling="random", strata="township", seed=99))
            stmt = (select(SurveyMember.name, SurveyMember.role, SurveyMember.draw_rank)
                    .where(SurveyMember.survey_id == survey.id, SurveyMember.role != "frame")
                    .order_by(SurveyMember.role, SurveyMember.draw_rank))
            return [tuple(r) for r in db.session.execute(stmt)]
        finally:
            context.reset_principal(token)
            db.session.remove()
            db.engine.dispose()


def test_the_same_seed_draws_the_same_people_on_both_engines(tmp_path, fresh_pg_database):
    on_sqlite = _draw(f"sqlite:///{tmp_path / 'a.sqlite'}", str(tmp_path), skip_ids=0)
    on_postgresql = _draw(fresh_pg_database(), str(tmp_path), skip_ids=7)
    assert len(on_sqlite) == 80 + 16 and on_sqlite == on_postgresql
