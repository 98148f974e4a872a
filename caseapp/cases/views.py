"""困难职工档案 pages: filtered list, new/edit with family members, status changes, history, thresholds."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseapp.cases import queries, services, thresholds, vocab
from caseapp.cases.forms import ApplicationForm, FileForm, NewFileForm, ReviewForm, StatusForm, ThresholdForm
from caseapp.core.calendar import local_today
from caseapp.core.errors import ValidationFailed
from caseapp.core.forms import submit
from caseapp.core.scoping import require_role
from caseapp.core.templating import NAV
from caseapp.orgs.services import get_by_code, list_orgs
from caseapp.persons.search import recall, remember
from caseapp.persons.services import WRITE_ROLES, get_person
from caseapp.core.web import date_arg

bp = Blueprint("cases", __name__, url_prefix="/cases")
NAV.append(("cases.index", "困难职工档案", None))
NAV.append(("cases.thresholds", "困难类别标准", ("admin", "auditor")))
PER_PAGE = 50
_SEARCHES = "cases"  #: the SavedSearch scope of this list
BLANK_MEMBER_ROWS = 3



@bp.route("/")
@login_required
def index():
    """Files in scope, filtered by organisation, category, status and review due date."""
    search = recall(_SEARCHES, request.args.get("t"))
    filters = queries.FileFilters(org_id=request.args.get("org", type=int), category=request.args.get("category", ""),
                                  status=request.args.get("status", ""), review_due_by=date_arg("due_by"),
                                  name=search.get("name", ""), id_hash=search.get("hash"))
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = queries.list_files(filters, page=page, per_page=PER_PAGE)
    return render_template("cases/index.html", rows=rows, total=total, page=page, per_page=PER_PAGE,
                           filters=filters, orgs=list_orgs(), vocab=vocab, by_id=bool(search.get("hash")),
                           token=request.args.get("t", ""))


@bp.route("/search", methods=["POST"])
@login_required
def search():
    """Search files by 姓名 or full 身份证号: the text stays on the server, the URL carries a token."""
    try:
        token = remember(_SEARCHES, request.form.get("q", ""))
    except ValidationFailed as exc:
        flash(exc.message, "warning")
        token = None
    args = {k: v for k, v in request.form.items() if k in ("org", "category", "status", "due_by") and v}
    return redirect(url_for("cases.index", **args, **({"t": token} if token else {})))


def _with_blank_members(form: FileForm, count: int = BLANK_MEMBER_ROWS) -> None:
    for _ in range(count):
        form.members.append_entry()


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Open an application: for a registered person (``person_id``) or registering the person too."""
    require_role(*WRITE_ROLES)
    person = get_person(request.args.get("person_id", type=int)) if request.args.get("person_id") else None
    form = ApplicationForm() if person else NewFileForm()
    if not person:
        form.org_code.choices = [(o.code, o.name) for o in list_orgs()]
    f, status = submit(form, lambda: _open(form, person))
    if f is not None:
        flash("已提交困难职工档案申请", "success")
        return redirect(url_for("cases.detail", file_id=f.id))
    if not form.is_submitted():
        _with_blank_members(form)
    return render_template("cases/form.html", form=form, person=person, file=None), status


def _open(form, person):
    if person is not None:
        return services.open_file(person, form.file_data(), form.member_rows())
    fields = ("name", "ethnicity", "phone", "work_unit", "bank_name", "bank_account", "account_holder",
              "id_number", "org_code", "correct_name")
    person_fields = {n: getattr(form, n).data for n in fields} | {"sex": form.sex.data or None}
    return services.register_and_open(person_fields, form.file_data(), form.member_rows())


@bp.route("/<int:file_id>")
@login_required
def detail(file_id: int):
    """A file with its person (masked), members, history and the actions the user may take."""
    f = services.get_file(file_id)
    status_form = StatusForm(on=local_today())
    status_form.to_status.choices = [(s, s) for s in vocab.TRANSITIONS.get(f.status, {})]
    return render_template("cases/detail.html", file=f, history=queries.history(f), status_form=status_form,
                           review_form=ReviewForm(on=local_today()), can_edit=current_user.has_role(*WRITE_ROLES),
                           can_move=current_user.has_role(*services.CLOSE_ROLES))


@bp.route("/<int:file_id>/edit", methods=["GET", "POST"])
@login_required
def edit(file_id: int):
    """Change an open file and its family members."""
    require_role(*WRITE_ROLES)
    f = services.get_file(file_id)
    form = FileForm(obj=f)
    saved, status = submit(form, lambda: services.update_file(f, form.file_data(), form.member_rows()))
    if saved is not None:
        flash("已保存", "success")
        return redirect(url_for("cases.detail", file_id=f.id))
    if not form.is_submitted():
        for entry, member in zip(form.members, f.members):
            entry.form.id.data, entry.form.id_number.data = str(member.id), ""
        _with_blank_members(form, 2)
    return render_template("cases/form.html", form=form, person=f.person, file=f), status


@bp.route("/<int:file_id>/status", methods=["POST"])
@login_required
def change_status(file_id: int):
    """Move the file to its next status with a reason and date."""
    f = services.get_file(file_id)
    form = StatusForm()
    form.to_status.choices = [(s, s) for s in vocab.TRANSITIONS.get(f.status, {})]
    if not form.validate_on_submit():
        flash(form.error_text(), "warning")
        return redirect(url_for("cases.detail", file_id=f.id))
    services.change_status(f, form.to_status.data, reason=form.reason.data or None, note=form.note.data or "",
                           on=form.on.data)
    flash(f"档案已改为“{f.status}”", "success")
    return redirect(url_for("cases.detail", file_id=f.id))


@bp.route("/<int:file_id>/review", methods=["POST"])
@login_required
def review(file_id: int):
    """Record the yearly re-verification (动态管理)."""
    f = services.get_file(file_id)
    form = ReviewForm()
    if form.validate_on_submit():
        services.review_file(f, on=form.on.data, note=form.note.data or "")
        flash(f"已记录年度复核，下次复核：{f.review_due:%Y年%m月%d日}", "success")
    return redirect(url_for("cases.detail", file_id=f.id))


@bp.route("/thresholds", methods=["GET", "POST"], endpoint="thresholds")
@login_required
def thresholds_page():
    """The yearly 困难类别 bounds; admins edit them."""
    require_role("admin", "auditor")
    form = ThresholdForm(year=local_today().year)
    form.org_code.choices = [(o.code, o.name) for o in list_orgs()]
    if form.is_submitted():
        require_role("admin")
    saved, status = submit(form, lambda: thresholds.save_threshold(
        form.year.data, get_by_code(form.org_code.data), form.deep_max_fen.data, form.relative_max_fen.data,
        form.basis.data or ""))
    if saved is not None:
        flash("已保存困难类别标准", "success")
        return redirect(url_for("cases.thresholds"))
    return render_template("cases/thresholds.html", form=form, rows=thresholds.list_thresholds(),
                           can_edit=current_user.has_role("admin")), status
