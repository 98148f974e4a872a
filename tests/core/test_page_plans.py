"""The pages every user opens all day stay bounded on a province's data (issue 14).

On PostgreSQL, a small province (bench/province.py's builder) is seeded, the landing pages, the case list,
the payment work list, the dashboard and a project page are requested as a province-level and a county-level
user, every SELECT they send is captured, and each is EXPLAINed with sequential scans priced out
(``enable_seqscan = off``): a plan that still reads one of the big tables sequentially has no index to use,
and at 300,000 files or 1,000,000 items that is the page that takes seconds. Counts stop at a cap, the case
list never decrypts a 身份证号, and the payment list counts only the selected year.
"""
from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from caseapp.core import crypto
from caseapp.core.db import db
from tests.conftest import login
from tests.factories import UserFactory

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "bench")
#: the tables that grow with the province: a sequential scan of any of them is a failure
BIG = {"hardship_files", "payment_items", "ledger_entries", "persons", "person_aid_counters", "payment_events"}
ROLES = ("caseworker", "reviewer", "leader", "finance", "admin")


@pytest.fixture
def province(app, engine_name):
    """A small province (3 counties × 2 townships, 3,000 files, 6,000 items) and a province- and a county-level
    user holding every working role."""
    if engine_name != "postgresql":
        pytest.skip("plans are checked on PostgreSQL")
    sys.path.insert(0, BENCH)
    try:
        from province import Scale, fill
    finally:
        sys.path.remove(BENCH)
    from caseapp.orgs.models import Organisation

    fill(Scale(counties=3, townships_per_county=2, projects_per_county=2, files=3000, payments=6000))
    db.session.execute(select(Organisation).where(Organisation.id == 1)).scalar_one()
    users = {"province": UserFactory(org=db.session.get(Organisation, 1), roles=ROLES),
             "county": UserFactory(org=db.session.get(Organisation, 2), roles=ROLES)}
    db.session.flush()
    return users


@contextmanager
def captured():
    """The SELECT statements (with their parameters) sent while the block runs."""
    found: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and not executemany:
            found.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)


def _county_project() -> int:
    from caseapp.budgets.models import Project

    return db.session.scalar(select(Project.id).where(Project.org_id == 2).order_by(Project.id))


def _pages(app, user, project_id: int) -> dict[str, list]:
    client = app.test_client()
    login(client, user)
    out = {}
    for path in ("/home", "/dashboard", "/cases/", "/cases/?status=在档", "/cases/?status=在档&after=2000&page=2",
                 "/cases/?org=1101", "/payments/", "/payments/?status=已发放", "/payments/?status=已发放&after=3000",
                 f"/projects/{project_id}"):
        with captured() as sql:
            resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        out[path] = sql
    return out


#: rows one plan node may read from a big table: a capped count (1,001) or a page (101) and change; the seed has
#: more rows than that in every big table, so a query that counts or sums everything in scope is caught
READ_LIMIT = 1_200


def _problems(plan: dict) -> list[str]:
    """Sequential scans of a big table, and nodes reading more than ``READ_LIMIT`` of its rows."""
    found = []
    table = plan.get("Relation Name")
    if table in BIG:
        if plan.get("Node Type") == "Seq Scan":
            found.append(f"Seq Scan on {table}")
        read = (plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)
                + plan.get("Rows Removed by Index Recheck", 0)) * plan.get("Actual Loops", 1)
        if read > READ_LIMIT:
            found.append(f"{plan['Node Type']} reads {read:.0f} rows of {table}")
    for child in plan.get("Plans", []):
        found += _problems(child)
    return found


def test_no_page_reads_a_big_table_sequentially_or_whole(app, province):
    conn = db.session.connection()
    conn.exec_driver_sql("ANALYZE")
    problems = []
    for who, user in province.items():
        for path, statements in _pages(app, user, _county_project()).items():
            assert statements, path
            conn.exec_driver_sql("SET enable_seqscan = off")
            try:
                for statement, params in statements:
                    plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params).scalar()
                    found = _problems(plan[0]["Plan"])
                    if found:
                        problems.append(f"{who} {path}: {'; '.join(found)}\n  {' '.join(statement.split())[:500]}")
            finally:
                conn.exec_driver_sql("RESET enable_seqscan")
    assert not problems, "\n".join(problems)


def test_counts_stop_at_the_cap_and_the_payment_list_counts_one_year(app, province):
    """Every count of a big table on the list pages and the desk is capped (LIMIT inside), and the payment
    work list's counts and rows are of the selected year only."""
    pages = _pages(app, province["province"], _county_project())
    for path, statements in pages.items():
        for statement, _params in statements:
            flat = " ".join(statement.split())
            if "count(" in flat.lower() and re.search(r"\b(hardship_files|payment_items)\b", flat):
                assert "LIMIT" in flat.upper(), (path, flat[:400])
    for path in ("/payments/", "/payments/?status=已发放"):
        on_items = [s for s, _p in pages[path] if "FROM payment_items" in s]
        assert on_items and all("payment_items.year =" in " ".join(s.split()) for s in on_items), path


def test_a_list_with_more_than_the_cap_says_so_in_chinese(app, province):
    client = app.test_client()
    login(client, province["province"])
    with app.app_context():
        page = client.get("/payments/?status=已发放").get_data(as_text=True)
        assert "超过 1,000 条" in page and "下一页" in page
        nxt = re.search(r'href="([^"]*after=\d+[^"]*)">下一页', page).group(1).replace("&amp;", "&")
        second = client.get(nxt).get_data(as_text=True)
    assert "第 2 页" in second and "上一页" in second
    first_ids = set(re.findall(r'name="ids" value="(\d+)"', page))
    second_ids = set(re.findall(r'name="ids" value="(\d+)"', second))
    assert len(first_ids) == 100 and second_ids and not first_ids & second_ids
    assert max(map(int, second_ids)) < min(map(int, first_ids))


def test_the_case_list_decrypts_nothing(app, province, monkeypatch):
    """The list shows the stored mask; loading the encrypted 身份证号 would decrypt it for every row."""
    calls = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda token: calls.append(1) or real(token))
    client = app.test_client()
    login(client, province["county"])
    with app.app_context():
        page = client.get("/cases/").get_data(as_text=True)
    assert "1304**********" in page and calls == []
