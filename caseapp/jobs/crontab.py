"""When a celery crontab fires, computed minute by minute in the configured zone (no Celery machinery)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

ONE_MINUTE = timedelta(minutes=1)


def next_fire(cron, after: datetime, tz: ZoneInfo) -> datetime:
    """The first minute strictly after ``after`` (aware) that ``cron`` (a celery crontab) matches, in UTC."""
    local = after.astimezone(tz).replace(second=0, microsecond=0) + ONE_MINUTE
    for _ in range(8 * 24 * 60):  # a week and a day covers every daily or weekly crontab
        if _matches(cron, local):
            return local.astimezone(ZoneInfo("UTC"))
        local += ONE_MINUTE
    raise ValueError("crontab never fires within eight days")


def previous_fire(cron, before: datetime, tz: ZoneInfo, within: timedelta = timedelta(days=1)) -> datetime | None:
    """The last minute at or before ``before`` that ``cron`` matches, looking back at most ``within``; UTC."""
    local = before.astimezone(tz).replace(second=0, microsecond=0)
    for _ in range(int(within.total_seconds() // 60) + 1):
        if _matches(cron, local):
            return local.astimezone(ZoneInfo("UTC"))
        local -= ONE_MINUTE
    return None


def _matches(cron, local: datetime) -> bool:
    return (local.minute in cron.minute and local.hour in cron.hour and local.day in cron.day_of_month
            and local.month in cron.month_of_year and local.isoweekday() % 7 in cron.day_of_week)
