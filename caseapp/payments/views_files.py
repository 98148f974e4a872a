"""Payment pages for documents and settings: exports, the bank's return file, aid types and caps.

Handlers only: their routes are declared with the area's other routes in ``views.py``.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from caseapp.core import limits
from caseapp.core.calendar import local_today
from caseapp.core.errors import ValidationFailed
from caseapp.core.money import MoneyError
from caseapp.payments import exports, settings
from caseapp.payments.forms import AidCapForm, AidTypeForm, ReturnFileForm, SettingsForm
from caseapp.payments.models import AID_KINDS, DEFAULT_AID_TYPES, AidCap

_MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}


def _download(data: bytes, name: str, ext: str) -> Response:
    filename = f"{name}_{local_today():%Y%m%d}.{ext}"
    return Response(data, mimetype=_MIME[ext], headers={
        "Content-Disposition": f"attachment; filename=payments.{ext}; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store"})


def _selected():
    return exports.items_for([int(x) for x in request.form.getlist("ids") if x.isdigit()])


@login_required
def export(kind: str, ext: str):
    """公示名单, 发放花名册 or the bank file for the selected items (POST: ids never go in the URL); a refusal
    (nothing selected, people without a bank account) shows the list again with the selection kept."""
    from caseapp.core.forms import attempt
    from caseapp.payments import views_actions
    from caseapp.payments.forms import ActionForm

    form = ActionForm()
    ids = views_actions.posted_ids()
    return attempt(lambda: _export(kind, ext), lambda exc: views_actions.again(form, ids, exc))


def _export(kind: str, ext: str):
    items = _selected()
    if (kind, ext) == ("publicity", "docx"):
        return _download(exports.publicity_docx(items), "公示名单", ext)
    if (kind, ext) == ("publicity", "xlsx"):
        return _download(exports.publicity_xlsx(items), "公示名单", ext)
    if (kind, ext) == ("roster", "xlsx"):
        return _download(exports.roster_xlsx(items), "发放花名册", ext)
    if kind == "bank" and ext in ("xlsx", "csv"):
        data = exports.bank_file(items, full=request.form.get("full") == "1", fmt=ext)
        return _download(data, "银行代发", ext)
    raise ValidationFailed("不支持的导出类型")


@login_required
def bank_return():
    """Import the bank's return file: every row is applied or none."""
    from caseapp.core.scoping import require_role

    require_role("finance")
    form = ReturnFileForm()
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise ValidationFailed("请选择银行回盘文件", field="file")
        result = exports.apply_return_file(upload.read(), upload.filename)
        flash(f"已到账 {result['confirmed']} 笔，已退回 {result['returned']} 笔", "success")
        return redirect(url_for("payments.index", status="已发放"), code=303)
    return render_template("payments/bank_return.html", form=form)


@login_required
def settings_page():
    """Admin: 公示 length, duplicate period, aid types and per-person yearly caps."""
    from caseapp.core.scoping import require_role

    require_role("admin")
    current = settings.current()
    form = SettingsForm(obj=current if request.method == "GET" else None)
    type_form, cap_form = AidTypeForm(prefix="t"), AidCapForm(prefix="c")
    type_form.kind.choices = list(AID_KINDS.items())
    cap_form.aid_type_id.choices = [(a.id, a.name) for a in settings.aid_types()]
    what = request.form.get("what")
    if request.method == "POST":
        if what == "settings" and form.validate():
            settings.update(form.publicity_workdays.data, form.period_kind.data)
        elif what == "type" and type_form.validate():
            settings.add_aid_type(type_form.name.data, type_form.kind.data)
        elif what == "standard":
            settings.add_standard_aid_types()
        elif what == "cap" and cap_form.validate():
            settings.set_aid_cap(cap_form.aid_type_id.data, _cap_fen(cap_form.cap.data))
        else:
            raise ValidationFailed("提交的内容有误")
        flash("设置已保存", "success")
        return redirect(url_for("payments.settings_page"), code=303)
    caps = settings.aid_caps()
    aid_types = settings.aid_types(active_only=False)
    missing = [name for name, _kind in DEFAULT_AID_TYPES if name not in {a.name for a in aid_types}]
    return render_template("payments/settings.html", form=form, type_form=type_form, cap_form=cap_form,
                           aid_types=aid_types, caps=caps, kinds=AID_KINDS, missing_standard=missing)


def _cap_fen(text: str | None) -> int | None:
    if not (text or "").strip():
        return None
    try:
        return limits.fen(AidCap.cap_fen, text)
    except MoneyError as exc:
        raise ValidationFailed(str(exc), field="cap") from None
