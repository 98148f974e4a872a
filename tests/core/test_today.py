"""One "today": the configured zone's date (Asia/Shanghai), whatever the server's clock and zone say."""
import datetime as dt
import os
import re
import time
from pathlib import Path

import pytest
import time_machine

from caseapp.core.db import db
from caseapp.payments import services
from tests.conftest import acting_as

ROOT = Path(__file__).resolve().parents[2]
#: reading the server's own date or naive local time; ``local_today()`` / ``utcnow()`` are the two clocks
BARE_CLOCK = re.compile(r"\b(date\.today|datetime\.today|datetime\.now)\(\s*\)")


def test_no_bare_server_date_in_the_code():
    found = [f"{p.relative_to(ROOT)}:{n}" for folder in ("caseapp", "workers") for p in (ROOT / folder).rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if BARE_CLOCK.search(line)]
    assert found == []


@pytest.fixture
def utc_server():
    """The server process runs in UTC."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize("utc_clock", ["2025-06-30T16:10:00+00:00", "2025-06-30T23:59:00+00:00"])
def test_after_midnight_in_shanghai_it_is_already_tomorrow(app, utc_server, utc_clock):
    """At 00:10 and 07:59 on 7月1日 in Shanghai the UTC server still reads 6月30日: registration and 公示 use 7月1日."""
    from tests.payments.conftest import make_person
    from caseapp.budgets.models import Project
    from caseapp.payments.settings import seed_aid_types
    from tests.factories import OrgFactory, UserFactory

    org = OrgFactory()
    project = Project(year=2025, code="P-DAY", name="日期", org_id=org.id, budget_fen=1_000_000)
    db.session.add(project)
    seed_aid_types()
    person = make_person(org.id, 1)
    caseworker, reviewer, leader = (UserFactory(org=org, roles=[r]) for r in ("caseworker", "reviewer", "leader"))
    with time_machine.travel(dt.datetime.fromisoformat(utc_clock), tick=False):
        assert dt.date.today() == dt.date(2025, 6, 30)  # the server's own idea
        with acting_as(caseworker):
            item = services.register_payment(project, "慰问", 10_000, person_id=person.id)
        with acting_as(reviewer):
            services.review([item.id])
        with acting_as(leader):
            services.approve([item.id], meeting_date=dt.date(2025, 7, 1), minutes_no="1号", attendees="甲")
            services.publicize([item.id])
    db.session.expire_all()
    assert (item.registered_on, item.publicity_start) == (dt.date(2025, 7, 1), dt.date(2025, 7, 1))
