"""满意度调查 pages: surveys, the answer page, call sheets, closing; and the public questionnaire (no login)."""
from __future__ import annotations

import re

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseapp.budgets.services import list_projects, years
from caseapp.core.audit import record
from caseapp.core.calendar import local_today
from caseapp.core.forms import FORM_ERRORS, submit
from caseapp.core.templating import NAV
from caseapp.payments.settings import aid_types
from caseapp.surveys import answers, callsheet, questionnaire, results, services, vocab
from caseapp.surveys.forms import (AnswerForm, CallersForm, FindingForm, QuestionnaireForm, ReasonForm, SheetForm,
                                   SurveyForm)
from caseapp.surveys.pages import (answer_data, detail_context, masked_phone, member_phone, params_from,
                                   xlsx_response)

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
NAV.append(("surveys.index", "满意度调查", None))


def _survey_form() -> SurveyForm:
    form = SurveyForm()
    form.project_id.choices = [(p.id, f"{p.year}年 {p.name}") for y in years() for p in list_projects(y)]
    form.aid_type_id.choices = [(0, "全部帮扶类型")] + [(a.id, a.name) for a in aid_types()]
    return form


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """Surveys in scope; a new one freezes its frame and draws its sample at once."""
    form = _survey_form()
    survey, status = submit(form, lambda: services.create_survey(params_from(form)))
    if survey is not None:
        flash(f"已建立“{survey.name}”：抽样框{survey.frame_size}人，样本{survey.sample_size}人，"
              f"备选{survey.reserve_size}人，随机种子{survey.seed}", "success")
        return redirect(url_for("surveys.detail", survey_id=survey.id))
    can_create = current_user.has_role(*services.CREATE_ROLES)
    return render_template("surveys/index.html", surveys=services.list_surveys(), form=form,
                           can_create=can_create), status


@bp.route("/<int:survey_id>")
@login_required
def detail(survey_id: int):
    """A survey: how it was drawn, the calling list, the result so far, findings and actions."""
    survey = services.get_survey(survey_id)
    return render_template("surveys/detail.html", **detail_context(survey), sheet_form=SheetForm(),
                           callers_form=CallersForm(), reason_form=ReasonForm(), finding_form=FindingForm())


@bp.route("/<int:survey_id>/sheet.xlsx")
@login_required
def sheet(survey_id: int):
    """The call sheet (masked phones; full ones with ?full=1 for 回访员 and 管理员, audited)."""
    survey = services.get_survey(survey_id)
    full = request.args.get("full") == "1"
    caller = (request.args.get("caller") or "").strip()[:100] or None
    content = callsheet.export_sheet(survey, full_phones=full, caller=caller)
    suffix = f"_{caller}" if caller else ""
    return xlsx_response(content, f"回访表_{survey.id}{suffix}{'_完整电话' if full else ''}.xlsx", no_store=full)


@bp.route("/<int:survey_id>/import", methods=["POST"])
@login_required
def import_sheet(survey_id: int):
    """Upload the filled call sheet: every row checked, all or nothing."""
    survey = services.get_survey(survey_id)
    form = SheetForm()
    if not form.validate_on_submit():
        flash(form.error_text() or "请选择文件", "error")
        return redirect(url_for("surveys.detail", survey_id=survey.id))
    upload = form.file.data
    try:
        result = callsheet.import_sheet(survey, upload.read(), filename=upload.filename or "")
    except FORM_ERRORS as exc:
        flash(exc.message, "error")
        return redirect(url_for("surveys.detail", survey_id=survey.id))
    if not result.ok:
        return render_template("surveys/import_errors.html", survey=survey, result=result), 422
    flash(f"已导入回访表：{result.rows}行，答复{result.created}条", "success")
    return redirect(url_for("surveys.detail", survey_id=survey.id))


@bp.route("/<int:survey_id>/call", methods=["GET", "POST"])
@bp.route("/<int:survey_id>/call/<int:member_id>", methods=["GET", "POST"])
@login_required
def call(survey_id: int, member_id: int | None = None):
    """The answer page: one respondent at a time, then on to the next person to call."""
    survey = services.get_survey(survey_id)
    member = services.get_member(survey, member_id) if member_id else answers.next_to_call(survey)
    if member is None:
        flash("回访名单中已没有待拨打的人员", "success")
        return redirect(url_for("surveys.detail", survey_id=survey.id))
    form = AnswerForm()
    saved, status = submit(form, lambda: answers.record_answer(survey, member, answer_data(form)))
    if saved is not None:
        if member.is_replaced:
            flash(f"{member.name}多次未接通或号码错误，已从备选名单替补", "warning")
        flash(f"已记录{member.name}的回访结果：{saved.outcome}", "success")
        following = answers.next_to_call(survey, after_id=member.id)
        target = {"member_id": following.id} if following else {}
        return redirect(url_for("surveys.call", survey_id=survey.id, **target))
    return render_template("surveys/call.html", survey=survey, member=member, form=form, phone=None,
                           masked=masked_phone(member), history=answers.history(member)), status


@bp.route("/<int:survey_id>/call/<int:member_id>/phone", methods=["POST"])
@login_required
def call_phone(survey_id: int, member_id: int):
    """Show the full phone number to a 回访员 or 管理员 (audited, not cached)."""
    survey = services.get_survey(survey_id)
    member = services.get_member(survey, member_id)
    phone = member_phone(member)
    page = render_template("surveys/call.html", survey=survey, member=member, form=AnswerForm(formdata=None),
                           phone=phone, history=answers.history(member))
    return Response(page, headers={"Cache-Control": "no-store"})


@bp.route("/<int:survey_id>/callers", methods=["POST"])
@login_required
def callers(survey_id: int):
    """Share the calling list among the named callers."""
    survey = services.get_survey(survey_id)
    form = CallersForm()
    done, _status = submit(form, lambda: answers.assign_callers(survey, re.split(r"[,，、\s]+", form.callers.data)))
    flash(f"已为{done}人分配回访员" if done is not None else form.error_text() or "请填写回访员",
          "success" if done is not None else "error")
    return redirect(url_for("surveys.detail", survey_id=survey.id))


@bp.route("/<int:survey_id>/close", methods=["POST"])
@login_required
def close(survey_id: int):
    """Close: the result is frozen and becomes the 满意度 indicator's 完成值."""
    survey = services.get_survey(survey_id)
    try:
        result = results.close_survey(survey)
    except FORM_ERRORS as exc:
        flash(exc.message, "error")
        return redirect(url_for("surveys.detail", survey_id=survey.id))
    flash(f"调查已结束：满意率{result['satisfaction_rate']}%，已计入项目的满意度指标完成值", "success")
    return redirect(url_for("surveys.detail", survey_id=survey.id))


@bp.route("/<int:survey_id>/reopen", methods=["POST"])
@login_required
def reopen(survey_id: int):
    """Reopen with a reason (audited); the indicator loses the rate until the survey closes again."""
    survey = services.get_survey(survey_id)
    form = ReasonForm()
    done, _status = submit(form, lambda: results.reopen_survey(survey, form.reason.data) or True)
    flash("调查已重新开启" if done else form.error_text() or "请填写原因", "success" if done else "error")
    return redirect(url_for("surveys.detail", survey_id=survey.id))


@bp.route("/<int:survey_id>/members/<int:member_id>/finding", methods=["POST"])
@login_required
def finding(survey_id: int, member_id: int):
    """Record how a 未收到 / 金额不符 answer was followed up."""
    survey = services.get_survey(survey_id)
    member = services.get_member(survey, member_id)
    form = FindingForm()
    done, _status = submit(form, lambda: answers.resolve_finding(survey, member, form.note.data) or True)
    flash("已记录核实处理情况" if done else form.error_text() or "请填写核实处理情况", "success" if done else "error")
    return redirect(url_for("surveys.detail", survey_id=survey.id) + "#findings")


@bp.route("/<int:survey_id>/links")
@login_required
def links(survey_id: int):
    """Printable questionnaire cards: one QR code per person on the calling list."""
    survey = services.get_survey(survey_id)
    services.require_open(survey)
    questionnaire.ensure_tokens(survey)
    record("survey.print_links", survey, summary=f"打印“{survey.name}”问卷二维码")
    return render_template("surveys/links.html", survey=survey, tokens=questionnaire.tokens(survey))


@bp.route("/<int:survey_id>/links/<int:member_id>.svg")
@login_required
def link_qr(survey_id: int, member_id: int):
    """The QR code of one person's link (SVG)."""
    survey = services.get_survey(survey_id)
    token = questionnaire.token_of(services.get_member(survey, member_id))
    return Response(questionnaire.qr_svg(questionnaire.link(token)), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})


# --------------------------------------------------------------------------- public questionnaire


@bp.route("/q/<token>", methods=["GET", "POST"])
def public(token: str):
    """The questionnaire on a phone: no login, answered once, closed with the survey, rate-limited."""
    questionnaire.throttle(request.remote_addr or "")
    try:
        survey, _row = questionnaire.open_token(token)
    except questionnaire.TokenRefused as exc:
        return render_template("surveys/public_message.html", message=exc.message), exc.status
    form = QuestionnaireForm()
    if form.validate_on_submit():
        try:
            questionnaire.submit(token, answer_data(form, outcome=vocab.COMPLETED))
        except questionnaire.TokenRefused as exc:
            return render_template("surveys/public_message.html", message=exc.message), exc.status
        return render_template("surveys/public_message.html", message="提交成功，感谢您的参与！", done=True)
    status = 422 if form.is_submitted() else 200
    return render_template("surveys/public.html", survey=survey, form=form, today=local_today()), status
