"""``caseapp surveys create|export|import|close``: the same services as the pages, as the operator."""
from __future__ import annotations

import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from flask.cli import AppGroup

from caseapp.core.calendar import local_today
from caseapp.core.cli import emit_json, operator_command, say, write_private
from caseapp.core.errors import ValidationFailed
from caseapp.core.uow import after_commit
from caseapp.surveys import results, services
from caseapp.surveys.services import SurveyParams

surveys_cli = AppGroup("surveys", help="满意度调查：建立抽样框并抽样、导出/导入回访表、结束调查")


def parse_sample(text: str) -> tuple[str, int | None]:
    """full | random | n:N → (sampling, fixed n)."""
    text = (text or "").strip()
    if text in ("full", "random"):
        return text, None
    match = re.fullmatch(r"n:(\d{1,7})", text)
    if not match:
        raise ValidationFailed("--sample 只能是 full、random 或 n:N（如 n:50）", field="sample")
    return "fixed", int(match.group(1))


def _decimal(text: str, name: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(f"--{name} 应为小数，如 0.95", field=name) from None


def create_json(survey) -> dict:
    """The create command's and API's answer."""
    return {"id": survey.id, "frame_size": survey.frame_size, "sample_size": survey.sample_size,
            "reserve_size": survey.reserve_size, "seed": survey.seed,
            "strata": [{"name": s["name"], "frame": s["frame"], "sample": s["sample"]}
                       for s in services.strata_counts(survey)]}


@surveys_cli.command("create", help="建立满意度调查：冻结抽样框（已到账的发放对象），按设置抽取样本和备选名单")
@click.option("--project", "project_code", required=True, help="项目编码")
@click.option("--year", type=int, required=True, help="预算年度")
@click.option("--aid-type", "aid_type", help="只调查此帮扶类型（如 生活救助）")
@click.option("--sample", "sample", default="full", show_default=True, help="full（全员）、random（按置信度和误差）或 n:N")
@click.option("--confidence", default="0.95", show_default=True, help="置信度")
@click.option("--margin", default="0.05", show_default=True, help="允许误差 e")
@click.option("--strata", type=click.Choice(["township", "category", "aid_type"]), help="分层：乡镇、困难类别或帮扶类型")
@click.option("--seed", type=int, help="随机种子（不填则生成并记录）")
@click.option("--method", type=click.Choice(["phone", "questionnaire", "visit"]), default="phone", show_default=True,
              help="电话回访、问卷或入户")
@click.option("--name", default="", help="调查名称")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@operator_command()
def create_cmd(project_code, year, aid_type, sample, confidence, margin, strata, seed, method, name, as_json):
    """Create a survey and print its sizes."""
    sampling, fixed_n = parse_sample(sample)
    project = services.project_of_year(project_code, year)
    aid_type_id = None
    if aid_type:
        from caseapp.payments.settings import aid_type_named

        aid_type_id = aid_type_named(aid_type).id
    survey = services.create_survey(SurveyParams(
        project_id=project.id, name=name, method=method, sampling=sampling, fixed_n=fixed_n, strata=strata,
        confidence=_decimal(confidence, "confidence"), margin=_decimal(margin, "margin"), seed=seed,
        aid_type_id=aid_type_id))
    if as_json:
        emit_json(create_json(survey))
    say(f"已建立调查 {survey.id}：抽样框{survey.frame_size}人，样本{survey.sample_size}人，"
        f"备选{survey.reserve_size}人，随机种子{survey.seed}")


@surveys_cli.command("export", help="导出回访表（默认电话脱敏；--full-phones 导出完整电话并记入审计日志）")
@click.argument("survey_id", type=int)
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--full-phones", is_flag=True, help="完整电话号码（记入审计日志）")
@click.option("--caller", help="只导出分配给此回访员的对象")
@operator_command()
def export_cmd(survey_id: int, file: str, full_phones: bool, caller: str | None) -> None:
    """Write the call sheet to FILE."""
    from caseapp.surveys import callsheet  # with openpyxl: only for the call sheet's commands

    content = callsheet.export_sheet(services.get_survey(survey_id), full_phones=full_phones, caller=caller)

    def write() -> None:  # only once the audit record of a full export is committed does the data leave
        write_private(file, content)
        say(f"已导出回访表{'（完整电话，已记入审计日志）' if full_phones else '（电话脱敏）'}：{file}")

    after_commit(write)


@surveys_cli.command("import", help="导入填好的回访表（有任何一行错误则整体不导入）")
@click.argument("survey_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@operator_command()
def import_cmd(survey_id: int, file: str, as_json: bool) -> None:
    """Import the answers; exit 1 with the row errors when any row is wrong."""
    from caseapp.surveys import callsheet

    result = callsheet.import_sheet(services.get_survey(survey_id), Path(file).read_bytes(),
                                    filename=Path(file).name, today=local_today())
    if not result.ok:
        if as_json:
            emit_json({"errors": callsheet.errors_as_json(result.errors)})
        for e in result.errors:
            say(f"第{e.row}行 {e.column}：{e.message}")
        say(f"共 {len(result.errors)} 处错误，整个文件未导入")
        sys.exit(1)
    if as_json:
        emit_json({"answers": result.created})
    say(f"导入完成：{result.rows}行，答复{result.created}条")


@surveys_cli.command("close", help="结束调查：满意率计入项目满意度指标的完成值")
@click.argument("survey_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@operator_command()
def close_cmd(survey_id: int, as_json: bool) -> None:
    """Close the survey and print its result."""
    survey = services.get_survey(survey_id)
    results.close_survey(survey)
    data = results.result_json(survey)
    if as_json:
        emit_json(data)
    say(f"调查已结束：完成{data['completed']}人，应答率{data['response_rate']}%，满意率{data['satisfaction_rate']}%"
        f"（95%置信区间 {data['ci_low']}%–{data['ci_high']}%）")


COMMANDS = [surveys_cli]
