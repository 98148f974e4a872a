"""Fixtures for roster tests: the fake kind registered for one test, a county organisation."""
from __future__ import annotations

import pytest

from caseapp.rosters import base
from tests.factories import OrgFactory
from tests.rosters import fakekind


@pytest.fixture
def fake_kind(app):
    """Register the fake kind for one test."""
    base.register(fakekind.make_kind())
    yield fakekind.KEY
    base.unregister(fakekind.KEY)


@pytest.fixture
def org(app):
    return OrgFactory(code="130434", name="魏县总工会")
