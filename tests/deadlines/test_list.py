"""Deadlines of the 2025 seed resolved to dates, on the CLI and the page."""
import json

from tests.conftest import login
from tests.deadlines.seeding import AID, AWARD, FUNDS, load_seed
from tests.factories import OrgFactory, UserFactory


def _list(app, *args):
    result = app.test_cli_runner().invoke(args=["deadlines", "list", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_seed_deadlines_2025(app):
    org = OrgFactory()
    load_seed(org.id)
    data = _list(app, "--year", "2025")
    by_subject = {(d["project_code"], d["source_text"]): d for d in data["deadlines"]}
    spring = by_subject[(AID, "春节前完成救助")]
    assert (spring["kind"], spring["date"], spring["last_day"]) == ("festival", "2025-01-29", "2025-01-28")
    labour = by_subject[(AWARD, "五一劳动节前评选")]
    assert (labour["date"], labour["last_day"]) == ("2025-05-01", "2025-04-30")
    prose = [d for d in data["deadlines"] if d["id"].startswith("rule-")]
    assert sorted((d["kind"], d["date"], d["project_code"]) for d in prose) == [
        ("fixed", "2025-06-30", AID), ("month_end", "2025-06-30", AWARD)]
    plans = sorted((d["project_code"], d["date"]) for d in data["deadlines"] if d["kind"] == "plan_month_end")
    assert plans == sorted([(c, f"2025-{m}") for c in (FUNDS, AID) for m in ("03-31", "06-30", "10-31", "12-31")]
                           + [(AWARD, "2025-06-30")])
    assert data["provisional_note"] == ""
    assert not any(d["provisional"] for d in data["deadlines"])


def test_spring_festival_2027_and_provisional_year(app):
    org = OrgFactory()
    load_seed(org.id, year=2027)
    data = _list(app, "--year", "2027")
    spring = next(d for d in data["deadlines"] if d["source_text"] == "春节前完成救助")
    assert (spring["date"], spring["last_day"]) == ("2027-02-06", "2027-02-05")
    assert "尚未发布" in data["provisional_note"]


def test_page_lists_deadlines_in_scope_only(app):
    county = OrgFactory()
    town = OrgFactory(parent=county)
    other = OrgFactory()
    load_seed(town.id)
    user = UserFactory(org=town)
    outsider = UserFactory(org=other)
    mine, theirs = app.test_client(), app.test_client()
    login(mine, user)
    page = mine.get("/deadlines/?year=2025").get_data(as_text=True)
    assert "2025年1月28日" in page and "春节前完成救助" in page
    login(theirs, outsider)
    page = theirs.get("/deadlines/?year=2025").get_data(as_text=True)
    assert "春节前完成救助" not in page
