"""Payments benchmark on PostgreSQL: registration under every cap vs bare INSERTs; batch approve and pay.

Usage: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/payments.py [N] [--general-path]
A throw-away database is created on the server and dropped afterwards. Prints the figures. ``--general-path``
registers without the PostgreSQL single statement (``caseapp/payments/fastpath.py``): the figure that says
whether that second way of running the same pieces is worth keeping.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import throwaway_database  # noqa: E402
from sqlalchemy import event, func, insert, select, text  # noqa: E402

from caseapp import create_app  # noqa: E402
from caseapp.core import context  # noqa: E402
from caseapp.core.db import db, utcnow  # noqa: E402

BATCH = 10_000


def _seed(n: int):
    """An org, a project with room for everything, aid types with per-person caps, n people, an award."""
    from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient
    from caseapp.budgets.models import Project
    from caseapp.orgs.models import Organisation
    from caseapp.payments.models import AidCap
    from caseapp.payments.settings import aid_type_named, seed_aid_types
    from caseapp.persons.models import Person

    org = Organisation(code="BENCH", name="压测工会", level="county", path="")
    db.session.add(org)
    db.session.flush()
    org.path = f"/{org.id}/"
    project = Project(year=2025, code="BENCH", name="压测项目", org_id=org.id, budget_fen=2_000_000_000)
    db.session.add(project)
    seed_aid_types()
    for name in ("慰问", "表彰奖励"):
        db.session.add(AidCap(aid_type_id=aid_type_named(name).id, cap_fen=10**9))
    event = AwardEvent(project=project, org_id=org.id, name="压测表彰", held_on=date(2025, 4, 28))
    category = AwardCategory(name="先进劳模", kind="individual", max_count=100_000, amount_fen=100_000)
    event.categories.append(category)
    db.session.add(event)
    people = []
    for i in range(n):
        p = Person(org_id=org.id, name=f"职工{i}", sex="男", birth_date=date(1980, 1, 1))
        p.id_number, p.id_hash, p.id_masked = f"X{i}", f"h{i:060d}", "****"
        people.append(p)
    db.session.add_all(people)
    db.session.flush()
    recipients = [AwardRecipient(event_id=event.id, category_id=category.id, kind="individual", org_id=org.id,
                                 person_id=p.id, status="确定") for p in people[: n // 2]]
    db.session.add_all(recipients)
    db.session.commit()
    return project.id, [p.id for p in people[n // 2:]], [r.id for r in recipients]


BLOCK = 100


def _rows(project_id: int, person_ids: list[int], recipient_ids: list[int]) -> list[dict]:
    """The item rows register_payment writes for these people and recipients, column for column."""
    from caseapp.awards.models import AwardRecipient
    from caseapp.payments.models import AidType
    from caseapp.persons.models import Person

    aid = dict(db.session.execute(select(AidType.name, AidType.id)).all())
    names = dict(db.session.execute(select(Person.id, Person.name)).all())
    base = dict(org_id=1, project_id=project_id, year=2025, period="2025", status="登记", reason="", evidence="",
                registered_by_id=None, registered_by_name=context.OPERATOR.username, registered_on=date(2025, 6, 1))
    rows = [dict(base, aid_type_id=aid["慰问"], person_id=pid, award_recipient_id=None, award_event_id=None,
                 award_category_id=None, recipient_key=f"p{pid}", recipient_name=names[pid], amount_fen=10_000)
            for pid in person_ids]
    for r in db.session.scalars(select(AwardRecipient).where(AwardRecipient.id.in_(recipient_ids))
                                .order_by(AwardRecipient.id)):
        rows.append(dict(base, aid_type_id=aid["表彰奖励"], person_id=r.person_id, award_recipient_id=r.id,
                         award_event_id=r.event_id, award_category_id=r.category_id, recipient_key=f"p{r.person_id}",
                         recipient_name=names[r.person_id], amount_fen=100_000))
    return rows


def _registrations(project_id: int, person_ids: list[int], recipient_ids: list[int]) -> tuple[float, float, float]:
    """(service rate, bare rate) in items/s over the same rows, one commit per item on both sides, and the
    service's SQL statements per item (BEGIN, COMMIT and the pool's ping are not counted on either side).

    Blocks of BLOCK items alternate: bare INSERTs of the block's rows (timed), their deletion (not timed),
    then register_payment for the same people (timed), so both sides see the same load and table size.
    """
    from caseapp.budgets.models import Project
    from caseapp.payments.models import PaymentItem
    from caseapp.payments.services import register_payment

    calls = [("慰问", 10_000, {"person_id": pid}) for pid in person_ids]
    calls += [("表彰奖励", 100_000, {"recipient_id": rid}) for rid in sorted(recipient_ids)]
    rows, bare, service = _rows(project_id, person_ids, recipient_ids), 0.0, 0.0
    project = db.session.get(Project, project_id)
    sent = [0]

    def count(*_):
        sent[0] += 1
    cpu = [0.0, 0.0]  # this process's CPU seconds: bare, service (the rest of each side is waiting for the server)
    for start in range(0, len(rows), BLOCK):
        last = db.session.scalar(select(func.coalesce(func.max(PaymentItem.id), 0)))
        started, cpu_started = time.perf_counter(), time.process_time()
        for row in rows[start:start + BLOCK]:
            db.session.execute(insert(PaymentItem).values(**row, created_at=utcnow()))
            db.session.commit()
        bare += time.perf_counter() - started
        cpu[0] += time.process_time() - cpu_started
        db.session.execute(text("DELETE FROM payment_items WHERE id > :last"), {"last": last})
        db.session.commit()
        event.listen(db.engine, "before_cursor_execute", count)
        started, cpu_started = time.perf_counter(), time.process_time()
        for aid, amount, who in calls[start:start + BLOCK]:
            register_payment(project, aid, amount, on=date(2025, 6, 1), **who)
            db.session.commit()
        service += time.perf_counter() - started
        cpu[1] += time.process_time() - cpu_started
        event.remove(db.engine, "before_cursor_execute", count)
    print(f"每笔耗时：服务层 {service / len(rows) * 1000:.2f} ms（本进程 CPU {cpu[1] / len(rows) * 1000:.2f} ms，其余为等待数据库），"
          f"裸 INSERT {bare / len(rows) * 1000:.2f} ms（CPU {cpu[0] / len(rows) * 1000:.2f} ms）")
    return len(rows) / service, len(rows) / bare, sent[0] / len(rows)


#: rows already in the tables when anything is measured (a county's year so far), and the batch's per-person cap
BACKGROUND_PEOPLE, BACKGROUND_ITEMS, BATCH_CAP_FEN = 50_000, 200_000, 300_000


def _background() -> None:
    """A non-empty database: 50,000 more people and 200,000 paid items of three capped aid types (another
    project of the county) with their ledger entries and counters, spread over the year (setup, not measured)."""
    from caseapp.budgets.models import Project
    from caseapp.payments.models import AidCap, AidType

    project = Project(year=2025, code="BENCH-BG", name="压测背景项目", org_id=1, budget_fen=10**11)
    db.session.add(project)
    db.session.flush()
    project_id = project.id
    conn = db.session.connection()
    conn.execute(text("""
        INSERT INTO persons (org_id, name, id_number, id_hash, id_masked, sex, birth_date, ethnicity, work_unit,
                             created_at, updated_at)
        SELECT 1, '背景职工' || g, 'token', md5('bg' || g) || md5('bg2' || g), '1304**********' || lpad((g % 10000)::text, 4, '0'),
               '女', date '1970-01-01' + g % 9000, '汉族', '某某公司', now(), now()
        FROM generate_series(1, :n) g"""), {"n": BACKGROUND_PEOPLE})
    aid_ids = list(db.session.scalars(select(AidType.id).where(AidType.name.in_(("生活救助", "医疗救助", "助学")))
                                      .order_by(AidType.id)))
    for aid_id in aid_ids:
        db.session.merge(AidCap(aid_type_id=aid_id, cap_fen=BATCH_CAP_FEN))
    db.session.flush()
    conn.execute(text("""
        INSERT INTO payment_items (org_id, project_id, aid_type_id, person_id, recipient_key, recipient_name,
            amount_fen, year, period, reason, evidence, status, registered_by_name, registered_on, paid_on,
            bank_batch, created_at)
        SELECT 1, :p, (:aids)[1 + g % 3], pe.id, 'p' || pe.id, pe.name, 20000 + (g % 5) * 10000, 2025,
               '2025-' || (g / :people), '背景', '', '已发放', '经办人', date '2025-01-05' + g % 140,
               date '2025-01-12' + g % 140, 'BG' || (g % 50), now()
        FROM generate_series(0, :n - 1) g
        JOIN persons pe ON pe.name = '背景职工' || (1 + g % :people)"""),
                 {"p": project_id, "aids": aid_ids, "people": BACKGROUND_PEOPLE, "n": BACKGROUND_ITEMS})
    conn.execute(text("""
        INSERT INTO ledger_entries (item_id, project_id, person_id, aid_type_id, year, amount_fen, kind,
                                    entry_date, bank_batch, created_by_name, created_at)
        SELECT id, project_id, person_id, aid_type_id, year, amount_fen, '发放', paid_on, bank_batch, '财务', now()
        FROM payment_items WHERE reason = '背景'"""))
    conn.execute(text("""
        INSERT INTO person_aid_counters (person_id, aid_type_id, year, used_fen, cap_fen)
        SELECT person_id, aid_type_id, year, sum(amount_fen), :cap FROM payment_items WHERE reason = '背景'
        GROUP BY person_id, aid_type_id, year"""), {"cap": BATCH_CAP_FEN})
    conn.execute(text("""
        INSERT INTO budget_counters (project_id, reserved_fen, paid_fen, cap_fen)
        SELECT :p, 0, sum(amount_fen), (SELECT budget_fen FROM projects WHERE id = :p) FROM payment_items
        WHERE reason = '背景'
        ON CONFLICT (project_id) DO UPDATE SET paid_fen = budget_counters.paid_fen + excluded.paid_fen"""),
                 {"p": project_id})
    conn.execute(text("ANALYZE"))
    db.session.commit()


def _seed_batch(project_id: int) -> list[int]:
    """BATCH items 已审核 of BATCH different background people, 生活救助 (capped per person and year), each
    reserved on its person's counter and on the budget counter as registration leaves them (setup, not
    measured)."""
    from caseapp.payments.models import AidType, PaymentItem

    aid = db.session.scalar(select(AidType.id).where(AidType.name == "生活救助"))
    conn = db.session.connection()
    conn.execute(text("""
        INSERT INTO payment_items (org_id, project_id, aid_type_id, person_id, recipient_key, recipient_name,
            amount_fen, year, period, reason, evidence, status, registered_by_name, registered_on, created_at)
        SELECT 1, :p, :aid, pe.id, 'p' || pe.id, pe.name, 5000, 2025, 'B2025-06', '批量', '', '已审核', 'bench',
               date '2025-06-01', now()
        FROM persons pe WHERE pe.name LIKE '背景职工%' ORDER BY pe.id LIMIT :n"""),
                 {"p": project_id, "aid": aid, "n": BATCH})
    conn.execute(text("""
        INSERT INTO person_aid_counters (person_id, aid_type_id, year, used_fen, cap_fen)
        SELECT person_id, aid_type_id, year, amount_fen, :cap FROM payment_items WHERE reason = '批量'
        ON CONFLICT (person_id, aid_type_id, year) DO UPDATE SET used_fen = person_aid_counters.used_fen + excluded.used_fen"""),
                 {"cap": BATCH_CAP_FEN})
    conn.execute(text("UPDATE budget_counters SET reserved_fen = reserved_fen + :n WHERE project_id = :p"),
                 {"n": 5_000 * BATCH, "p": project_id})
    conn.execute(text("ANALYZE payment_items"))
    db.session.commit()
    return list(db.session.scalars(select(PaymentItem.id).where(PaymentItem.reason == "批量")))


def _timed(fn) -> float:
    """Seconds of ``fn`` and its commit; with --profile, its three slowest statements too."""
    slow, begun = [], {}

    def before(conn, cursor, statement, params, context, many):
        begun[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, params, context, many):
        slow.append((time.perf_counter() - begun.pop(id(cursor), time.perf_counter()), " ".join(statement.split())))

    profiling = "--profile" in sys.argv
    if profiling:
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
    started = time.perf_counter()
    fn()
    db.session.commit()
    took = time.perf_counter() - started
    if profiling:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
        for seconds, sql in sorted(slow, reverse=True)[:3]:
            print(f"    {seconds:6.2f} s  {sql[:200]}")
    return took


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 1000
    if "--general-path" in sys.argv:
        from caseapp.payments import fastpath

        fastpath.applies = lambda *_args: False
        print("（通用路径：不使用 PostgreSQL 单语句登记）")
    with throwaway_database() as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        app.instance_path = tempfile.mkdtemp()
        with app.app_context():
            db.create_all()
            context.set_principal(context.OPERATOR)
            _run(n)
            db.session.remove()
            db.engine.dispose()


def _run(n: int) -> None:
    from caseapp.payments import services
    from caseapp.payments.reports import reconcile

    project_id, person_ids, recipient_ids = _seed(n)
    _background()
    before = db.session.scalar(select(func.count()).select_from(text("payment_items")))
    print(f"已有：{BACKGROUND_PEOPLE:,} 人、{before:,} 笔款项（三种有每人每年上限的救助类型）及其台账与计数")
    if "--profile" in sys.argv:  # where a registration's time goes (the bare INSERTs are in the profile too)
        import cProfile
        import pstats

        prof = cProfile.Profile()
        service, bare, statements = prof.runcall(_registrations, project_id, person_ids, recipient_ids)
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    else:
        service, bare, statements = _registrations(project_id, person_ids, recipient_ids)
    print(f"登记（服务层，预算/名额/个人限额全部校验）：{service:,.0f} 笔/秒，裸 INSERT {bare:,.0f} 笔/秒（{n} 笔，每笔一次提交，单进程；"
          f"平均每笔 {statements:.2f} 条 SQL 语句，裸 INSERT 为 1 条）")
    print(f"登记（裸 INSERT 同样的行，每笔一次提交，与服务层按 {BLOCK} 笔交替测量）：{bare:,.0f} 笔/秒；"
          f"比值 {service / bare:.2f}（要求 ≥ 0.8，且 ≥ 300 笔/秒）{'' if service / bare >= 0.8 and service >= 300 else ' MISSED'}")
    print(f"负载：{os.getloadavg()[0]:.2f}（1 分钟平均）")
    ids = _seed_batch(project_id)
    t_approve = _timed(lambda: services.approve(ids, meeting_date=date(2025, 6, 2), minutes_no="压测纪要",
                                                attendees="甲、乙"))
    t_publicize = _timed(lambda: services.publicize(ids, date(2025, 6, 3), reason="基准测试：补录公示"))
    t_pay = _timed(lambda: services.pay(ids, on=date(2025, 7, 1), bank_batch="压测批次"))
    print(f"批量（{len(ids):,} 人各一笔生活救助，每人每年上限 ¥{BATCH_CAP_FEN // 100:,}，表中已有 {before:,} 笔）集体研究：{t_approve:.2f} 秒；公示：{t_publicize:.2f} 秒；发放：{t_pay:.2f} 秒（要求 < 10 秒）")
    paid = db.session.scalar(select(func.count()).select_from(text("ledger_entries")))
    print(f"台账条目 {paid:,}；对账差异 {len(reconcile(2025))} 处")


if __name__ == "__main__":
    main()
