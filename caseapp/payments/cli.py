"""``caseapp payments …``: reconciliation (nightly), aid-type seeding, budget caps."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from caseapp.core import audit
from caseapp.core.calendar import local_today
from caseapp.core.cli import emit_json, operator_command, say
from caseapp.core.money import format_yuan
from caseapp.payments import caps, reports, services, settings

payments_cli = AppGroup("payments", help="款项发放：对账、帮扶类型、预算上限")


@payments_cli.command("reconcile", help="对账：计数器与款项、台账逐一核对，有差异时退出码为 2")
@click.option("--year", type=int, default=lambda: local_today().year, help="年度（默认今年）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@operator_command(write=False)
def reconcile_cmd(year: int, as_json: bool) -> None:
    """Compare the counters with the items and the ledger; exit 2 when they differ."""
    diffs = reports.reconcile(year)
    if as_json:
        emit_json({"year": year, "ok": not diffs, "differences": [d.as_dict() for d in diffs]})
    for d in diffs:
        say(f"不一致：{d.what} {d.key} 计数 {d.counter}，实际 {d.actual}")
    say(f"{year} 年对账{'一致' if not diffs else f'发现 {len(diffs)} 处不一致'}")
    if diffs:
        sys.exit(2)


@payments_cli.command("seed-aid-types", help="创建标准帮扶类型（生活救助、医疗救助、助学、慰问、劳模帮扶、表彰奖励）")
@operator_command()
def seed_cmd() -> None:
    """Create the standard aid types (生活救助 … 表彰奖励) that are missing."""
    added = settings.seed_aid_types()
    audit.record("payment.aid_types_seed", ("aid_types", "*"), after={"added": added})
    say(f"已添加 {added} 个帮扶类型")


@payments_cli.command("set-budget", help="修改项目预算数（分），不得低于已占用与已支付之和")
@click.argument("project_code")
@click.argument("budget_fen", type=int)
@click.option("--year", type=int, help="年度（默认最新）")
@click.option("--reason", default="", help="调整原因（记入预算调整记录）")
@operator_command()
def set_budget_cmd(project_code: str, budget_fen: int, year: int | None, reason: str) -> None:
    """Change a project's 预算数 (refused below what is reserved and paid); the change is kept as 预算调整."""
    project = services.find_project(project_code, year)
    before = project.budget_fen
    caps.set_budget(project.id, budget_fen, reason)
    say(f"{project.code} 预算数 {format_yuan(before)} → {format_yuan(budget_fen)}")


COMMANDS = [payments_cli]
