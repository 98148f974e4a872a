"""``caseapp template KIND OUT``, ``caseapp import roster KIND FILE``, ``caseapp export roster KIND OUT``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from caseapp.core.cli import emit_json, export_group, import_group, operator_command, say, write_private
from caseapp.core.uow import after_commit
from caseapp.core.calendar import local_today
from caseapp.rosters.base import get_kind

def _services():
    """The roster services, with openpyxl: imported by the roster commands only, not by every command."""
    from caseapp.rosters import services

    return services


_KIND_HELP = "花名册类型：hardship（困难职工）、modelworker（劳模）、award（评选表彰）、payment（款项发放名单）"


@click.command("template", help=f"生成花名册导入模板。{_KIND_HELP}")
@click.argument("kind")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@operator_command(write=False)
def template_cmd(kind: str, out: str) -> None:
    """Write the kind's empty template."""
    write_private(out, _services().template(kind))
    say(f"已生成{get_kind(kind).title}导入模板：{out}")


@import_group.command("roster", help=f"导入花名册（有任何一行错误则整体不导入）。{_KIND_HELP}")
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--event", "event_id", type=int, help="评选表彰活动编号（award 必填）")
@click.option("--dry-run", is_flag=True, help="只校验，不写入")
@click.option("--correct-names", is_flag=True, help="已登记人员的姓名与文件不一致时，按文件更正（逐人记入人员历史）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@operator_command()
def import_roster_cmd(kind: str, file: str, event_id: int | None, dry_run: bool, correct_names: bool,
                      as_json: bool) -> None:
    """Import a roster file; exit 1 when any row has an error."""
    result = _services().import_roster(kind, Path(file).read_bytes(), filename=Path(file).name, event_id=event_id,
                                       dry_run=dry_run, today=local_today(), correct_names=correct_names)
    if as_json:
        emit_json(result.as_dict())
    for e in result.errors:
        say(f"第{e.row}行 {e.column}：{e.message}")
    if not result.ok:
        say(f"共 {len(result.errors)} 处错误，整个文件未导入")
        sys.exit(1)
    verb = "校验通过（未写入）" if dry_run else "导入完成"
    say(f"{verb}：{result.rows}行，新增{result.created}，更新{result.updated}")


@export_group.command("roster", help=f"导出花名册（默认脱敏）。{_KIND_HELP}")
@click.argument("kind")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--full", is_flag=True, help="导出完整个人信息（记入审计日志）")
@click.option("--event", "event_id", type=int, help="评选表彰活动编号")
@operator_command()
def export_roster_cmd(kind: str, out: str, full: bool, event_id: int | None) -> None:
    """Export a roster to OUT."""
    content = _services().export_roster(kind, full=full, event_id=event_id)

    def write() -> None:  # only once the audit record of a full export is committed does the data leave
        write_private(out, content)
        say(f"已导出{get_kind(kind).title}{'（完整信息，已记入审计日志）' if full else '（脱敏）'}：{out}")

    after_commit(write)


COMMANDS = [import_group, export_group, template_cmd]
