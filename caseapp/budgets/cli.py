"""``caseapp import targets FILE`` and ``caseapp check``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from caseapp.budgets import checks, importer, services
from caseapp.budgets.importer.diff import number
from caseapp.budgets.rules_cli import budgets_cli
from caseapp.core.calendar import local_today
from caseapp.core.cli import emit_json, import_group, operator_command, say
from caseapp.core.errors import ValidationFailed


@import_group.command("targets", help="导入绩效目标文本或绩效目标申报表（.docx / .xlsx）：项目、绩效指标和规则；"
                                       "文件没写清的（年度、金额单位、栏目、指标表所属项目）用 --year/--unit/--map 回答")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="预算年度（默认取文件标题中的年度）")
@click.option("--unit", type=click.Choice(["万元", "元"]), help="金额单位（文件中没有写明“单位：万元”时）")
@click.option("--map", "map_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="答案文件（JSON，同 --json 输出中的 answers）：年度、单位、栏目对应、指标表所属项目、项目编码")
@click.option("--org", "org_code", help="导入到的组织代码（默认县总工会）")
@click.option("--dry-run", is_flag=True, help="只解析和比较，不写入")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@operator_command()
def import_targets_cmd(path: Path, year: int | None, unit: str | None, map_path: Path | None, org_code: str | None,
                       dry_run: bool, as_json: bool) -> None:
    """Import a 绩效目标 document; exit 2 (nothing written) while a question is open, unless --dry-run."""
    data = path.read_bytes()
    answers = _answers(map_path, unit)
    plan = importer.preview(data, path.name, year, org_code, answers=answers)
    blocked = bool(plan.questions) and not dry_run
    target_import = None if dry_run or blocked else importer.confirm(data, path.name, year, org_code,
                                                                     answers=answers)
    if as_json:
        emit_json({**preview_json(plan), "dry_run": dry_run,
                   "import_id": target_import.id if target_import else None})
    for warning in plan.warnings:
        say(f"提醒：{warning}")
    for question in plan.questions:
        say(f"需要回答：{question.message}")
    if blocked:
        say(f"未导入：还有{len(plan.questions)}个问题需要回答（--year / --unit / --map）")
        sys.exit(2)
    counts = "，".join(f"{label}{len(plan.codes_with(s))}个" for s, label in importer.STATUS_LABELS.items())
    verb = "试导入（未写入）" if dry_run else "已导入"
    say(f"{verb}{plan.year or ''}年绩效目标到{plan.org.name}：项目{counts}；规则{len(plan.rules)}条")


def _answers(map_path: Path | None, unit: str | None) -> importer.Answers:
    """The --map file's answers, with --unit over them."""
    answers = importer.Answers()
    if map_path is not None:
        try:
            answers = importer.Answers.from_json(json.loads(map_path.read_text(encoding="utf-8")))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationFailed(f"答案文件 {map_path.name} 不是有效的 JSON（UTF-8）", field="map") from exc
    return importer.Answers(unit=unit).over(answers) if unit else answers


def preview_json(plan: importer.ImportPreview) -> dict:
    """The documented JSON shape: year, projects with plan, indicators and matched rules, warnings, questions."""
    return {"year": plan.year, "org": plan.org.code,
            "projects": [_project_json(p, plan) for p in plan.projects],
            "unmatched_rules": [_rule_json(r) for r in plan.rules_of(None)],
            "warnings": plan.warnings, "questions": [q.as_json() for q in plan.questions],
            "answers": plan.answers.as_json(), "template": plan.template.filename if plan.template else None}


def _project_json(item: importer.ProjectPreview, plan: importer.ImportPreview) -> dict:
    p = item.parsed
    return {"code": p.code, "code_source": item.identity.code_source, "name": p.name, "unit": p.unit,
            "budget_fen": p.budget_fen, "fiscal_fen": p.fiscal_fen, "other_fen": p.other_fen, "status": item.status,
            "changes": [{"field": c.label, "before": c.before, "after": c.after} for c in item.changes],
            "spending_plan": [{"month": m, "percent": pct} for m, pct in p.spending_plan],
            "indicators": [{"level1": i.level1, "level2": i.level2, "level3": i.level3,
                            "description": i.description, "target_text": i.target_text,
                            "direction": i.target.direction, "value": number(i.target.value),
                            "unit": i.target.unit, "basis": i.basis, "metric": i.metric,
                            "weight": number(i.weight), "category": i.category} for i in p.indicators],
            "rules": [_rule_json(r) for r in plan.rules_of(p.code)]}


def _rule_json(item) -> dict:
    rule = item.rule
    return {"kind": rule.kind, "subject": rule.subject, "value": number(rule.value), "unit": rule.unit,
            "deadline": rule.deadline.text if rule.deadline else None, "source_text": rule.source_text,
            "source_cell": rule.source_cell}


@click.command("check", help="一致性检查：人数上限×每人金额与预算、成本指标、支出计划、文字目标与指标表；有错误时退出码为 1")
@with_appcontext
@click.option("--year", type=int, help="预算年度（默认今年或最近有项目的年度）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@operator_command(write=False)
def check_cmd(year: int | None, as_json: bool) -> None:
    """Check the year's budget data for contradictions; exit 1 when any error is found."""
    year = year or services.default_year(local_today())
    problems = checks.run_checks(year)
    if as_json:
        emit_json({"year": year, "problems": [{"severity": p.severity, "project_code": p.project_code,
                                               "kind": p.kind, "message": p.message} for p in problems]})
    else:
        for p in problems:
            click.echo(f"[{p.severity_label}] {p.project_code} {p.message}")
    errors = sum(p.severity == "error" for p in problems)
    say(f"{year}年一致性检查：错误{errors}项，提醒{len(problems) - errors}项")
    if errors:
        sys.exit(1)


COMMANDS = [import_group, check_cmd, budgets_cli]
