"""Benchmark: the 困难职工档案 list page with 300,000 files (PostgreSQL), filtered and paginated.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/registry_list.py [--files N]

Builds bench/province.py's persons and files (no payments), logs in as a province-level caseworker and a
county-level one, and times GET /cases/ with filters (median of 20 each) next to the floor: the bare SQL
the page needs (the filtered count plus one page of rows joined to persons) run directly.
Target (issue 3): under 150 ms per page.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from province import Scale, fill, make_app, throwaway_database
from sqlalchemy import text

CASES = [  # (label, login as, query string)
    ("省级：全部，第1页", "province", ""),
    ("省级：在档 + 深度困难，第5页", "province", "?status=在档&category=深度困难&page=5"),
    ("县级：本县在档，第3页", "county", "?status=在档&page=3"),
    ("县级：某镇 + 复核到期", "county", "?org={township}&due_by=2025-11-15"),
]
FLOOR = """SELECT count(*) FROM hardship_files f JOIN organisations o ON o.id = f.org_id
           WHERE o.path LIKE :p AND f.status = '在档';
           SELECT f.id, p.name, p.id_masked, f.category, f.status FROM hardship_files f
           JOIN persons p ON p.id = f.person_id JOIN organisations o ON o.id = f.org_id
           WHERE o.path LIKE :p AND f.status = '在档' ORDER BY f.id DESC LIMIT 50 OFFSET 100"""


def median_ms(fn, n: int = 20) -> float:
    fn()  # warm the caches once, as a user's second click would
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=300_000)
    args = ap.parse_args()
    with throwaway_database() as uri, tempfile.TemporaryDirectory() as inst:
        app = make_app(uri, inst)
        run(app, Scale(files=args.files, payments=0))


def _users(app) -> dict:
    from caseapp.auth.services import create_user
    from caseapp.core import context
    from caseapp.core.db import db

    with app.app_context():
        context.set_principal(context.OPERATOR)
        create_user("bench_province", "130000", ["caseworker"], password="bench-password-1")
        create_user("bench_county", "130001", ["caseworker"], password="bench-password-1")
        db.session.commit()
    clients = {}
    for key, name in (("province", "bench_province"), ("county", "bench_county")):
        c = app.test_client()
        c.post("/login", data={"username": name, "password": "bench-password-1"})
        clients[key] = c
    return clients


def run(app, scale: Scale) -> None:
    from caseapp.core import context
    from caseapp.core.db import db

    with app.app_context():
        context.set_principal(context.SYSTEM)
        fill(scale)
        db.session.commit()
        floor = median_ms(lambda: [db.session.execute(text(q), {"p": "/1/2/%"}).all()
                                   for q in FLOOR.split(";")])
        db.session.remove()
    clients = _users(app)
    print(f"\n{'page':<34}{'median ms':>10}   target < 150 ms   (bare SQL floor {floor:.1f} ms)")
    for label, who, qs in CASES:
        url = "/cases/" + qs.format(township=1000 + 100 + 1)
        resp = clients[who].get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        ms = median_ms(lambda: clients[who].get(url))
        print(f"{label:<34}{ms:>10.1f}   {'ok' if ms < 150 else 'MISSED'}")


if __name__ == "__main__":
    main()
