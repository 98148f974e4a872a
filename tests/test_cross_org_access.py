"""Walk the URL map: every route that takes an object id refuses a user of another organisation.

The records live in township A; the visitor is a user of township B holding every role. Each route with
an object id must answer 404 (a record outside one's scope looks exactly like a missing one), for every
method, on the pages and on the API. Settings shared by the whole tree answer 403 to a township admin.
A route whose parameter this test does not know fails the test, so new routes cannot slip past it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from caseapp.auth.services import issue_token
from caseapp.budgets.models import Indicator, Project, Rule
from caseapp.cases.models import HardshipFile
from caseapp.core.db import db
from caseapp.deadlines.models import HolidayOverride
from caseapp.modelworkers.models import BenefitRule, ModelWorker
from caseapp.payments.models import Objection, PaymentItem
from caseapp.payments.settings import seed_aid_types
from caseapp.reminders.models import ReminderDigest
from tests.conftest import login
from tests.factories import OrgFactory, UserFactory
from tests.payments.conftest import make_award, make_person, make_recipient

ALL_ROLES = ["caseworker", "reviewer", "leader", "finance", "admin", "auditor"]
#: path parameters that are not object ids (a questionnaire token is a bearer secret: a wrong one is a 404 too)
NOT_IDS = {"kind", "ext", "filename", "token"}
#: routes over settings shared by the whole tree: a township admin is refused with 403
GLOBAL = {"deadlines.delete_holiday", "modelworkers.rule_edit"}


@dataclass
class World:
    ids: dict
    visitor_client: object
    owner_client: object
    token: str


def _records(org, owner) -> dict:
    project = Project(year=2025, code="A-001", name="甲镇帮扶项目", org_id=org.id, budget_fen=1_000_000)
    db.session.add(project)
    seed_aid_types()
    db.session.flush()
    indicator = Indicator(project_id=project.id, level1="产出指标", level2="数量指标", level3="救助人数",
                          target_text="10人", direction="=", metric="manual")
    rule = Rule(year=2025, org_id=org.id, project_id=project.id, kind="headcount_cap", source_text="不超过10人")
    person = make_person(org.id, 1)
    hfile = HardshipFile(person_id=person.id, org_id=org.id, main_cause="因病", status="在档",
                         applied_on=date(2025, 1, 2), filed_on=date(2025, 1, 3))
    mw = ModelWorker(person_id=person.id, org_id=org.id, level="县级", title="县级劳动模范", year_awarded=2020)
    event, category = make_award(project)
    recipient = make_recipient(event, category, person)
    db.session.add_all([indicator, rule, hfile, mw])
    db.session.flush()
    from caseapp.payments.models import AidType
    from sqlalchemy import select

    aid_type_id = db.session.scalar(select(AidType.id).where(AidType.name == "生活救助"))
    item = PaymentItem(org_id=org.id, project_id=project.id, aid_type_id=aid_type_id, person_id=person.id,
                       recipient_key=f"p{person.id}", recipient_name=person.name, amount_fen=1000, year=2025,
                       period="2025", status="公示中", registered_by_name="经办人", registered_on=date(2025, 3, 1))
    db.session.add(item)
    db.session.flush()
    objection = Objection(item_id=item.id, org_id=org.id, raised_on=date(2025, 3, 5), content="有异议",
                          recorded_by="经办人")
    digest = ReminderDigest(user_id=owner.id, day=date(2025, 3, 1), status="dead")
    benefit = BenefitRule(year=2025, shape="fixed", amount_fen=100_000)
    override = HolidayOverride(day=date(2027, 2, 6), is_workday=False, note="春节")
    db.session.add_all([objection, digest, benefit, override])
    db.session.flush()
    survey, member = _survey(org, project, person)
    return {"survey_id": survey.id, "member_id": member.id, "user_id": owner.id, "project_id": project.id, "code": project.code, "indicator_id": indicator.id,
            "budget_rule_id": rule.id, "person_id": person.id, "file_id": hfile.id, "mw_id": mw.id,
            "event_id": event.id, "category_id": category.id, "recipient_id": recipient.id, "item_id": item.id,
            "objection_id": objection.id, "digest_id": digest.id, "benefit_rule_id": benefit.id,
            "override_id": override.id}


def _survey(org, project, person):
    """A satisfaction survey of the township with one sampled person."""
    from caseapp.surveys.models import Survey, SurveyMember

    survey = Survey(org_id=org.id, project_id=project.id, year=2025, name="甲镇满意度调查", method="questionnaire",
                    sampling="full", seed=1, frame_size=1, eligible_size=1, sample_size=1, created_by_name="经办人",
                    created_on=date(2025, 3, 1))
    db.session.add(survey)
    db.session.flush()
    member = SurveyMember(survey_id=survey.id, frame_no=1, recipient_key=f"p{person.id}", person_id=person.id,
                          org_id=org.id, name=person.name, role="sample", draw_rank=1, is_active=True)
    db.session.add(member)
    db.session.flush()
    return survey, member


@pytest.fixture
def world(app) -> World:
    county = OrgFactory(name="县总工会")
    town_a, town_b = OrgFactory(parent=county, name="甲镇工会"), OrgFactory(parent=county, name="乙镇工会")
    owner = UserFactory(org=town_a, roles=ALL_ROLES)
    visitor = UserFactory(org=town_b, roles=ALL_ROLES)
    ids = _records(town_a, owner)
    clients = []
    for user in (visitor, owner):
        c = app.test_client()
        login(c, user)
        clients.append(c)
    return World(ids, clients[0], clients[1], issue_token(visitor))


def _value(endpoint: str, arg: str, ids: dict):
    if arg == "rule_id":
        return ids["benefit_rule_id" if endpoint.startswith("modelworkers.") else "budget_rule_id"]
    return ids[arg]


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        args = set(rule.arguments) - NOT_IDS
        if args and rule.endpoint != "static":
            yield rule, args


def _url(rule, ids: dict) -> str:
    values = {a: _value(rule.endpoint, a, ids) for a in rule.arguments - NOT_IDS}
    values.update({"kind": "hardship", "ext": "xlsx"} if {"kind", "ext"} & set(rule.arguments) else {})
    values.update({"token": "not-a-token"} if "token" in rule.arguments else {})
    return rule.build(values, append_unknown=False)[1]


def _call(world: World, client, rule, method: str, url: str):
    if rule.endpoint.startswith("api."):
        headers = {"Authorization": f"Bearer {world.token}"}
        return client.open(url, method=method, json={} if method != "GET" else None, headers=headers)
    return client.open(url, method=method, data={})


def test_every_id_route_refuses_another_organisation(app, world):
    unknown = sorted({a for _r, args in _id_routes(app) for a in args} - set(world.ids) - {"rule_id"})
    assert not unknown, f"teach this test how to make a record for: {unknown}"
    failures, checked = [], 0
    for rule, _args in _id_routes(app):
        url = _url(rule, world.ids)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            want = 403 if rule.endpoint in GLOBAL else 404
            resp = _call(world, world.visitor_client, rule, method, url)
            checked += 1
            if resp.status_code != want:
                failures.append(f"{method} {url} ({rule.endpoint}): {resp.status_code}, expected {want}")
    assert checked > 40
    assert not failures, "\n".join(failures)


def test_the_same_ids_work_for_their_owner(app, world):
    """The ids are real: the owner opens every GET page among them (so the 404s above are about scope)."""
    for rule, _args in _id_routes(app):
        if "GET" in rule.methods and not rule.endpoint.startswith("api.") and rule.endpoint not in GLOBAL:
            resp = world.owner_client.get(_url(rule, world.ids))
            assert resp.status_code in (200, 302), f"{rule.endpoint}: {resp.status_code}"
