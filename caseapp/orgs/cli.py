"""``caseapp orgs …``"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from caseapp.core.cli import emit_json, operator_command, say
from caseapp.orgs import services

orgs_cli = AppGroup("orgs", help="组织管理")


@orgs_cli.command("create", help="创建组织（首个为县总工会，其余须指定上级）")
@click.argument("code")
@click.argument("name")
@click.option("--parent", "parent_code", help="上级组织代码")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@operator_command()
def create_cmd(code: str, name: str, parent_code: str | None, as_json: bool) -> None:
    """Create an organisation."""
    org = services.create_org(code, name, parent_code)
    if as_json:
        emit_json({"id": org.id, "code": org.code, "name": org.name, "level": org.level})
    say(f"已创建组织 {org.code} {org.name}（{org.level_label}）")


@orgs_cli.command("list", help="列出组织树")
@click.option("--json", "as_json", is_flag=True)
@operator_command(write=False)
def list_cmd(as_json: bool) -> None:
    """List organisations."""
    orgs = services.list_orgs()
    if as_json:
        emit_json({"orgs": [{"id": o.id, "code": o.code, "name": o.name, "level": o.level,
                             "parent_code": o.parent.code if o.parent else None} for o in orgs]})
        return
    for o in orgs:
        click.echo(f"{'  ' * o.depth}{o.code}  {o.name}")
COMMANDS = [orgs_cli]
