"""``caseapp indicators rollup``"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from caseapp.core.cli import emit_json, say
from caseapp.jobs.cli import run_recorded

indicators_cli = AppGroup("indicators", help="绩效指标完成值")


@indicators_cli.command("rollup", help="计算全部绩效指标的完成值并保存当日快照；与定时运行一样加锁并记录")
@click.option("--year", type=int, help="年度（默认今年）")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="统计截止日（默认今天）")
@click.option("--json", "as_json", is_flag=True)
def rollup_cmd(year: int | None, as_of, as_json: bool) -> None:
    """Compute every indicator's 完成值 for the year and store a dated snapshot, as the job
    ``indicators.rollup`` (locked, recorded)."""
    result = run_recorded("indicators.rollup", year=year, as_of=as_of.date().isoformat() if as_of else None)
    rows = result["indicators"]
    if as_json:
        emit_json({"year": result["year"], "as_of": result["as_of"], "indicators": rows})
        return
    for r in rows:
        mark = {True: "达成", False: "未达成", None: "待定"}[r["achieved"]]
        click.echo(f"{r['project_code']}  {r['level3']}：目标 {r['target_text']}，完成 {r['actual_text']}（{mark}）")
    say(f"已计算 {len(rows)} 项指标（截至 {result['as_of']}）")


COMMANDS = [indicators_cli]
