"""``caseapp deadlines …``"""
from __future__ import annotations

import datetime as dt
import sys

import click
from flask.cli import AppGroup

from caseapp.core.cli import emit_json, operator_command, say
from caseapp.jobs.cli import run_recorded
from caseapp.deadlines import services
from caseapp.deadlines.sources import deadlines_for_year
from caseapp.core.calendar import local_today

deadlines_cli = AppGroup("deadlines", help="截止日期：列表与检查")


@deadlines_cli.command("list", help="列出某年度的全部截止日期（date 为文字所指的日子，last_day 为仍算按期的最后一天）")
@click.option("--year", type=int, help="财政年度（默认今年）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@operator_command(write=False)
def list_cmd(year: int | None, as_json: bool) -> None:
    """List a year's deadlines resolved to dates: date is the named day, last_day the last day on time."""
    year = year or local_today().year
    cal = services.load_calendar()
    deadlines = deadlines_for_year(year, cal)
    if as_json:
        emit_json({"year": year, "provisional_note": services.provisional_note(year, cal),
                   "deadlines": [d.as_json() for d in deadlines]})
        return
    note = services.provisional_note(year, cal)
    if note:
        say(note)
    for d in deadlines:
        click.echo(f"{d.resolved.last_day.isoformat()}  {d.project_code or '-':24}  {d.subject}  "
                   f"（{d.resolved.explanation_zh}）")


@deadlines_cli.command("scan", help="立即检查截止日期、未发放款项、公示期、支出进度和年度复核，并生成提醒（不重复）；"
                                     "与定时运行一样加锁并记录")
@click.option("--today", "today_text", help="按此日期检查（YYYY-MM-DD，默认今天）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def scan_cmd(today_text: str | None, as_json: bool) -> None:
    """Run the daily scan now, as the job ``deadlines.scan`` (locked, recorded); a rerun queues nothing twice."""
    try:
        today = dt.date.fromisoformat(today_text).isoformat() if today_text else None
    except ValueError:
        say("错误：日期格式应为 YYYY-MM-DD")
        sys.exit(1)
    result = run_recorded("deadlines.scan", today=today)
    if as_json:
        emit_json(result)
    say(f"检查完成：{len(result['findings'])}项发现，新增{result['queued']}条提醒")


COMMANDS = [deadlines_cli]
