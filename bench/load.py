"""Load benchmark: 20 logged-in users at once on a province's data, under gunicorn with 4 workers (PostgreSQL).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/load.py \
        [--files N --payments N] [--clients 20] [--seconds 30] [--workers 4] [--keep]

1. Data: bench/province.py's province (100 counties, 300,000 files, 1,000,000 items by default) in a database
   ``caseapp_load_f<files>_p<payments>_<fingerprint>`` on DATABASE_URL's server, with users: per county a county-level user,
   and ten province-level users (roles 经办人 + 审核人). A database kept by an earlier ``--keep`` run is reused;
   otherwise it is built (about two minutes at full scale) and dropped at the end.
2. The floor: each page requested once in-process, every SQL statement it sends captured, and those statements
   run bare (the same parameters, one connection, no Python in between; writes rolled back), median of 5.
3. The load: gunicorn ``-w 4`` (sync workers, production config), ``--clients`` threads, half county users
   and half province users, each logged in, looping for ``--seconds`` over 工作台 (/home), the case list (first
   page with a status filter, then its next page), the payment work list, the 年度概览 dashboard, a project page
   and a registration (the form, then the POST of one 100-yuan item of an aid type made for this run).
   Every request has a 30 s timeout; the run stops at its deadline whatever happens.
4. Clean-up: the run's registrations (items, events, counters) and aid type are removed, gunicorn is stopped,
   the database is dropped unless ``--keep``.

Prints, per page and user level, the count, median, p95, p99, throughput and errors next to the bare SQL, and
as its last line ``load: p95_ms_max=<worst page p95> errors=<n> rps=<mix throughput>``.
Targets (issue 14, quiet 2-core machine): every list page and the dashboard p95 ≤ 150 ms for county and
province users alike, 0 errors, ≥ 100 req/s over the mix.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PASSWORD = "bench-load-password-1"
ROLES = ["caseworker", "reviewer"]
PROVINCE_USERS = 10
TIMEOUT_S = 30
TARGET_P95_MS, TARGET_RPS = 150.0, 100.0
#: pages whose p95 the target bounds (registration is measured and reported, not bounded by it)
LIST_PAGES = ("工作台", "档案列表", "档案列表下一页", "款项列表", "年度概览", "项目页")
YEAR = 2025
#: the day province.py's data stands at: the app is served on that day (bench/load_wsgi.py)
TODAY = "2025-06-25"


# --------------------------------------------------------------------------- the database
def _admin_url(server: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(server.replace("postgres://", "postgresql://", 1)).set(drivername="postgresql") \
        .render_as_string(hide_password=False)


@contextmanager
def province_database(server: str, files: int, payments: int, keep: bool):
    """(SQLAlchemy URL, keys, reused) of the province database, built unless a kept one is there."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"caseapp_load_f{files}_p{payments}_{_fingerprint()}"
    admin = _admin_url(server)
    url = make_url(server.replace("postgres://", "postgresql://", 1)).set(drivername="postgresql+psycopg",
                                                                           database=name)
    uri = url.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    keys = _kept_keys(url.set(drivername="postgresql").render_as_string(hide_password=False)) if exists else None
    if exists and keys is None:  # an interrupted build: start again
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    try:
        if keys is None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            keys = _build(uri, files, payments)
            print(f"built {name}", flush=True)
        else:
            print(f"reusing {name} (kept by an earlier --keep run)", flush=True)
        yield uri, keys
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"dropped {name}", flush=True)
        else:
            print(f"kept {name} for the next run (drop it with: DROP DATABASE \"{name}\")", flush=True)


def _fingerprint() -> str:
    """Of what the kept data depends on: the data builder and the schema's migrations."""
    import hashlib

    h = hashlib.sha1()
    for path in [ROOT / "bench" / "province.py", *sorted((ROOT / "migrations" / "versions").glob("*.py"))]:
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:8]


def _kept_keys(plain_url: str) -> dict | None:
    import psycopg

    try:
        with psycopg.connect(plain_url) as conn:
            rows = conn.execute("SELECT key, value FROM bench_load_meta").fetchall()
    except psycopg.Error:
        return None
    found = dict(rows)
    return found if found.get("complete") == "1" else None


def _app(uri: str, keys: dict):
    from caseapp import create_app

    return create_app("testing", SQLALCHEMY_DATABASE_URI=uri, SECRET_KEY=keys["SECRET_KEY"],
                      DATA_KEYS=[keys["CASEAPP_DATA_KEY"]], LOOKUP_KEY=keys["CASEAPP_LOOKUP_KEY"])


def _build(uri: str, files: int, payments: int) -> dict:
    """Schema, province data, users and the keys they were made with (recorded last: a complete build)."""
    from cryptography.fernet import Fernet
    from province import Scale, fill
    from sqlalchemy import text

    from caseapp.auth.services import create_user
    from caseapp.core import context
    from caseapp.core.db import db

    keys = {"SECRET_KEY": secrets.token_hex(16), "CASEAPP_DATA_KEY": Fernet.generate_key().decode(),
            "CASEAPP_LOOKUP_KEY": secrets.token_hex(16)}
    app = _app(uri, keys)
    scale = Scale(files=files, payments=payments)
    with app.app_context():
        db.create_all()
        context.set_principal(context.SYSTEM)
        fill(scale)
        db.session.commit()
        context.set_principal(context.OPERATOR)
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1"  # 110 users: hashing is not what is measured
        for c in range(1, scale.counties + 1):
            create_user(f"load_c{c}", "13" + str(c).zfill(4), ROLES, password=PASSWORD)
        for n in range(1, PROVINCE_USERS + 1):
            create_user(f"load_p{n}", "130000", ROLES, password=PASSWORD)
        db.session.execute(text("CREATE TABLE bench_load_meta (key text PRIMARY KEY, value text)"))
        for key, value in {**keys, "complete": "1"}.items():
            db.session.execute(text("INSERT INTO bench_load_meta VALUES (:k, :v)"), {"k": key, "v": value})
        db.session.commit()
        db.engine.dispose()
    import psycopg

    from sqlalchemy.engine import make_url

    # what autovacuum does to a table soon after a bulk load: the visibility map lets counts read indexes only
    plain = make_url(uri).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return keys


# --------------------------------------------------------------------------- the clients
class Browser:
    """A cookie-keeping HTTP client on the standard library (one connection per request, as sync workers do)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form: dict | None = None):
        """(status, text, seconds) of one request."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", errors="replace")
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return resp.status, text, elapsed

    def login(self, username: str) -> None:
        token = _field(self.request("GET", "/login")[1], "csrf_token")
        status, _t, _s = self.request("POST", "/login", {"csrf_token": token, "username": username,
                                                          "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login of {username} failed: {status}")


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"', page)
    return found.group(1) if found else ""


class Client(threading.Thread):
    """One user looping over the mix until the deadline, recording (page, level, seconds, ok)."""

    def __init__(self, port: int, username: str, level: str, project_id: int, persons: list[int], aid: str,
                 deadline: float, out: list):
        super().__init__(daemon=True)
        self.b, self.username, self.level = Browser(port), username, level
        self.project_id, self.persons, self.aid = project_id, persons, aid
        self.deadline, self.out = deadline, out
        self.rng = random.Random(username)

    def hit(self, page: str, method: str, path: str, form=None, expect=(200,)):
        try:
            status, text, seconds = self.b.request(method, path, form)
            ok = status in expect
        except (OSError, http.client.HTTPException):
            text, seconds, ok = "", float(TIMEOUT_S), False
        self.out.append((page, self.level, seconds, ok))
        return text

    def run(self) -> None:
        statuses = ["", "在档", "申请", "解困脱困", "退档"]
        while time.monotonic() < self.deadline:
            self.hit("工作台", "GET", "/home")
            status = self.rng.choice(statuses)
            listed = self.hit("档案列表", "GET", "/cases/" + (f"?status={urllib.parse.quote(status)}" if status else ""))
            nxt = re.search(r'href="([^"]*after=\d+[^"]*)">下一页', listed)
            if nxt:
                self.hit("档案列表下一页", "GET", nxt.group(1).replace("&amp;", "&"))
            self.hit("款项列表", "GET", "/payments/?status=" + urllib.parse.quote(self.rng.choice(["已发放", "登记"])))
            self.hit("年度概览", "GET", "/dashboard")
            self.hit("项目页", "GET", f"/projects/{self.project_id}")
            if not self.persons:
                continue
            form = self.hit("登记表单", "GET", "/payments/new")
            self.hit("登记", "POST", "/payments/new", {
                "csrf_token": _field(form, "csrf_token"), "idem_key": _field(form, "idem_key"),
                "project_id": self.project_id, "aid_type": self.aid, "person": "x",
                "person_id": self.persons.pop(), "amount": "100", "on": TODAY, "reason": "负载测试"},
                expect=(303,))


# --------------------------------------------------------------------------- the floor: the pages' SQL, bare
def floors(uri: str, keys: dict, users: dict, project_id: int, aid: str, person_id: int) -> dict:
    """{(page, level): median ms} of the SQL each page sends, run bare (writes rolled back)."""
    from sqlalchemy import event

    from caseapp.core.db import db

    _on_bench_day()
    app = _app(uri, keys)
    out = {}
    with app.app_context():
        engine = db.engine
        for level, username in users.items():
            client = app.test_client()
            client.post("/login", data={"username": username, "password": PASSWORD})
            listed = client.get("/cases/").get_data(as_text=True)
            nxt = re.search(r'href="([^"]*after=\d+[^"]*)">下一页', listed)
            pages = [("工作台", "GET", "/home", None), ("档案列表", "GET", "/cases/?status=在档", None),
                     ("档案列表下一页", "GET", nxt.group(1).replace("&amp;", "&") if nxt else "/cases/", None),
                     ("款项列表", "GET", "/payments/?status=已发放", None), ("年度概览", "GET", "/dashboard", None),
                     ("项目页", "GET", f"/projects/{project_id}", None), ("登记表单", "GET", "/payments/new", None),
                     ("登记", "POST", "/payments/new", {"project_id": project_id, "aid_type": aid, "person": "x",
                                                       "person_id": person_id, "amount": "100",
                                                       "on": TODAY, "reason": "负载测试（下限）"})]
            for page, method, path, form in pages:
                sql = []

                def grab(conn, cursor, statement, parameters, context, executemany):
                    if statement.lstrip()[:6].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE") \
                            or statement.lstrip().upper().startswith("WITH"):
                        sql.append((statement, parameters, executemany))

                event.listen(engine, "before_cursor_execute", grab)
                try:
                    if form is not None:  # the page's own transaction is undone afterwards: see _undo_floor
                        client.post(path, data=form)
                    else:
                        client.get(path)
                finally:
                    event.remove(engine, "before_cursor_execute", grab)
                if form is not None:  # undo the registration, so that its INSERTs can be replayed
                    _undo_floor(engine)
                out[(page, level)] = _bare_ms(engine, sql, label=(page, level))
        engine.dispose()
    return out


SLOWEST: list = []  #: (ms, page, level, statement) of the slowest statements, for --slowest


def _on_bench_day() -> None:
    """This process's app (the floor) on the same day as the served one."""
    import datetime as dt

    from caseapp.core import calendar

    if getattr(calendar.local_now, "bench", False):
        return
    real, day = calendar.local_now, dt.date.fromisoformat(TODAY)

    def bench_now(now=None):
        value = real(now)
        return value if now is not None else value.replace(year=day.year, month=day.month, day=day.day)

    bench_now.bench = True
    calendar.local_now = bench_now


def _bare_ms(engine, sql: list, runs: int = 5, label=("", "")) -> float:
    times, each = [], defaultdict(list)
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        for _ in range(runs):
            cur = raw.cursor()
            started = time.perf_counter()
            for n, (statement, params, many) in enumerate(sql):
                t = time.perf_counter()
                (cur.executemany if many else cur.execute)(statement, params)
                if cur.description:
                    cur.fetchall()
                each[n].append((time.perf_counter() - t) * 1000)
            times.append((time.perf_counter() - started) * 1000)
            raw.rollback()
    SLOWEST.extend((statistics.median(v), *label, sql[n][0]) for n, v in each.items())
    return statistics.median(times)


def _undo_floor(engine) -> None:
    from sqlalchemy import text

    with engine.begin() as conn:
        _remove_items(conn, "reason = '负载测试（下限）'")
        conn.execute(text("DELETE FROM idempotency_keys"))  # only the floor's registration made one so far


def _remove_items(conn, where: str) -> int:
    """Delete registered (never paid) items matching ``where``, their events and their share of the counters."""
    from sqlalchemy import text

    rows = conn.execute(text(f"SELECT id, project_id, person_id, aid_type_id, year, amount_fen FROM payment_items "
                             f"WHERE {where} AND status = '登记'")).all()
    for _id, project_id, person_id, aid_type_id, year, amount in rows:
        conn.execute(text("UPDATE budget_counters SET reserved_fen = reserved_fen - :a WHERE project_id = :p"),
                     {"a": amount, "p": project_id})
        conn.execute(text("UPDATE person_aid_counters SET used_fen = used_fen - :a WHERE person_id = :pe "
                          "AND aid_type_id = :t AND year = :y"),
                     {"a": amount, "pe": person_id, "t": aid_type_id, "y": year})
    ids = [r[0] for r in rows] or [0]
    conn.execute(text("DELETE FROM payment_events WHERE item_id = ANY(:ids)"), {"ids": ids})
    conn.execute(text("DELETE FROM payment_items WHERE id = ANY(:ids)"), {"ids": ids})
    return len(rows)


# --------------------------------------------------------------------------- gunicorn
def serve(uri: str, keys: dict, instance: str, workers: int):
    """gunicorn with ``workers`` sync workers on the production config; returns (process, port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, **keys, "DATABASE_URL": uri, "CASEAPP_INSTANCE": instance, "CASEAPP_ENV": "production",
           "CASEAPP_MAIL_OUTBOX": os.path.join(instance, "outbox"), "CASEAPP_BIND": f"127.0.0.1:{port}",
           "CASEAPP_WEB_WORKERS": str(workers), "CASEAPP_BENCH_TODAY": TODAY}
    # the production settings (deploy/gunicorn.conf.py: sync workers, access log), as README's 生产部署 runs them
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                             "bench.load_wsgi:app"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(instance, "gunicorn.log"), "w"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if Browser(port).request("GET", "/login")[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start: " + Path(instance, "gunicorn.log").read_text()[-2000:])


# --------------------------------------------------------------------------- the run
def _setup_run(uri: str, keys: dict, clients: int) -> tuple[str, list[tuple[str, str, int, list[int]]]]:
    """This run's aid type (general, uncapped) and each client's (username, level, project id, person ids)."""
    from sqlalchemy import text

    from caseapp.core.db import db

    app = _app(uri, keys)
    aid = f"负载测试{int(time.time())}"
    plan = []
    with app.app_context():
        db.session.execute(text("INSERT INTO aid_types (name, kind, is_active) VALUES (:n, 'general', true)"),
                           {"n": aid})
        counties = db.session.execute(text("SELECT count(*) FROM organisations WHERE parent_id = 1")).scalar()
        for i in range(clients):
            county = 1 + (i * 7) % counties
            level = "省级" if i % 2 else "县级"
            username = f"load_p{1 + (i // 2) % PROVINCE_USERS}" if level == "省级" else f"load_c{county}"
            project = db.session.execute(text("SELECT id FROM projects WHERE org_id = :o ORDER BY id LIMIT 1"),
                                         {"o": 1 + county}).scalar()
            persons = list(db.session.scalars(text(
                "SELECT id FROM persons WHERE org_id IN (SELECT id FROM organisations WHERE parent_id = :o) "
                "ORDER BY id LIMIT 400 OFFSET :skip"), {"o": 1 + county, "skip": 400 * (i // 2 % 10)}))
            plan.append((username, level, project, persons))
        db.session.commit()
        db.engine.dispose()
    return aid, plan


def _cleanup_run(uri: str, keys: dict, aid: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(uri)
    with engine.begin() as conn:
        aid_id = conn.execute(text("SELECT id FROM aid_types WHERE name = :n"), {"n": aid}).scalar()
        removed = _remove_items(conn, f"aid_type_id = {int(aid_id)}")
        conn.execute(text("DELETE FROM person_aid_counters WHERE aid_type_id = :t"), {"t": aid_id})
        conn.execute(text("DELETE FROM aid_caps WHERE aid_type_id = :t"), {"t": aid_id})
        conn.execute(text("DELETE FROM aid_types WHERE id = :t"), {"t": aid_id})
    engine.dispose()
    return removed


def _pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=300_000)
    ap.add_argument("--payments", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--keep", action="store_true", help="keep the database for the next run")
    ap.add_argument("--slowest", type=int, default=0, help="print the N slowest bare statements")
    args = ap.parse_args()
    server = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    os.environ.setdefault("CASEAPP_INSTANCE", tempfile.mkdtemp(prefix="caseapp-load-"))
    started = time.monotonic()
    with province_database(server, args.files, args.payments, args.keep) as (uri, keys), \
            tempfile.TemporaryDirectory() as instance:
        aid, plan = _setup_run(uri, keys, args.clients)
        try:
            county_user = next(u for u, level, _p, _ps in plan if level == "县级")
            province_user = next((u for u, level, _p, _ps in plan if level == "省级"), county_user)
            project, spare = plan[0][2], plan[0][3].pop()
            floor = floors(uri, keys, {"县级": county_user, "省级": province_user}, project, aid, spare)
            for ms, page, level, statement in sorted(SLOWEST, reverse=True)[:args.slowest]:
                print(f"{ms:8.1f} ms  {page} {level}: {' '.join(statement.split())[:300]}")
            proc, port = serve(uri, keys, instance, args.workers)
            try:
                results, clients = [], []
                for username, level, project_id, persons in plan:
                    c = Client(port, username, level, project_id, persons, aid, 0, results)
                    c.b.login(username)
                    clients.append(c)
                warm = [Client(port, u, lv, p, [], aid, time.monotonic() + 0.1, []) for u, lv, p, _ps in plan[:8]]
                for c in warm:  # every worker has imported and compiled what the pages need before the clock runs
                    c.start()
                for c in warm:
                    c.join(timeout=TIMEOUT_S * 8)
                t0 = time.monotonic()
                for c in clients:
                    c.deadline = t0 + args.seconds
                    c.start()
                for c in clients:
                    c.join(timeout=args.seconds + TIMEOUT_S + 5)
                elapsed = time.monotonic() - t0
            finally:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        finally:
            removed = _cleanup_run(uri, keys, aid)
    report(results, elapsed, floor, args, removed, time.monotonic() - started)


def report(results: list, elapsed: float, floor: dict, args, removed: int, total_s: float) -> None:
    by = defaultdict(list)
    for page, level, seconds, ok in results:
        by[(page, level)].append((seconds, ok))
    print(f"\n{args.clients} clients, {args.workers} gunicorn workers, {elapsed:.1f} s, "
          f"{args.files:,} files, {args.payments:,} items; load average {os.getloadavg()[0]:.2f}")
    print(f"{_pad('page', 16)}{_pad('user', 6)}{'n':>6}{'median':>9}{'p95':>9}{'p99':>9}{'req/s':>8}{'errors':>7}"
          f"{'bare SQL':>10}")
    worst, errors = 0.0, 0
    order = ["工作台", "档案列表", "档案列表下一页", "款项列表", "年度概览", "项目页", "登记表单", "登记"]
    for page in order:
        for level in ("县级", "省级"):
            rows = by.get((page, level))
            if not rows:
                continue
            ms = [s * 1000 for s, _ok in rows]
            bad = sum(1 for _s, ok in rows if not ok)
            errors += bad
            p95 = _pct(ms, 0.95)
            worst = max(worst, p95)
            mark = "" if page not in LIST_PAGES or p95 <= TARGET_P95_MS else "  MISSED"
            print(f"{_pad(page, 16)}{_pad(level, 6)}{len(ms):>6}{statistics.median(ms):>9.1f}{p95:>9.1f}{_pct(ms, 0.99):>9.1f}"
                  f"{len(ms) / elapsed:>8.1f}{bad:>7}{floor.get((page, level), float('nan')):>10.1f}{mark}")
    rps = len(results) / elapsed if elapsed else 0.0
    print(f"mix: {len(results)} requests, {rps:.1f} req/s (target ≥ {TARGET_RPS:.0f}), {errors} errors; "
          f"list pages and dashboard p95 target ≤ {TARGET_P95_MS:.0f} ms; {removed} registrations removed; "
          f"whole run {total_s:.0f} s")
    print(f"load: p95_ms_max={worst:.1f} errors={errors} rps={rps:.1f}")


if __name__ == "__main__":
    main()
