"""Building the Chinese digest e-mail and handing it to SMTP or to the local outbox folder."""
from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from flask import current_app

from caseapp.core.calendar import format_date_zh
from caseapp.reminders.models import Reminder, ReminderDigest

#: the page a digest links to: the user's reminder list
WORK_LIST_PATH = "/reminders/"


def build_digest(digest: ReminderDigest, reminders: list[Reminder]) -> EmailMessage:
    """The digest as plain text and HTML; the subject names the day and the count, nothing personal."""
    cfg = current_app.config
    link = cfg.get("BASE_URL", "").rstrip("/") + WORK_LIST_PATH
    values = {"digest": digest, "reminders": reminders, "link": link, "day": format_date_zh(digest.day),
              "name": digest.user.display_name or digest.user.username}
    env = current_app.jinja_env
    msg = EmailMessage()
    msg["Subject"] = f"【工会帮扶管理】{format_date_zh(digest.day)}待办提醒（共{len(reminders)}项）"
    msg["From"] = cfg.get("SMTP_SENDER") or "caseapp@localhost"
    msg["To"] = digest.user.email
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id(digest, msg["From"])
    msg.set_content(env.get_template("reminders/digest_email.txt").render(values))
    msg.add_alternative(env.get_template("reminders/digest_email.html").render(values), subtype="html")
    return msg


def message_id(digest: ReminderDigest, sender: str) -> str:
    """One Message-ID per digest, the same on every attempt: a resent digest is recognisable as the same mail."""
    domain = sender.rpartition("@")[2].strip("> ") or "caseapp.local"
    return f"<reminder.{digest.day:%Y%m%d}.digest{digest.id}@{domain}>"


def deliver(msg: EmailMessage, digest_id: int) -> None:
    """Send by SMTP when SMTP_HOST is set; otherwise write an .eml file into MAIL_OUTBOX_DIR."""
    cfg = current_app.config
    if cfg.get("SMTP_HOST"):
        _send_smtp(msg, cfg)
    else:
        _write_eml(msg, digest_id, cfg.get("MAIL_OUTBOX_DIR") or os.path.join(current_app.instance_path, "outbox"))


def _send_smtp(msg: EmailMessage, cfg) -> None:
    with smtplib.SMTP(cfg["SMTP_HOST"], int(cfg.get("SMTP_PORT") or 25), timeout=30) as smtp:
        if cfg.get("SMTP_STARTTLS"):
            smtp.starttls()
        if cfg.get("SMTP_USER"):
            smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD") or "")
        smtp.send_message(msg)


def _write_eml(msg: EmailMessage, digest_id: int, folder: str) -> None:
    """Write atomically; a retried digest overwrites its own file rather than adding a second one."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    target = path / f"digest-{digest_id}.eml"
    partial = path / f".digest-{digest_id}.eml.part"
    partial.write_bytes(bytes(msg))
    os.replace(partial, target)
