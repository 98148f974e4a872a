"""``caseapp jobs …``"""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from caseapp.core import context
from caseapp.core.cli import emit_json, say
from caseapp.core.errors import DomainError
from caseapp.core.uow import unit_of_work
from caseapp.jobs import services
from caseapp.jobs.registry import job_names, schedule
from caseapp.jobs.runner import run_job

jobs_cli = AppGroup("jobs", help="后台任务")
#: exit status when another run of the same job holds its lock
EXIT_LOCKED = 3


def run_recorded(name: str, **kwargs) -> dict:
    """Run job ``name`` from the command line exactly as the scheduler would (lock, run record); a refusal is its
    Chinese message and exit 1, a held lock exit 3."""
    try:
        result = run_job(name, runner="cli", **kwargs)
    except DomainError as exc:
        say(f"错误：{exc.message}")
        sys.exit(1)
    if result["status"] == "skipped_locked":
        say(f"任务 {name} 正在别处运行（已加锁），本次未运行")
        sys.exit(EXIT_LOCKED)
    return result


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
    labels = {"ok": "完成", "partial": "部分失败", "skipped_locked": "已有同一任务在运行，本次跳过"}
    say(f"任务 {name}：{labels.get(result['status'], result['status'])}")


@jobs_cli.command("status", help="各任务最近一次运行、锁、队列长度、工作进程和调度进程是否在线")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.option("--ping-timeout", default=1.0, show_default=True, help="等待工作进程应答的秒数")
def status_cmd(as_json: bool, ping_timeout: float) -> None:
    """Last run per job, lock holders, queue length, worker ping, live beats, heartbeat; exit 1 on trouble."""
    with unit_of_work(context.OPERATOR, write=False):
        data = services.snapshot(list(schedule()), ping_timeout)
    if as_json:
        emit_json(data)
    else:
        for job in data["jobs"]:
            last = job["last"]
            say(f"{job['name']:24} {last['status_label'] + ' ' + last['started_at'] if last else '从未运行'}")
        say(f"队列：{data['queue_length']}　工作进程：{data['workers']}　调度进程：{data['beats']}　锁：{data['locks']}")
    sys.exit(1 if trouble(data) else 0)


def trouble(data: dict) -> list[str]:
    """What in a status snapshot needs an operator (empty when all is well)."""
    found = [f"{j['name']}：{j['last']['status_label']}" for j in data["jobs"]
             if j["last"] and j["last"]["status"] in services.TROUBLE]
    if data["heartbeat"]["stale"]:
        found.append("调度心跳超时")
    if data["workers"] == []:
        found.append("没有工作进程应答")
    if data["beats"] and len(data["beats"]) > 1:
        found.append("多个调度进程同时运行")
    return found


COMMANDS = [jobs_cli]
