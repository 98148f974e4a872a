"""Benchmark: the indicator roll-up and the daily scan on province-scale data (PostgreSQL).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/rollup.py [--files N --payments N]

Builds bench/province.py's data in a throw-away database, then times
  (a) the hand-written aggregate SQL computing the same per-project figures in one statement (the floor),
  (b) caseapp's roll-up (caseapp.indicators.rollup.run_rollup: every metric, judged and stored),
  (c) the daily deadline scan (caseapp.deadlines.scan.scan).
Targets (issue 5): (b) within 2x (a); (c) under 30 s.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date

from province import Scale, build, make_app, throwaway_database
from sqlalchemy import text

FLOOR_SQL = """
WITH paid AS (
  SELECT item_id, project_id, person_id, MIN(CASE WHEN kind = '发放' THEN entry_date END) AS paid_on,
         SUM(amount_fen) AS net
  FROM ledger_entries WHERE year = :y AND entry_date <= :d GROUP BY item_id, project_id, person_id
  HAVING SUM(amount_fen) > 0),
totals AS (SELECT project_id, SUM(amount_fen) AS fen FROM ledger_entries
           WHERE year = :y AND entry_date <= :d GROUP BY project_id),
people AS (SELECT project_id, COUNT(DISTINCT person_id) AS n,
                  SUM(CASE WHEN paid_on <= :due THEN 1 ELSE 0 END) AS on_time, COUNT(*) AS items
           FROM paid GROUP BY project_id),
onfile AS (SELECT DISTINCT p.id AS project_id, f.person_id FROM projects p
           JOIN organisations po ON po.id = p.org_id
           JOIN organisations fo ON fo.path LIKE po.path || '%'
           JOIN hardship_files f ON f.org_id = fo.id
           WHERE p.year = :y AND f.filed_on <= :d AND (f.closed_on IS NULL OR f.closed_on > :d)),
hit AS (SELECT DISTINCT project_id, person_id FROM paid),
coverage AS (SELECT o.project_id, COUNT(h.person_id) AS n, COUNT(*) AS d FROM onfile o
             LEFT JOIN hit h ON h.project_id = o.project_id AND h.person_id = o.person_id GROUP BY o.project_id)
SELECT p.id, t.fen, pe.n, pe.on_time, pe.items, c.n, c.d FROM projects p
LEFT JOIN totals t ON t.project_id = p.id LEFT JOIN people pe ON pe.project_id = p.id
LEFT JOIN coverage c ON c.project_id = p.id WHERE p.year = :y
"""


def median_of(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=300_000)
    ap.add_argument("--payments", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    scale = Scale(files=args.files, payments=args.payments)
    with throwaway_database() as uri, tempfile.TemporaryDirectory() as inst:
        app = make_app(uri, inst)
        run(app, scale, args.runs)


def run(app, scale: Scale, runs: int) -> None:
    from caseapp.core import context
    from caseapp.core.crypto import encrypt
    from caseapp.core.db import db
    from caseapp.deadlines.scan import scan
    from caseapp.indicators.rollup import run_rollup

    as_of = date(scale.year, 12, 31)
    with app.app_context():
        context.set_principal(context.SYSTEM)
        print(f"province: {scale.counties} counties, files {scale.files:,}, payments {scale.payments:,}")
        build(db.session.connection(), scale, encrypt("130434198001010011"))
        db.session.commit()
        params = {"y": scale.year, "d": as_of, "due": date(scale.year, 6, 30)}

        def floor_once():
            db.session.execute(text(FLOOR_SQL), params).all()

        def rollup():
            run_rollup(scale.year, as_of)
            db.session.commit()

        floor_once()  # warm the caches once, then alternate so both sides see the same machine
        floors, ours_runs = [], []
        for _ in range(runs):
            floors.append(median_of(floor_once, 1))
            ours_runs.append(median_of(rollup, 1))
        floor, ours = statistics.median(floors), statistics.median(ours_runs)
        scan_s = median_of(lambda: (scan(date(scale.year, 6, 25)), db.session.rollback()), 1)
        report(floor, ours, scan_s)


def report(floor: float, ours: float, scan_s: float) -> None:
    ratio = ours / floor
    print(f"\n{'measure':<44}{'seconds':>10}   target")
    print(f"{'hand-written aggregate SQL (floor)':<44}{floor:>10.2f}")
    print(f"{'caseapp roll-up (all metrics, stored)':<44}{ours:>10.2f}   ratio {ratio:.2f} (≤ 2.0) "
          f"{'ok' if ratio <= 2 else 'MISSED'}")
    print(f"{'daily deadline scan':<44}{scan_s:>10.2f}   < 30 s {'ok' if scan_s < 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
