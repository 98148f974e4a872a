"""factory_boy factories for the main records; they flush into the test's session."""
from __future__ import annotations

from datetime import date

import factory
from werkzeug.security import generate_password_hash

from caseapp.auth.models import User, UserRole
from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient
from caseapp.budgets.models import Project
from caseapp.cases.models import HardshipFile
from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from caseapp.core.masking import mask_id
from caseapp.orgs.models import Organisation
from caseapp.persons.models import Person
from config import TEST_PASSWORD_HASH_METHOD

#: one hash for every factory user, made with the testing config's cheap method (logging in checks it fast)
PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method=TEST_PASSWORD_HASH_METHOD)


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


def id_number(n: int) -> str:
    """A valid 18-digit 身份证号, distinct for each ``n`` (< 30,000), from core's own builder."""
    return make_id_number(birth=date(1970 + n // 1000 % 30, 1, 1), seq=n % 1000, sex=None)


class PersonFactory(BaseFactory):
    """A person with a real, valid 身份证号 (hash and mask set as the app sets them)."""

    class Meta:
        model = Person

    org_id = factory.LazyFunction(lambda: OrgFactory().id)
    name = factory.Sequence(lambda n: f"职工{n}")
    id_number = factory.Sequence(lambda n: id_number(20_000 + n % 9_000))
    id_hash = factory.LazyAttribute(lambda p: lookup_hash(p.id_number))
    id_masked = factory.LazyAttribute(lambda p: mask_id(p.id_number))
    sex = factory.LazyAttribute(lambda p: "男" if int(p.id_number[16]) % 2 else "女")
    birth_date = factory.LazyAttribute(lambda p: date(int(p.id_number[6:10]), int(p.id_number[10:12]),
                                                      int(p.id_number[12:14])))


class ProjectFactory(BaseFactory):
    """A budget project of 2025 with room in its budget."""

    class Meta:
        model = Project

    year = 2025
    code = factory.Sequence(lambda n: f"P-{n:04d}")
    name = factory.Sequence(lambda n: f"测试项目{n}")
    org_id = factory.LazyFunction(lambda: OrgFactory().id)
    budget_fen = 5_000_000


class HardshipFileFactory(BaseFactory):
    """A 在档 困难职工档案 of a person, in the person's union."""

    class Meta:
        model = HardshipFile

    person = factory.SubFactory(PersonFactory)
    org_id = factory.LazyAttribute(lambda f: f.person.org_id)
    main_cause = "因病"
    status = "在档"
    applied_on = date(2025, 1, 2)
    filed_on = factory.LazyAttribute(lambda f: f.applied_on)


class AwardEventFactory(BaseFactory):
    """An award event of a project, before 五一."""

    class Meta:
        model = AwardEvent

    project = factory.SubFactory(ProjectFactory)
    org_id = factory.LazyAttribute(lambda e: e.project.org_id)
    name = factory.LazyAttribute(lambda e: f"{e.project.year}年县级劳模评选")
    held_on = factory.LazyAttribute(lambda e: date(e.project.year, 4, 28))


class AwardCategoryFactory(BaseFactory):
    """An individual category of an event: 名额 and amount per awardee."""

    class Meta:
        model = AwardCategory

    event = factory.SubFactory(AwardEventFactory)
    name = "先进劳模"
    kind = "individual"
    max_count = 100
    amount_fen = 100_000


class AwardRecipientFactory(BaseFactory):
    """A confirmed person in a category (the category's kind, the person's union)."""

    class Meta:
        model = AwardRecipient

    category = factory.SubFactory(AwardCategoryFactory)
    event_id = factory.LazyAttribute(lambda r: r.category.event_id)
    kind = factory.LazyAttribute(lambda r: r.category.kind)
    person = factory.SubFactory(PersonFactory)
    org_id = factory.LazyAttribute(lambda r: r.person.org_id)
    status = "确定"
