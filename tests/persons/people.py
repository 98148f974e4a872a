"""Helpers shared by the persons and cases tests: an org tree with users, valid ID numbers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import count

from caseapp.core.idnumber import make_id_number
from caseapp.orgs.models import Organisation
from tests.conftest import login  # noqa: F401  (re-exported: the one login helper lives in conftest)
from tests.factories import OrgFactory, UserFactory

_seq = count(1)


def new_id(sex: str = "男", birth: date = date(1980, 3, 4)) -> str:
    """A valid, not yet used 身份证号."""
    n = next(_seq)
    seq = (n * 2 + (1 if sex == "男" else 0)) % 1000
    return make_id_number(region="130434", birth=birth.replace(year=1950 + (n // 500) % 50), seq=seq, sex=sex)


@dataclass
class Tree:
    county: Organisation
    town_a: Organisation
    town_b: Organisation


def org_tree() -> Tree:
    county = OrgFactory(name="魏县总工会")
    return Tree(county, OrgFactory(parent=county, name="城关镇工会"), OrgFactory(parent=county, name="双井镇工会"))


def user_in(org: Organisation, *roles: str):
    """A user of ``org`` with ``roles`` (default caseworker)."""
    return UserFactory(org=org, roles=list(roles) or ["caseworker"])


def api_headers(user) -> dict:
    """Bearer headers for ``user`` (a fresh API token); commits the test's setup so far.

    The request shares the test's session: a failing request rolls back to the last commit (a savepoint
    inside the test's outer transaction), so the setup must be committed first.
    """
    from caseapp.auth.services import issue_token
    from caseapp.core import context
    from caseapp.core.db import db

    token = context.set_principal(context.OPERATOR)
    try:
        headers = {"Authorization": f"Bearer {issue_token(user)}"}
        db.session.commit()
        return headers
    finally:
        context.reset_principal(token)
