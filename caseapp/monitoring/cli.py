"""``caseapp monitoring export``."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from caseapp.core.cli import operator_command, say
from caseapp.monitoring import services

monitoring_cli = AppGroup("monitoring", help="绩效运行监控")


@monitoring_cli.command("export", help="导出1–N月项目支出绩效运行监控表（每个项目一张工作表）")
@click.option("--year", type=int, required=True, help="年度")
@click.option("--month", type=click.IntRange(1, 12), default=7, show_default=True, help="截至月份（1–N月）")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@operator_command(write=False)
def export_cmd(year: int, month: int, out: str) -> None:
    """Write every project's monitoring table for 1–``month``月 to ``out`` (.xlsx)."""
    from caseapp.monitoring import exports  # with openpyxl: only when exporting

    monitors = services.year_monitoring(year, month)
    with open(out, "wb") as handle:
        handle.write(exports.workbook(monitors))
    say(f"已导出 {out}（{len(monitors)} 个项目，1–{month}月）")


COMMANDS = [monitoring_cli]
