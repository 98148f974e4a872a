"""Benchmark: a 50,000-row 困难职工 roster, bare openpyxl pass vs. validate + import on PostgreSQL.

Run from the repository root (see bench/README.md):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/roster_import.py

A throw-away database is created on DATABASE_URL's server and dropped at the end.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import resource
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchdb import throwaway_database  # noqa: E402

TARGET_ROWS_PER_S = 5_000
TARGET_RATIO = 2.0
TARGET_PEAK_MIB = 1024
SAMPLE = {"姓名": lambda i: f"职工{i}", "手机号": lambda i: f"138{i:08d}", "所属工会": lambda i: "130434",
          "工作单位": lambda i: "魏县某某有限公司", "家庭人口": lambda i: str(1 + i % 5),
          "家庭月总收入(元)": lambda i: f"{1200 + i % 900}.50", "开户银行": lambda i: "中国农业银行魏县支行",
          "银行账号": lambda i: f"62284{i:014d}"}


def id_number(i: int) -> str:
    """The i-th distinct valid ID number (400 per birth date, male sequence numbers)."""
    from caseapp.core.idnumber import make_id_number

    return make_id_number(birth=date(1965, 1, 1) + timedelta(days=i // 400), seq=(i % 400) * 2 + 1)


def build_roster(columns, rows: int) -> bytes:
    """A hardship roster written the way users fill the template: every cell text."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("困难职工花名册")
    ws.append([c.header for c in columns])
    for i in range(rows):
        ws.append([_value(c, i) for c in columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    return _with_dimension(buffer.getvalue(), len(columns), rows + 1)


def _with_dimension(data: bytes, width: int, height: int) -> bytes:
    """Add the <dimension> Excel and WPS always write (openpyxl's write-only mode omits it, which makes
    every read-only open parse the whole sheet once more just to look for it)."""
    from openpyxl.utils import get_column_letter

    tag = f'<dimension ref="A1:{get_column_letter(width)}{height}"/>'.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb"(<sheetViews|<sheetFormatPr|<cols|<sheetData)", tag + rb"\1", body, count=1)
            dst.writestr(info.filename, body)
    return out.getvalue()


def _value(column, i: int) -> str:
    if column.header == "身份证号":
        return id_number(i)
    if column.header in SAMPLE:
        return SAMPLE[column.header](i)
    if column.choices:
        return column.choices[i % len(column.choices)]
    return "" if not column.required else "无"


def bare_pass(data: bytes) -> tuple[int, float]:
    """Read every cell once with openpyxl read-only (its pure-Python XML parser): for reference only."""
    start = time.perf_counter()
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _ in wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    wb.close()
    return count, time.perf_counter() - start


def reader_pass(data: bytes, kind) -> tuple[int, float]:
    """The floor: the app's own sheet reader (``excel.RosterReader``: the Office-file checks, the C XML parser,
    every data row as ``{header: text}``), i.e. what the import reads before it validates anything."""
    from caseapp.core import excel

    start = time.perf_counter()
    spec = excel.Spec(headers=kind.headers, required=kind.required_headers)
    with excel.RosterReader(data, spec) as reader:
        count = sum(1 for _ in reader.rows())
    return count, time.perf_counter() - start


def service_import(uri: str, rows: int, runs: int, profile: bool) -> dict:
    """Build the roster; alternate the app's reader pass (floor) and validate + import + commit ``runs`` times,
    emptying the tables between imports so each one creates every person and file."""
    from caseapp import create_app
    from caseapp.core import context
    from caseapp.core.db import db
    from caseapp.rosters import services
    from caseapp.rosters.base import get_kind

    with tempfile.TemporaryDirectory() as instance:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri)
        app.instance_path = instance
        with app.app_context():
            db.create_all()
            _county()
            token = context.set_principal(context.OPERATOR)
            kind = get_kind("hardship")
            start = time.perf_counter()
            data = build_roster(kind.columns, rows)
            built = time.perf_counter() - start

            def import_once() -> float:
                start = time.perf_counter()
                result = services.import_roster("hardship", data, filename="bench.xlsx", today=date(2025, 6, 1))
                db.session.commit()
                took = time.perf_counter() - start
                if not result.ok or result.created != rows:
                    raise SystemExit(f"import failed: created {result.created}/{rows}, first errors {result.errors[:5]}")
                _empty()
                return took

            if profile:
                import cProfile
                import pstats

                prof = cProfile.Profile()
                prof.runcall(import_once)
                pstats.Stats(prof).sort_stats("tottime").print_stats(25)
            readers, imports, bares = [], [], []
            for _ in range(runs):
                count, seconds = reader_pass(data, kind)
                readers.append(seconds)
                imports.append(import_once())
                bares.append(bare_pass(data)[1])
            context.reset_principal(token)
            db.engine.dispose()
    return {"rows": count, "reader": statistics.median(readers), "import": statistics.median(imports),
            "openpyxl": statistics.median(bares), "built": built, "bytes": len(data)}


def _empty() -> None:
    """A fresh schema (the file history is append-only), so the next import starts from the same state."""
    from caseapp.core.db import db

    db.session.remove()
    db.drop_all()
    db.create_all()
    _county()


def _county() -> None:
    from caseapp.core.db import db
    from caseapp.orgs.models import Organisation

    org = Organisation(code="130434", name="魏县总工会", level="county")
    db.session.add(org)
    db.session.flush()
    org.path = f"/{org.id}/"
    db.session.commit()


def peak_mib() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true", help="import into a SQLite file instead of PostgreSQL")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one import first")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "")
    if not args.sqlite and not server.startswith(("postgres://", "postgresql")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (or use --sqlite)")
    load_before = os.getloadavg()[0]
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            r = service_import(f"sqlite:///{folder}/bench.sqlite", args.rows, args.runs, args.profile)
    else:
        with throwaway_database(server) as uri:
            r = service_import(uri, args.rows, args.runs, args.profile)
    count, rate, ratio, peak = r["rows"], r["rows"] / r["import"], r["import"] / r["reader"], peak_mib()
    engine = "SQLite" if args.sqlite else "PG"
    print(f"roster: {count:,} rows, {r['bytes'] / 1048576:.1f} MiB .xlsx (built in {r['built']:.1f} s); median of "
          f"{args.runs}; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after on {os.cpu_count()} CPUs")
    print(f"{'phase':<34}{'seconds':>9}{'rows/s':>10}  target")
    print(f"{'openpyxl read-only (reference)':<34}{r['openpyxl']:>9.2f}{count / r['openpyxl']:>10,.0f}")
    print(f"{'app sheet reader (floor)':<34}{r['reader']:>9.2f}{count / r['reader']:>10,.0f}")
    print(f"{'validate + import + commit (' + engine + ')':<34}{r['import']:>9.2f}{rate:>10,.0f}  >= "
          f"{TARGET_ROWS_PER_S:,} {'OK' if rate >= TARGET_ROWS_PER_S else 'MISSED'}; ratio to floor {ratio:.2f} "
          f"(<= {TARGET_RATIO}) {'OK' if ratio <= TARGET_RATIO else 'MISSED'}")
    print(f"{'peak RSS (MiB)':<34}{peak:>9.0f}{'':>10}  < {TARGET_PEAK_MIB}  {'OK' if peak < TARGET_PEAK_MIB else 'MISSED'}")


if __name__ == "__main__":
    main()
