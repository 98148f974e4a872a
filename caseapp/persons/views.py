"""Person pages: search (never with an ID number in the URL), register, detail (masked), audited full view."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from caseapp.auth.roles import FULL_VIEW_ROLES
from caseapp.core.errors import ValidationFailed
from caseapp.core.forms import submit
from caseapp.core.scoping import require_role
from caseapp.core.templating import NAV
from caseapp.orgs.services import list_orgs
from caseapp.persons import services
from caseapp.persons.forms import PersonEditForm, PersonForm, PersonSearchForm, RevealForm
from caseapp.persons.search import recall, remember

bp = Blueprint("persons", __name__, url_prefix="/persons")
NAV.append(("persons.index", "人员", None))

_SEARCHES = "persons"  #: the SavedSearch scope of this list


@bp.route("/")
@login_required
def index():
    """Persons in scope; the search comes from a server-side token, never from the URL."""
    search = recall(_SEARCHES, request.args.get("t"))
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = services.search_persons(search.get("name", ""), id_hash=search.get("hash"), page=page)
    form = PersonSearchForm(q=search.get("name", ""))
    return render_template("persons/index.html", rows=rows, total=total, page=page, per_page=50, form=form,
                           by_id=bool(search.get("hash")))


@bp.route("/search", methods=["POST"])
@login_required
def search():
    """Keep the posted search text on the server under a token; a 身份证号 only as its keyed hash."""
    form = PersonSearchForm()
    try:
        token = remember(_SEARCHES, form.q.data if form.validate_on_submit() else "")
    except ValidationFailed as exc:
        flash(exc.message, "warning")
        return redirect(url_for("persons.index"))
    return redirect(url_for("persons.index", t=token) if token else url_for("persons.index"))


@bp.route("/pick", methods=["POST"])
@login_required
def pick():
    """The search box of the person pickers: JSON of at most 20 persons in scope (name, masked 身份证号, union).
    POST, so that a full number typed in the box never appears in a URL or a log."""
    found = services.pick_persons(request.form.get("q", ""), limit=20)
    return jsonify([{"id": p.id, "name": p.name, "id_masked": p.id_masked, "org": p.org.name} for p in found])


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Register a person (or update the one already registered in scope with that number)."""
    require_role(*services.WRITE_ROLES)
    form = PersonForm()
    form.org_code.choices = [(o.code, o.name) for o in list_orgs()]
    person, status = submit(form, lambda: services.register_person(
        **_person_values(form), sex=form.sex.data or None, id_number=form.id_number.data,
        org_code=form.org_code.data, correct_name=form.correct_name.data))
    if person is not None:
        flash(f"已登记 {person.name}", "success")
        return redirect(url_for("persons.detail", person_id=person.id))
    return render_template("persons/form.html", form=form, person=None), status


def _person_values(form) -> dict:
    names = ("name", "ethnicity", "phone", "work_unit", "bank_name", "bank_account", "account_holder")
    return {n: getattr(form, n).data for n in names}


@bp.route("/<int:person_id>")
@login_required
def detail(person_id: int):
    """A person's masked data and case files."""
    return _render_detail(services.get_person(person_id), {})


def _render_detail(person, revealed: dict):
    from caseapp.cases.queries import audit_events, files_of_person

    return render_template("persons/detail.html", person=person, revealed=revealed, reveal_form=RevealForm(),
                           files=files_of_person(person.id), events=audit_events("persons", person.id),
                           labels=services.REVEALABLE, can_reveal=_can(FULL_VIEW_ROLES),
                           can_edit=_can(services.WRITE_ROLES))


def _can(roles) -> bool:
    from flask_login import current_user

    return current_user.has_role(*roles)


@bp.route("/<int:person_id>/reveal", methods=["POST"])
@login_required
def reveal(person_id: int):
    """Show one field in full on this response only (audited; never redirected through a URL)."""
    person = services.get_person(person_id)
    form = RevealForm()
    if not form.validate_on_submit():
        return redirect(url_for("persons.detail", person_id=person.id))
    value = services.reveal(person, form.field.data)
    return _render_detail(person, {form.field.data: value})


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@login_required
def edit(person_id: int):
    """Change a person's contact, work and bank data (the 身份证号 is the identity and stays)."""
    require_role(*services.WRITE_ROLES)
    person = services.get_person(person_id)
    form = PersonEditForm(obj=person, bank_account="", phone="")
    saved, status = submit(form, lambda: services.update_person(person, **_person_values(form)))
    if saved is not None:
        flash("已保存", "success")
        return redirect(url_for("persons.detail", person_id=person.id))
    return render_template("persons/form.html", form=form, person=person), status
