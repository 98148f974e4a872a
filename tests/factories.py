"""factory_boy factories for the models; they flush into the test's session."""
from __future__ import annotations

import factory
from werkzeug.security import generate_password_hash

from caseapp.auth.models import User, UserRole
from caseapp.core.db import db
from caseapp.orgs.models import Organisation

#: one hash for every factory user (hashing is deliberately slow)
PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD)


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class OrgFactory(BaseFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"9{n:05d}")
    name = factory.Sequence(lambda n: f"测试工会{n}")
    level = "county"
    parent = None

    @factory.post_generation
    def set_path(obj, create, extracted, **kwargs):  # noqa: N805
        db.session.flush()
        obj.path = f"{obj.parent.path if obj.parent else '/'}{obj.id}/"
        if obj.parent is not None:
            obj.level = {"county": "township", "township": "grassroots"}.get(obj.parent.level, "grassroots")
        db.session.flush()


class UserFactory(BaseFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password_hash = _PASSWORD_HASH
    org = factory.SubFactory(OrgFactory)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):  # noqa: N805
        for role in extracted or ("caseworker",):
            obj.role_rows.append(UserRole(role=role))
        db.session.flush()
