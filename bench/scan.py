"""Benchmark: the daily scan of a province with its users, next to its own SQL run bare (the floor).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/scan.py [--files N --payments N]

Builds bench/province.py's data (users included: 1,402 at full size, of whom about 1,300 receive reminders;
items in process per township; files due for review) in a throw-away database, then times
  (a) the floor: every SQL statement one scan sends (recorded from a run, with its parameters), replayed through
      the bare driver cursor, results fetched, in a transaction rolled back afterwards;
  (b) ``caseapp.deadlines.scan.scan`` for ``Scale.today``: every finder, the findings' messages, the reminders
      of every finding for every recipient inserted (ON CONFLICT DO NOTHING), rolled back afterwards.
Alternating runs, medians. ``--sqlite`` copies the built data into a SQLite file and runs both there. Targets (issue 14): (b) ≤ 5 s with 1,000+ users and 20,000+ findings; (b) ≤ 2× (a).
"""
from __future__ import annotations

import argparse
import statistics
import time

from province import Scale, province_app
from sqlalchemy import event, func, select


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=300_000)
    ap.add_argument("--payments", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="print a cProfile of one scan (cumulative, top 30)")
    ap.add_argument("--sqlite", action="store_true", help="copy the data into SQLite and run there")
    args = ap.parse_args()
    scale = Scale(files=args.files, payments=args.payments)
    with province_app(scale, sqlite=args.sqlite) as app:
        with app.app_context():
            run(scale, args.runs, args.profile, "SQLite" if args.sqlite else "PostgreSQL")


def recorded(fn) -> list[tuple[str, object]]:
    """The statements (and parameters) ``fn`` sends to the database."""
    from caseapp.core.db import db

    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return seen


def run(scale: Scale, runs: int, profile: bool, engine: str) -> None:
    from caseapp.auth.models import User
    from caseapp.core import context
    from caseapp.core.db import db
    from caseapp.deadlines.scan import scan

    context.set_principal(context.SYSTEM)
    users = db.session.scalar(select(func.count(User.id)))
    mailable = db.session.scalar(select(func.count(User.id)).where(User.email.is_not(None)))

    result = {}

    def ours():
        db.session.expunge_all()
        result.update(scan(scale.today))
        db.session.flush()

    statements = recorded(ours)
    db.session.rollback()

    def floor():
        cursor = db.session.connection().connection.dbapi_connection.cursor()
        for sql, params in statements:
            cursor.execute(sql, params)
            if cursor.description:
                cursor.fetchall()
        cursor.close()

    def timed(fn) -> float:
        t = time.perf_counter()
        fn()
        seconds = time.perf_counter() - t
        db.session.rollback()
        return seconds

    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(ours)
        db.session.rollback()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        cursor = db.session.connection().connection.dbapi_connection.cursor()
        slowest = []
        for sql, params in statements:
            t = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
            slowest.append((time.perf_counter() - t, len(rows), " ".join(sql.split())[:160]))
        db.session.rollback()
        for seconds, n, sql in sorted(slowest, reverse=True)[:8]:
            print(f"{seconds:7.3f} s {n:>7} rows  {sql}")
    floors, scans = [], []
    for _ in range(runs):  # alternate, so both see the same machine
        floors.append(timed(floor))
        scans.append(timed(ours))
    floor_s, scan_s = statistics.median(floors), statistics.median(scans)
    ratio = scan_s / floor_s
    print(f"\n{engine}: users {users:,} ({mailable:,} with e-mail); findings {len(result['findings']):,}; "
          f"reminders queued {result['queued']:,}; statements {len(statements)}")
    print(f"{'measure':<52}{'seconds':>9}   target")
    print(f"{'its SQL replayed bare (floor)':<52}{floor_s:>9.2f}")
    print(f"{'daily scan (caseapp.deadlines.scan)':<52}{scan_s:>9.2f}   ≤ 5 s "
          f"{'ok' if scan_s <= 5 else 'MISSED'}; ratio {ratio:.2f} (≤ 2.0) {'ok' if ratio <= 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
