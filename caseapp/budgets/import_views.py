"""Budget pages for admins and reviewers: document import (upload → preview and answers → confirm), rules, checks.

Handlers only: their routes are declared with the area's other routes in ``views.py``.
"""
from __future__ import annotations

import re

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import login_required
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from caseapp.budgets import checks, import_store, importer, rules, services
from caseapp.budgets.importer import Answers
from caseapp.budgets.importer.diff import number
from caseapp.budgets.importer.identity import CODE_SOURCES
from caseapp.budgets.importer.questions import COLUMN_FIELDS, UNIT_CHOICES, answers_from_form
from caseapp.core.calendar import local_today
from caseapp.core.errors import ValidationFailed
from caseapp.core.forms import BaseForm
from caseapp.core.scoping import require_role
from caseapp.core.templating import NAV
from caseapp.orgs.services import list_orgs

NAV.append(("budgets.rules", "文字规则", None))

_SESSION_KEY = "target_import"


class UploadForm(BaseForm):
    """The 绩效目标 document and where it goes."""

    document = FileField("绩效目标文本或绩效目标申报表（.docx 或 .xlsx）",
                         validators=[FileRequired(message="请选择要上传的 .docx 或 .xlsx 文件")])
    year = IntegerField("预算年度（留空则取文件标题中的年度）", validators=[Optional(), NumberRange(2000, 2100)])
    org_code = SelectField("导入到组织")


@login_required
def import_upload():
    """Upload a 绩效目标 document; it is checked, kept server-side and previewed."""
    require_role("admin")
    form = UploadForm()
    form.org_code.choices = [(o.code, f"{o.code} {o.name}") for o in list_orgs()]
    if form.validate_on_submit():
        upload = form.document.data
        data = upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
        try:
            _check_upload(upload.filename or "", data)
            importer.preview(data, upload.filename, form.year.data, form.org_code.data)
        except ValidationFailed as exc:
            form.document.errors.append(exc.message)
            return render_template("budgets/import_upload.html", form=form), 422
        session[_SESSION_KEY] = {"token": _store(data), "filename": importer.clean_filename(upload.filename),
                                 "year": form.year.data, "org": form.org_code.data}
        return redirect(url_for("budgets.import_preview"))
    return render_template("budgets/import_upload.html", form=form)


def _upload_again():
    flash("没有待确认的导入文件，请重新上传", "warning")
    return redirect(url_for("budgets.import_upload"))


@login_required
def import_preview():
    """What the uploaded document would create or change, what must be answered first, and the rules."""
    require_role("admin")
    pending = _pending()
    if pending is None:
        return _upload_again()
    info, data, answers = pending
    plan = importer.preview(data, info["filename"], info["year"], info["org"], answers=answers)
    return render_template("budgets/import_preview.html", plan=plan, KINDS=rules.RULE_KIND_LABELS,
                           CODE_SOURCES=CODE_SOURCES, COLUMN_FIELDS=COLUMN_FIELDS, UNITS=UNIT_CHOICES)


@login_required
def import_answers():
    """Keep the admin's answers (year, unit, codes, columns, tables) with the upload and preview again."""
    require_role("admin")
    pending = _pending()
    if pending is None:
        return _upload_again()
    info, _data, answers = pending
    _store_answers(info["token"], answers_from_form(request.form, answers))
    if request.form.get("year", "").strip():
        session[_SESSION_KEY] = {**info, "year": None}
    flash("已按您的回答重新读取文件", "info")
    return redirect(url_for("budgets.import_preview"))


@login_required
def import_confirm():
    """Write the previewed document, with the admin's choice of project for each rule."""
    require_role("admin")
    pending = _pending()
    if pending is None:
        return _upload_again()
    info, data, answers = pending
    matches = {int(key.removeprefix("rule_")): value for key, value in request.form.items()
               if re.fullmatch(r"rule_\d+", key)}
    try:
        done = importer.confirm(data, info["filename"], info["year"], info["org"], matches, answers=answers)
    except ValidationFailed as exc:
        if exc.field != "questions":
            raise
        flash(exc.message, "error")
        return redirect(url_for("budgets.import_preview"))
    _discard(info["token"])
    session.pop(_SESSION_KEY, None)
    changes = done.changes
    flash(f"已导入{done.year}年绩效目标：新增{len(changes['created'])}个项目，更新{len(changes['updated'])}个，"
          f"待确认规则{changes['rules']['proposed']}条", "success")
    return redirect(url_for("budgets.dashboard", year=done.year))


@login_required
def import_cancel():
    """Drop the uploaded document without importing it."""
    require_role("admin")
    info = session.pop(_SESSION_KEY, None)
    if info:
        _discard(str(info.get("token", "")))
    flash("已取消导入", "info")
    return redirect(url_for("budgets.import_upload"))


@login_required
def rules_page():
    """The year's rules from the prose, to confirm, reject or attach to another project."""
    year = request.args.get("year", type=int) or services.default_year(local_today())
    return render_template("budgets/import_rules.html", year=year, years=services.years(),
                           rules=rules.list_rules(year), projects=services.list_projects(year),
                           STATUS=rules.RULE_STATUS_LABELS, KINDS=rules.RULE_KIND_LABELS)


@login_required
def rule_update(rule_id: int):
    """Confirm or reject one rule, possibly attaching it to another project."""
    require_role("admin")
    status = {"confirm": "confirmed", "reject": "rejected"}.get(request.form.get("action", ""), "")
    rule = rules.set_rule_status(rule_id, status, request.form.get("project_code"))
    flash(f"规则已{rules.RULE_STATUS_LABELS[rule.status].removeprefix('已')}", "success")
    return redirect(url_for("budgets.rules", year=rule.year))


@login_required
def check():
    """Contradictions in the year's budget data: caps against budgets, plans, prose against tables."""
    year = request.args.get("year", type=int) or services.default_year(local_today())
    problems = checks.run_checks(year)
    return render_template("budgets/check.html", year=year, years=services.years(), problems=problems)


def number_filter(value) -> str:
    """A Decimal as written: 95.0000 → 95, 47.6600 → 47.66."""
    shown = number(value)
    return "" if shown is None else str(shown)


#: how a parsed target's direction reads on a page
DIRECTION_LABELS = {">=": "≥", "<=": "≤", "=": "=", "qualitative": "定性", "date": "日期"}


def direction_filter(value) -> str:
    """>= → ≥, qualitative → 定性 (the stored keys stay ASCII)."""
    return DIRECTION_LABELS.get(value or "", value or "")


def _check_upload(filename: str, data: bytes) -> None:
    """Name and size before any parsing (the content checks follow in the importer)."""
    name = filename.lower()
    if not name.endswith((".docx", ".xlsx")):
        hint = {".doc": "，请在 Word 中另存为 .docx", ".xls": "，请在 Excel 中另存为 .xlsx"}.get(
            name[name.rfind("."):] if "." in name else "", "")
        raise ValidationFailed(f"只能上传 .docx 或 .xlsx 文件{hint}", field="document")
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if len(data) > limit:
        raise ValidationFailed(f"文件超过 {limit // (1024 * 1024)} MB", field="document")


def _store(data: bytes) -> str:
    """Keep the upload under a random token (only the token goes into the session)."""
    return import_store.keep(data)


def _store_answers(token: str, answers: Answers) -> None:
    """The answers given so far, kept with the upload (not in the session cookie)."""
    import_store.save_details(token, {"answers": answers.as_json()})


def _pending() -> tuple[dict, bytes, Answers] | None:
    """The session's pending import, its bytes and the answers so far; None when missing or expired."""
    info = session.get(_SESSION_KEY)
    if not info:
        return None
    kept = import_store.load(str(info.get("token", "")))
    if kept is None:
        return None
    data, details = kept
    answers = Answers.from_json(details["answers"]) if "answers" in details else Answers()
    return info, data, answers


def _discard(token: str) -> None:
    import_store.discard(token)
