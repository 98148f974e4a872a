"""The local date and time of the deployment (Asia/Shanghai unless configured otherwise)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from caseapp.core.db import utcnow


def local_zone() -> ZoneInfo:
    """The configured zone for schedules and dates shown to people."""
    return ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Shanghai"))


def local_today(now: datetime | None = None) -> date:
    """Today in the local zone: at 00:30 in Shanghai it is already tomorrow in UTC terms' eyes."""
    return (now or utcnow()).astimezone(local_zone()).date()
