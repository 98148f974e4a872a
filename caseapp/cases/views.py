"""困难职工档案 pages: filtered list, new/edit with family members, status changes, history, thresholds."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseapp.cases import queries, services, thresholds, vocab
from caseapp.cases.forms import ApplicationForm, FileForm, NewFileForm, ReviewForm, StatusForm, ThresholdForm
from caseapp.core.calendar import local_today
from caseapp.core.errors import ValidationFailed
from caseapp.core import uow
from caseapp.core.forms import attempt, submit
from caseapp.core.paging import page_args
from caseapp.core.scoping import require_role
from caseapp.core.templating import NAV
from caseapp.orgs.services import filter_orgs, get_by_code, list_orgs
from caseapp.persons.search import recall, remember
from caseapp.persons.services import WRITE_ROLES, get_person
from werkzeug.datastructures import MultiDict

bp = Blueprint("cases", __name__, url_prefix="/cases")
NAV.append(("cases.index", "困难职工档案", None))
NAV.append(("cases.thresholds", "困难类别标准", ("admin", "auditor")))
PER_PAGE = 50
_SEARCHES = "cases"  #: the SavedSearch scope of this list
BLANK_MEMBER_ROWS = 3
#: irreversible moves that are confirmed on a page of their own
CONFIRMED = (vocab.RELIEVED, vocab.WITHDRAWN)



@bp.route("/")
@login_required
def index():
    """Files in scope, filtered by organisation, category, status and review due date; applications may be
    审核 (在档) in a batch."""
    return _list_page(request.args)


def _list_page(args, *, selected=frozenset(), row_errors=None, status: int = 200):
    """The filtered list for the query ``args``; ``selected`` files ticked, ``row_errors`` next to their rows."""
    search = recall(_SEARCHES, args.get("t"))
    filters = queries.FileFilters(org_id=args.get("org", type=int), category=args.get("category", ""),
                                  status=args.get("status", ""), review_due_by=_date(args.get("due_by")),
                                  name=search.get("name", ""), id_hash=search.get("hash"))
    listed = queries.files_page(filters, **page_args(args), per_page=PER_PAGE)
    return render_template("cases/index.html", rows=listed.rows, listed=listed,
                           filters=filters, orgs=filter_orgs(filters.org_id), vocab=vocab, by_id=bool(search.get("hash")),
                           token=args.get("t", ""), counts=queries.status_counts(),
                           can_file=current_user.has_role(*services.APPROVE_ROLES), selected=selected,
                           row_errors=row_errors or {}), status


def _date(text: str | None):
    """A YYYY-MM-DD text as a date, or None."""
    from datetime import date

    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


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
    return _detail(services.get_file(file_id))


def _status_choices(f) -> list[tuple[str, str]]:
    """The statuses the current user may move the file to (在档 only for reviewers and admins)."""
    return [(s, s) for s in vocab.TRANSITIONS.get(f.status, {})
            if current_user.has_role(*(services.APPROVE_ROLES if s == vocab.FILED else services.CLOSE_ROLES))]


def _detail(f, status_form=None, review_form=None, status: int = 200):
    """The file page, with the status or review form as posted when it was refused."""
    if status_form is None:
        status_form = StatusForm(formdata=None, on=local_today())
    status_form.to_status.choices = _status_choices(f)
    return render_template("cases/detail.html", file=f, history=queries.history(f), status_form=status_form,
                           review_form=review_form or ReviewForm(formdata=None, on=local_today()),
                           can_edit=current_user.has_role(*WRITE_ROLES),
                           can_move=current_user.has_role(*services.CLOSE_ROLES),
                           reasons={s: list(vocab.TRANSITIONS.get(f.status, {}).get(s, ()))
                                    for s, _label in status_form.to_status.choices}), status


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
    """Move the file to its next status with a reason and date; 解困脱困 and 退档 are confirmed first (after a
    dry run, so a refusal shows before); a refusal shows the file again with the form as typed."""
    f = services.get_file(file_id)
    require_role(*services.CLOSE_ROLES)  # a reader without the role: 403, not a form error
    form = StatusForm()
    form.to_status.choices = _status_choices(f)
    if not form.validate_on_submit():
        return _detail(f, status_form=form, status=422)

    def move():
        services.change_status(f, form.to_status.data, reason=form.reason.data or None, note=form.note.data or "",
                               on=form.on.data)

    def work():
        if form.to_status.data in CONFIRMED and request.form.get("confirmed") != "1":
            with uow.rehearsal():
                move()
            return render_template("cases/confirm.html", file=f, form=form)
        move()
        flash(f"档案已改为“{form.to_status.data}”", "success")
        return redirect(url_for("cases.detail", file_id=file_id))

    return attempt(work, lambda exc: _detail(services.get_file(file_id), status_form=_shown(form, exc),
                                             status=exc.status))


def _shown(form, exc):
    """``form`` with the refusal next to its field (or above the form)."""
    name = exc.field if exc.field in ("reason", "note", "on") else "to_status"
    getattr(form, name).errors = [*getattr(form, name).errors, exc.message]
    return form


@bp.route("/<int:file_id>/review", methods=["POST"])
@login_required
def review(file_id: int):
    """Record the yearly re-verification (动态管理); a refusal shows the file again with the form as typed."""
    f = services.get_file(file_id)
    require_role(*services.CLOSE_ROLES)
    form = ReviewForm()
    done, status = submit(form, lambda: services.review_file(f, on=form.on.data, note=form.note.data or ""))
    if done is None:
        return _detail(services.get_file(file_id), review_form=form, status=status)
    flash(f"已记录年度复核，下次复核：{f.review_due:%Y年%m月%d日}", "success")
    return redirect(url_for("cases.detail", file_id=f.id))


@bp.route("/file-many", methods=["POST"])
@login_required
def file_many():
    """审核 several applications at once (申请 → 在档 on one date), all or nothing; a refusal shows the list
    again with the ticked files and each file's reason."""
    require_role(*services.APPROVE_ROLES)
    ids = [int(x) for x in request.form.getlist("ids") if x.isdigit() and len(x) < 10]
    on = _date(request.form.get("on")) or local_today()

    def work():
        count = services.file_many(ids, on=on)
        flash(f"已将 {count} 份档案审核为“在档”", "success")
        return redirect(url_for("cases.index", status=vocab.APPLIED), code=303)

    def refused(exc):
        flash(exc.message, "error")
        return _list_page(MultiDict({"status": vocab.APPLIED}), selected=set(ids), row_errors=exc.rows,
                          status=exc.status)

    return attempt(work, refused)


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
