"""Jinja filters and globals: Chinese dates, yuan amounts, masked personal data."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from caseapp.auth.roles import ROLES


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


def register(app: Flask) -> None:
    app.jinja_env.filters.update(date_zh=date_zh, datetime_zh=datetime_zh, yuan=yuan)
    app.jinja_env.globals.update(ROLE_LABELS=ROLES, today=date.today, nav_items=nav_items)


#: (endpoint, label, roles allowed or None for everyone); areas append their pages here
NAV: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("budgets.dashboard", "年度概览", None),
    ("budgets.import_upload", "导入绩效目标", ("admin",)),
    ("budgets.check", "一致性检查", None),
    ("orgs.index", "组织", None),
    ("auth.users", "用户", ("admin", "auditor")),
    ("audit.index", "审计日志", ("admin", "auditor")),
]


def nav_items() -> list[tuple[str, str]]:
    """Navigation entries the current user may open."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return []
    return [(e, label) for e, label, roles in NAV
            if (roles is None or current_user.has_role(*roles)) and e in current_app.view_functions]
