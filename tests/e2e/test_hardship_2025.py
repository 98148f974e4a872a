"""Acceptance: 2025 hardship aid through the pages, the indicator roll-up, the deadlines and the reminders.

39 困难职工 get 在档 files, are paid 生活救助 before 春节 (2025-01-28) through the whole workflow; the roll-up
reports 救助人数 39人 achieved on the CLI and the project page; the deadlines page lists the document's dates;
the scan's reminders reach a real SMTP server once each (issues 4 and 5).
"""
import json
import re
from datetime import date
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from caseapp.budgets.models import Project
from caseapp.core.db import db
from tests.e2e.browser import (AID, Browser, checkbox_ids, confirm_rules, import_seed, person_id_number,
                               seed_aid_types)
from tests.conftest import on_day
from tests.jobs.committed import free_port

PEOPLE = 39


class Sink:
    """Collects what the SMTP server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(app, monkeypatch):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
    monkeypatch.setitem(app.config, "BASE_URL", "https://gonghui.example.test")
    yield sink
    controller.stop()


def _open_files(caseworker: Browser, reviewer: Browser) -> list[int]:
    """The caseworker files 39 applications (dated December 2024); the reviewer puts them 在档 on 2 January."""
    file_ids = []
    for n in range(PEOPLE):
        resp = caseworker.post("/cases/new", {
            "name": f"困难职工{n}", "id_number": person_id_number(500 + n), "sex": "男", "org_code": "711101",
            "phone": "13812345678", "bank_name": "魏县农村信用社", "bank_account": f"6217{n:015d}",
            "account_holder": f"困难职工{n}", "family_size": "3", "family_income_fen": "1500", "main_cause": "因病", "category": "深度困难",
            "applied_on": "2024-12-10"})
        assert resp.status_code == 302, re.findall(r"error\">([^<]*)<|flash[^>]*>([^<]*)<", resp.get_data(as_text=True))
        file_ids.append(int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    for file_id in file_ids:
        assert reviewer.post(f"/cases/{file_id}/status", {"to_status": "在档", "on": "2025-01-02"}).status_code == 302
    listed = reviewer.page("/cases/?status=在档")
    assert f"共 {PEOPLE} 条" in listed or listed.count("困难职工") >= PEOPLE
    return file_ids


def _pay_before_spring_festival(caseworker, reviewer, leader, finance) -> list[int]:
    page = caseworker.page("/payments/batch-new?source=files")
    people = checkbox_ids(page)
    assert len(people) == PEOPLE and person_id_number(500) not in page
    project_id = re.search(r'<option value="(\d+)">2025 ' + AID, page).group(1)
    resp = caseworker.post("/payments/batch-new", {
        "source": "files", "project_id": project_id, "aid_type": "生活救助", "amount": "12,000",
        "on": "2025-01-06", "reason": "2025年春节前生活救助", "ids": people, "idem_key": "spring"})
    assert resp.status_code == 303, re.findall(r"<h1>([^<]*)<", resp.get_data(as_text=True))
    items = checkbox_ids(reviewer.page("/payments/?status=登记"))
    assert len(items) == PEOPLE
    steps = ((reviewer, date(2025, 1, 7), {"action": "review"}),
             (leader, date(2025, 1, 8), {"action": "approve", "meeting_date": "2025-01-08",
                                         "minutes_no": "县工会〔2025〕1号", "attendees": "主席、副主席"}),
             (leader, date(2025, 1, 9), {"action": "publicize", "start_date": "2025-01-09"}),
             (finance, date(2025, 1, 20), {"action": "pay", "date": "2025-01-20", "batch": "NX20250120",
                                           "confirmed": "1"}))
    for n, (who, day, data) in enumerate(steps):
        with on_day(day):  # each step recorded on its day: the money steps check their dates against today
            resp = who.post("/payments/actions", {"ids": items, "idem_key": f"step{n}", **data})
        assert resp.status_code == 303, re.findall(r"<h1>([^<]*)<", resp.get_data(as_text=True))
    paid = finance.page("/payments/?status=已发放")
    assert f"共 {PEOPLE} 条" in paid and "2025年1月9日至2025年1月15日" in paid and "2025年1月20日 NX20250120" in paid
    return items


def _rollup(app) -> dict:
    result = app.test_cli_runner().invoke(args=["indicators", "rollup", "--year", "2025", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["indicators"]
    return {r["level3"]: r for r in rows if r["project_code"] == AID}


def _deadlines_page(admin: Browser) -> None:
    page = admin.page("/deadlines/?year=2025")
    for text in ("2025年1月29日", "春节", "2025年6月30日", "6月底", "2025年3月31日", "2025年10月31日",
                 "2025年12月31日"):
        assert text in page, text


def _scan_and_send(app) -> tuple[dict, dict]:
    runner = app.test_cli_runner()
    scan = runner.invoke(args=["deadlines", "scan", "--today", "2025-06-23", "--json"])
    assert scan.exit_code == 0, scan.output
    send = runner.invoke(args=["reminders", "send", "--json"])
    assert send.exit_code == 0, send.output
    return json.loads(scan.stdout), json.loads(send.stdout)


def test_hardship_2025_paid_before_spring_festival_rolled_up_and_reminded(app, staff, smtp):
    staff.caseworker.email = "jingban@example.test"
    db.session.flush()
    admin, caseworker = Browser(app, staff.admin), Browser(app, staff.caseworker)
    reviewer, leader, finance = Browser(app, staff.reviewer), Browser(app, staff.leader), Browser(app, staff.finance)
    import_seed(admin)
    confirm_rules(admin)
    seed_aid_types(admin)
    _open_files(caseworker, reviewer)
    _pay_before_spring_festival(caseworker, reviewer, leader, finance)

    got = _rollup(app)
    assert got["救助人数"]["actual_value"] in (39, "39", 39.0) and got["救助人数"]["achieved"] is True
    assert got["救助率"]["achieved"] is True
    project_id = db.session.scalar(select(Project.id).where(Project.code == AID, Project.year == 2025))
    project_page = admin.page(f"/projects/{project_id}")
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*救助人数(?:(?!</tr>).)*</tr>", project_page, flags=re.S).group(0)
    assert "39人" in row and "达成" in row and "未达成" not in row
    assert "¥468,000.00" in project_page

    _deadlines_page(admin)
    scan, sent = _scan_and_send(app)
    assert scan["queued"] > 0 and scan["findings"]
    assert sent["sent"] >= 1 and sent["failed"] == 0
    assert len(smtp.messages) == sent["sent"]
    recipients = [m["To"] for m in smtp.messages]
    assert len(recipients) == len(set(recipients))  # one digest per person
    assert "jingban@example.test" in recipients
    digest = next(m for m in smtp.messages if m["To"] == "jingban@example.test")
    text = digest.get_body(("plain",)).get_content()
    assert "https://gonghui.example.test/reminders/" in text and "6月30日" in text
    assert not any(person_id_number(500 + n) in text for n in range(PEOPLE))
    again_scan, again_sent = _scan_and_send(app)
    assert again_scan["queued"] == 0 and again_sent == {"status": "ok", "sent": 0, "failed": 0}
    assert len(smtp.messages) == sent["sent"]
