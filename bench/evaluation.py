"""Benchmark: 绩效自评 of every project of a province (500 projects), next to the roll-up it reads.

    cd bench && DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test ../.venv/bin/python evaluation.py [--files N --payments N]

Builds bench/province.py's data in a throw-away database, then times
  (a) the hand-written aggregate SQL of bench/rollup.py (the floor of the figures the roll-up needs),
  (b) the roll-up the scoring reads: every indicator's 完成值 as of the year end, computed, not stored
      (caseapp.indicators.rollup.year_facts + compute_rows),
  (c) scoring every project: (b) plus budget history, settings, the evaluations, every formula and weight
      (caseapp.evaluation.services.year_results),
  (d) the department table of the province union over all 500 projects, and the 500-sheet workbook export.
Target: (c) within 1.5x (b): scoring adds little to the roll-up it reads.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
from datetime import date

from province import Scale, fill, make_app, throwaway_database
from rollup import FLOOR_SQL, median_of
from sqlalchemy import text


def main() -> None:
    """Build the province in a throw-away database and run the measures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=300_000)
    ap.add_argument("--payments", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    scale = Scale(files=args.files, payments=args.payments)
    with throwaway_database() as uri, tempfile.TemporaryDirectory() as inst:
        run(make_app(uri, inst), scale, args.runs)


def run(app, scale: Scale, runs: int) -> None:
    """Time the floor, the roll-up, the scoring, the department table and the export."""
    from caseapp.budgets.models import Indicator, Project
    from caseapp.core import context
    from caseapp.core.db import db
    from caseapp.evaluation import department, exports, services
    from caseapp.indicators.rollup import compute_rows, year_facts
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    as_of = date(scale.year, 12, 31)
    with app.app_context():
        context.set_principal(context.OPERATOR)
        print(f"province: {scale.counties} counties, files {scale.files:,}, payments {scale.payments:,}")
        fill(scale)
        db.session.commit()
        params = {"y": scale.year, "d": as_of, "due": date(scale.year, 6, 30)}

        def floor():
            """The hand-written aggregate SQL."""
            db.session.execute(text(FLOOR_SQL.format(due=":due")), params).all()

        def rollup():
            """The roll-up the scoring reads, not stored."""
            indicators = list(db.session.scalars(select(Indicator).join(Project).where(Project.year == scale.year)
                                                 .options(selectinload(Indicator.project))))
            compute_rows(year_facts(scale.year, as_of, indicators), indicators)
            db.session.rollback()

        def scoring():
            """Every project scored."""
            results = services.year_results(scale.year, as_of=as_of)
            assert len(results) == scale.counties * scale.projects_per_county
            db.session.rollback()
            return results

        floor()  # warm the caches once, then alternate so each side sees the same machine
        floors, rollups, scores = [], [], []
        for _ in range(runs):
            floors.append(median_of(floor, 1))
            rollups.append(median_of(rollup, 1))
            scores.append(median_of(scoring, 1))
        root = db.session.scalar(text("SELECT id FROM organisations WHERE parent_id IS NULL"))
        dept = median_of(lambda: (department.department_result(root, scale.year, as_of), db.session.rollback()), 1)
        results = scoring()
        export = median_of(lambda: exports.projects_file(results, "xlsx"), 1)
        report(statistics.median(floors), statistics.median(rollups), statistics.median(scores), dept, export,
               len(results))


def report(floor: float, rollup: float, scoring: float, dept: float, export: float, projects: int) -> None:
    """Print the figures next to the floor and the target."""
    ratio = scoring / rollup
    print(f"\n{'measure':<58}{'seconds':>9}")
    print(f"{'hand-written aggregate SQL (floor of the roll-up)':<58}{floor:>9.2f}")
    print(f"{'roll-up the scoring reads (computed, not stored)':<58}{rollup:>9.2f}   {rollup / floor:.2f}x the floor")
    print(f"{f'scoring all {projects} projects (year_results)':<58}{scoring:>9.2f}   {ratio:.2f}x the roll-up "
          f"(≤ 1.5) {'ok' if ratio <= 1.5 else 'MISSED'}")
    print(f"{'department table over every project':<58}{dept:>9.2f}")
    print(f"{f'workbook of {projects} 自评表 (a sheet each)':<58}{export:>9.2f}")


if __name__ == "__main__":
    main()
