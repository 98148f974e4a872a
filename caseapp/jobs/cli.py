"""``caseapp jobs …``"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from caseapp.core.cli import emit_json, say
from caseapp.jobs.registry import job_names
from caseapp.jobs.runner import run_job

jobs_cli = AppGroup("jobs", help="后台任务")


@jobs_cli.command("run", help="立即运行一个定时任务（加锁，记录与定时运行相同）")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def run_cmd(name: str, as_json: bool) -> None:
    """Run one job now, under its lock, recorded like a scheduled run (e.g. deadlines.scan)."""
    if name not in job_names():
        raise click.BadParameter("未知任务，可选：" + "、".join(job_names()), param_hint="NAME")
    result = run_job(name, runner="cli")
    if as_json:
        emit_json(result)
    labels = {"ok": "完成", "skipped_locked": "已有同一任务在运行，本次跳过"}
    say(f"任务 {name}：{labels.get(result['status'], result['status'])}")


COMMANDS = [jobs_cli]
