"""The WSGI app of bench/load.py: caseapp on the day the bench data stands at (CASEAPP_BENCH_TODAY).

province.py's data is the first half of 2025 as of 25 June (items in process, 6月30日 deadlines ahead); served on
today's real date the desk would show a year with no deadlines and no work. Only ``local_now`` (the one clock
of the app: ``local_today`` reads it) is moved to that day, keeping the time of day.
"""
import datetime as dt
import os

from caseapp.core import calendar

_real_now = calendar.local_now
_DAY = dt.date.fromisoformat(os.environ.get("CASEAPP_BENCH_TODAY", "2025-06-25"))


def _bench_now(now=None):
    real = _real_now(now)
    return real if now is not None else real.replace(year=_DAY.year, month=_DAY.month, day=_DAY.day)


calendar.local_now = _bench_now

from wsgi import app  # noqa: E402,F401  (gc.freeze() included)
