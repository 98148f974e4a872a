"""``caseapp budgets rules list|confirm``: review the rules a document's prose proposed, without the pages.

The daily scan reminds only by confirmed rules, so a year imported from the command line needs this step too.
"""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from caseapp.budgets import rules
from caseapp.budgets.importer.diff import number
from caseapp.core.cli import emit_json, operator_command, say
from caseapp.core.errors import ValidationFailed

budgets_cli = AppGroup("budgets", help="预算项目与文字规则")
rules_cli = AppGroup("rules", help="文字部分提出的规则：列出、确认")
budgets_cli.add_command(rules_cli)


def rule_json(rule) -> dict:
    """One rule as the CLI prints it."""
    return {"id": rule.id, "status": rule.status, "kind": rule.kind, "subject": rule.subject,
            "value": number(rule.value), "unit": rule.unit, "project_code": rule.project.code if rule.project else None,
            "source_text": rule.source_text}


@rules_cli.command("list", help="列出某年度的规则及其状态（待确认 / 已确认 / 已驳回）")
@click.option("--year", type=int, required=True, help="预算年度")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@operator_command(write=False)
def list_cmd(year: int, as_json: bool) -> None:
    """The year's rules with id, status, project and the sentence they came from."""
    found = rules.list_rules(year)
    if as_json:
        emit_json([rule_json(r) for r in found])
        return
    for r in found:
        click.echo(f"{r.id:>5}  {rules.RULE_STATUS_LABELS[r.status]}  {r.project.code if r.project else '-':24}  "
                   f"{rules.RULE_KIND_LABELS.get(r.kind, r.kind)}：{r.source_text[:60]}")
    say(f"{year}年共 {len(found)} 条规则")


@rules_cli.command("confirm", help="确认规则：--all 确认全部待确认规则，或列出规则编号（见 rules list）")
@click.option("--year", type=int, required=True, help="预算年度")
@click.option("--all", "confirm_all", is_flag=True, help="确认该年度全部待确认的规则")
@click.argument("rule_ids", nargs=-1, type=int)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@operator_command()
def confirm_cmd(year: int, confirm_all: bool, rule_ids: tuple[int, ...], as_json: bool) -> None:
    """Confirm the year's proposed rules (all of them, or the listed ids) so the daily scan reminds by them."""
    if confirm_all == bool(rule_ids):
        say("错误：请指定 --all 或规则编号之一")
        sys.exit(2)
    if confirm_all:
        done = [r.id for r in rules.list_rules(year, "proposed")]
        rules.confirm_all_proposed(year)
    else:
        done = [_confirm_of_year(rule_id, year) for rule_id in rule_ids]
    if as_json:
        emit_json({"year": year, "confirmed": done})
    say(f"已确认 {year} 年规则 {len(done)} 条")


def _confirm_of_year(rule_id: int, year: int) -> int:
    rule = rules.set_rule_status(rule_id, "confirmed")
    if rule.year != year:
        raise ValidationFailed(f"规则 {rule_id} 属于 {rule.year} 年，不是 {year} 年", field="rule_ids")
    return rule.id
