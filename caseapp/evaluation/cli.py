"""``caseapp evaluation score`` and ``caseapp evaluation export``."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from caseapp.core.cli import emit_json, operator_command, say
from caseapp.evaluation import department, services
from caseapp.evaluation.settings import acting_org_id

evaluation_cli = AppGroup("evaluation", help="绩效自评：评分与导出自评表")


@evaluation_cli.command("score", help="按项目自身数据计算绩效自评得分（已提交的按冻结结果）")
@click.option("--year", type=int, required=True, help="年度")
@click.option("--project", "code", help="只计算这个项目编码")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="完成值统计截止日（默认各自评的设定，未开始的为年末或今天）")
@click.option("--json", "as_json", is_flag=True)
@operator_command(write=False)
def score_cmd(year: int, code: str | None, as_of, as_json: bool) -> None:
    """Score every project of the year (or one) and print the results."""
    results = services.year_results(year, code, as_of.date() if as_of else None)
    if as_json:
        emit_json({"projects": [r.as_json() for r in results]})
        return
    for r in results:
        rate = f"{r.execution.rate}%" if r.execution.rate is not None else "—"
        click.echo(f"{r.code}  {r.name}：执行率 {rate}，总分 {r.total}，等级 {r.grade}（{r.status or '未开始'}）")
        for i in r.deviations:
            click.echo(f"    偏差：{i.level3} 目标 {i.target_text}，完成 {i.actual_text}，得分 {i.score}/{i.weight}")
    say(f"已计算 {len(results)} 个项目")


@evaluation_cli.command("export", help="导出项目支出绩效自评表（不指定项目时每个项目一张工作表）或部门整体支出绩效自评表")
@click.option("--year", type=int, required=True, help="年度")
@click.option("--project", "code", help="只导出这个项目编码")
@click.option("--department", "whole", is_flag=True, help="导出部门整体支出绩效自评表")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "docx"]), default="xlsx", show_default=True)
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@operator_command(write=False)
def export_cmd(year: int, code: str | None, whole: bool, fmt: str, out: str) -> None:
    """Write the 自评表 of the year's projects (or one, or the department) to ``out``."""
    from caseapp.evaluation import exports  # with openpyxl and python-docx: only when exporting

    if whole:
        data = exports.department_file(department.department_result(acting_org_id(), year), fmt)
    else:
        data = exports.projects_file(services.year_results(year, code), fmt)
    with open(out, "wb") as handle:
        handle.write(data)
    say(f"已导出 {out}")


COMMANDS = [evaluation_cli]
