"""Benchmark: the indicator roll-up on province-scale data (PostgreSQL, or SQLite with --sqlite).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/rollup.py [--files N --payments N]

Builds bench/province.py's data in a throw-away database (copied into a SQLite file with --sqlite), then times
  (a) the floor: the hand-written aggregate SQL computing the same per-project figures in one statement, with
      the same work as the app: each project's 时效 deadline (the app's own choice of date per project, read
      before timing) in a CASE of one branch per project, as the app builds it; then as many snapshot rows as
      the app stores, written through the bare driver (COPY on PostgreSQL);
  (b) caseapp's roll-up (caseapp.indicators.rollup.run_rollup: every metric, judged and stored).
The daily scan has its own benchmark (scan.py). Target (issue 14): (b) ≤ 1.5× (a), at 1/10 and at full size.
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from province import Scale, province_app
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
                  SUM(CASE WHEN paid_on <= {due} THEN 1 ELSE 0 END) AS on_time, COUNT(*) AS items
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


def due_case(deadlines: dict) -> tuple[str, dict]:
    """``CASE WHEN project_id = :p0 THEN :d0 … END`` over every project with a 时效 deadline, and its parameters."""
    if not deadlines:
        return "NULL", {}
    params, branches = {}, []
    for n, (pid, day) in enumerate(sorted(deadlines.items())):
        params[f"p{n}"], params[f"d{n}"] = pid, day
        branches.append(f"WHEN project_id = :p{n} THEN :d{n}")
    return "CASE " + " ".join(branches) + " END", params


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
    ap.add_argument("--sqlite", action="store_true", help="copy the data into SQLite and run there")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of one roll-up and its statements")
    args = ap.parse_args()
    scale = Scale(files=args.files, payments=args.payments)
    with province_app(scale, sqlite=args.sqlite) as app:
        run(app, scale, args.runs, "SQLite" if args.sqlite else "PostgreSQL", args.profile)


def run(app, scale: Scale, runs: int, engine: str, profile: bool = False) -> None:
    from caseapp.core import context
    from caseapp.core.db import db
    from caseapp.indicators.rollup import _deadlines, _indicators, run_rollup

    as_of = date(scale.year, 12, 31)
    with app.app_context():
        context.set_principal(context.SYSTEM)
        indicators = _indicators(scale.year)
        indicator_ids = [i.id for i in indicators]
        case_sql, case_params = due_case(_deadlines(scale.year, indicators))
        floor_sql = text(FLOOR_SQL.format(due=case_sql))
        params = {"y": scale.year, "d": as_of, **case_params}
        db.session.rollback()

        def floor_once():
            db.session.execute(floor_sql, params).all()
            _store_bare(indicator_ids, scale.year, as_of)
            db.session.rollback()

        def rollup():
            run_rollup(scale.year, as_of)
            db.session.commit()

        floor_once()  # warm the caches once, then alternate so both sides see the same machine
        if profile:
            _profile(rollup)
        floors, ours_runs = [], []
        for _ in range(runs):
            floors.append(median_of(floor_once, 1))
            ours_runs.append(median_of(rollup, 1))
        floor, ours = statistics.median(floors), statistics.median(ours_runs)
        report(floor, ours, len(case_params) // 2, engine)


def _store_bare(indicator_ids: list[int], year: int, as_of: date) -> None:
    """The floor's share of storing: a run row and one snapshot row per indicator, through the bare driver
    (COPY on PostgreSQL, executemany on SQLite), as many rows as the app stores."""
    from caseapp.core.db import db

    conn = db.session.connection()
    run_id = conn.execute(text("INSERT INTO indicator_rollups (year, as_of, computed_at, actor_name) "
                               "VALUES (:y, :d, CURRENT_TIMESTAMP, 'floor') RETURNING id"), {"y": year, "d": as_of}
                          ).scalar()
    rows = [(run_id, i, "total_paid", 1, "元", "1元", True, "{}") for i in indicator_ids]
    columns = "rollup_id, indicator_id, metric, actual_value, unit, actual_text, achieved, detail"
    raw = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY indicator_snapshots ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        raw.cursor().executemany(f"INSERT INTO indicator_snapshots ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _profile(fn) -> None:
    """cProfile of ``fn`` (cumulative, top 25) and its statements with their times."""
    import cProfile
    import pstats

    from sqlalchemy import event

    from caseapp.core.db import db

    seen, begun = [], {}

    def before(conn, cursor, statement, params, context, many):
        begun[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, params, context, many):
        seen.append((time.perf_counter() - begun.pop(id(cursor), time.perf_counter()), " ".join(statement.split())))

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    prof = cProfile.Profile()
    prof.runcall(fn)
    event.remove(db.engine, "before_cursor_execute", before)
    event.remove(db.engine, "after_cursor_execute", after)
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    for seconds, sql in sorted(seen, reverse=True)[:8]:
        print(f"{seconds:7.3f} s  {sql[:180]}")


def report(floor: float, ours: float, branches: int, engine: str) -> None:
    ratio = ours / floor
    print(f"\n{engine}; {branches} projects with a 时效 deadline (CASE branches on both sides)")
    print(f"{'measure':<44}{'seconds':>10}   target")
    print(f"{'hand-written aggregate SQL (floor)':<44}{floor:>10.2f}")
    print(f"{'caseapp roll-up (all metrics, stored)':<44}{ours:>10.2f}   ratio {ratio:.2f} (≤ 1.5) "
          f"{'ok' if ratio <= 1.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
