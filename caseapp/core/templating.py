"""Jinja filters and globals: Chinese dates, yuan amounts, masked personal data."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from caseapp.auth.roles import ROLES
from caseapp.core.calendar import local_today


def date_zh(value) -> str:
    """2025年6月30日."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return f"{value.year}年{value.month}月{value.day}日"


def local_time(value: datetime) -> datetime:
    """Convert a UTC datetime to the configured local zone (Asia/Shanghai by default)."""
    return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def datetime_zh(value: datetime | None) -> str:
    if value is None:
        return ""
    local = local_time(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def yuan(fen: int | None) -> str:
    """¥1,000.00 from integer 分."""
    if fen is None:
        return ""
    from caseapp.core.money import format_yuan

    return format_yuan(int(fen))


def who(value) -> str:
    """The person who acted, by name: a row with ``actor_id``/``actor_name`` (audit, payment and evaluation
    histories) or a username; 姓名 when the user has one, else what was recorded (命令行操作员, 系统任务)."""
    from flask import g
    from sqlalchemy import select

    from caseapp.auth.models import User
    from caseapp.core.db import db

    actor_id = getattr(value, "actor_id", None)
    recorded = getattr(value, "actor_name", value if isinstance(value, str) else "") or ""
    names = g.setdefault("_actor_names", {})
    key = ("id", actor_id) if actor_id else ("name", recorded)
    if key not in names:
        column = User.id if actor_id else User.username
        row = db.session.execute(select(User.display_name, User.username)
                                 .where(column == (actor_id or recorded))).first()
        names[key] = (row[0] or row[1]) if row else recorded
    return names[key]


def register(app: Flask) -> None:
    from caseapp.audit import words

    app.jinja_env.filters.update(date_zh=date_zh, datetime_zh=datetime_zh, yuan=yuan, who=who)
    app.jinja_env.globals.update(action_label=words.action_label, audit_changes=words.changes)
    app.jinja_env.globals.update(ROLE_LABELS=ROLES, today=local_today, nav_items=nav_items, nav_groups=nav_groups,
                                  PRODUCT=PRODUCT, PRODUCT_SHORT=PRODUCT_SHORT)


#: the product's Chinese name (the command and the package stay ``caseapp``)
PRODUCT = "工会帮扶救助与表彰管理系统"
PRODUCT_SHORT = "帮扶管理系统"
#: (endpoint, label, roles allowed or None for everyone); areas append their pages here
NAV: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("budgets.dashboard", "年度概览", None),
    ("budgets.import_upload", "导入绩效目标", ("admin",)),
    ("budgets.check", "一致性检查", None),
    ("orgs.index", "组织", None),
    ("auth.users", "用户", ("admin", "auditor")),
    ("audit.index", "审计日志", ("admin", "auditor")),
]


#: the menu's groups, in order
NAV_GROUPS = ("业务办理", "预算与绩效", "名册与报表", "系统管理")
_WORK = ("caseworker", "reviewer", "leader", "finance", "admin", "auditor")
#: where each page sits in the menu and, beyond the roles its area declared, who needs it there
NAV_PLACES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "persons.index": ("业务办理", ("caseworker", "reviewer", "finance", "admin", "auditor")),
    "cases.index": ("业务办理", ("caseworker", "reviewer", "leader", "admin", "auditor")),
    "modelworkers.index": ("业务办理", ("caseworker", "reviewer", "leader", "admin", "auditor")),
    "awards.index": ("业务办理", _WORK),
    "payments.index": ("业务办理", _WORK),
    "surveys.index": ("业务办理", ("surveyor", "caseworker", "reviewer", "leader", "admin", "auditor")),
    "reminders.index": ("业务办理", None),
    "budgets.dashboard": ("预算与绩效", None),
    "charts.index": ("预算与绩效", _WORK),
    "deadlines.index": ("预算与绩效", None),
    "evaluation.index": ("预算与绩效", _WORK),
    "monitoring.index": ("预算与绩效", _WORK),
    "budgets.check": ("预算与绩效", ("admin", "finance", "leader", "auditor")),
    "budgets.rules": ("预算与绩效", ("admin", "auditor")),
    "budgets.import_upload": ("预算与绩效", ("admin",)),
    "rosters.index": ("名册与报表", ("caseworker", "finance", "admin", "auditor")),
    "audit.index": ("名册与报表", ("admin", "auditor")),
    "orgs.index": ("系统管理", ("admin", "auditor")),
    "auth.users": ("系统管理", ("admin", "auditor")),
    "jobs.index": ("系统管理", ("admin",)),
    "deadlines.holidays": ("系统管理", ("admin",)),
    "cases.thresholds": ("系统管理", ("admin", "auditor")),
}


def nav_items() -> list[tuple[str, str]]:
    """Navigation entries the current user may open, in menu order."""
    return [item for _group, items in nav_groups() for item in items]


def nav_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The menu: (group, [(endpoint, label)]) for the groups holding a page the current user may open."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return []
    grouped: dict[str, list[tuple[str, str]]] = {g: [] for g in NAV_GROUPS}
    order = {e: n for n, e in enumerate(NAV_PLACES)}
    for endpoint, label, roles in sorted(NAV, key=lambda entry: order.get(entry[0], len(order))):
        group, needed = NAV_PLACES.get(endpoint, (NAV_GROUPS[0], None))
        allowed = all(r is None or current_user.has_role(*r) for r in (roles, needed))
        if allowed and endpoint in current_app.view_functions:
            grouped[group].append((endpoint, label))
    return [(g, items) for g, items in grouped.items() if items]
