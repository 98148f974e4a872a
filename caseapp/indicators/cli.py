"""``caseapp indicators rollup``"""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from caseapp.core.calendar import local_today
from caseapp.core.cli import emit_json, operator_command, say
from caseapp.indicators.rollup import run_rollup

indicators_cli = AppGroup("indicators", help="绩效指标完成值")


@indicators_cli.command("rollup", help="计算全部绩效指标的完成值并保存当日快照")
@click.option("--year", type=int, help="年度（默认今年）")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="统计截止日（默认今天）")
@click.option("--json", "as_json", is_flag=True)
@operator_command()
def rollup_cmd(year: int | None, as_of, as_json: bool) -> None:
    """Compute every indicator's 完成值 for the year and store a dated snapshot."""
    day = as_of.date() if as_of else local_today()
    year = year or day.year
    run, rows = run_rollup(year, min(day, date(year, 12, 31)))
    if as_json:
        emit_json({"year": year, "as_of": run.as_of.isoformat(), "indicators": [r.as_json() for r in rows]})
        return
    for r in rows:
        mark = {True: "达成", False: "未达成", None: "待定"}[r.achieved]
        click.echo(f"{r.project_code}  {r.indicator.level3}：目标 {r.indicator.target_text}，完成 {r.value.text}（{mark}）")
    say(f"已计算 {len(rows)} 项指标（截至 {run.as_of.isoformat()}）")


COMMANDS = [indicators_cli]
