"""评选表彰 pages: events, categories (caps and amounts) and recipients (nominate, confirm, withdraw)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from caseapp.awards import recipients, services
from caseapp.awards.models import AwardCategory
from caseapp.awards.forms import (CategoryEditForm, CategoryForm, CollectiveNominationForm, EventForm,
                                  PersonNominationForm, WithdrawForm)
from caseapp.budgets.services import list_projects, years
from caseapp.core.errors import Conflict, ValidationFailed
from caseapp.core.forms import attempt
from caseapp.core.templating import NAV
from caseapp.core.uow import savepoint
from caseapp.modelworkers.forms import yuan_to_fen
from caseapp.orgs.services import list_orgs

bp = Blueprint("awards", __name__, url_prefix="/awards")
NAV.append(("awards.index", "评选表彰", None))
REFUSALS = (ValidationFailed, Conflict)


def _event_form() -> EventForm:
    form = EventForm()
    form.project_id.choices = [(p.id, f"{p.year}年 {p.code} {p.name}") for y in years() for p in list_projects(y)]
    return form


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """Events visible to the user; admins create one (categories prefilled from the project's rules)."""
    form = _event_form()
    if form.validate_on_submit():
        try:
            with savepoint():  # the list below must not show a half-created event
                event = services.create_event(project_id=form.project_id.data, name=form.name.data,
                                              held_on=form.held_on.data)
        except REFUSALS as exc:
            form.form_errors.append(exc.message)
        else:
            flash(f"已创建评选活动“{event.name}”，类别已按项目规则预填，请核对名额和金额", "success")
            for warning in services.date_warnings(event):
                flash(warning, "warning")
            return redirect(url_for("awards.detail", event_id=event.id))
    status = 422 if form.errors else 200
    return render_template("awards/index.html", events=services.list_events(), form=form,
                           pending=services.pending_by_event()), status


@bp.route("/<int:event_id>")
@login_required
def detail(event_id: int):
    """An event: categories with caps and amounts, recipients in scope, nomination forms."""
    return _detail(services.get_event(event_id))


def _detail(event, *, kept: dict | None = None, selected=frozenset(), row_errors=None, status: int = 200):
    """The event page; ``kept`` forms (as posted) replace the blank ones, ``selected`` recipients stay ticked."""
    kept = kept or {}
    forms = {"person_form": kept.get("person_form") or _nomination_form(PersonNominationForm, event, "individual"),
             "collective_form": kept.get("collective_form") or
             _nomination_form(CollectiveNominationForm, event, "collective"),
             "category_form": kept.get("category_form") or CategoryForm(formdata=None),
             "edit_form": CategoryEditForm(formdata=None), "withdraw_form": WithdrawForm(formdata=None)}
    counts = {c.id: services.confirmed_count(c) for c in event.categories}
    return render_template("awards/detail.html", event=event, counts=counts,
                           recipients=recipients.list_recipients(event), warnings=services.date_warnings(event),
                           selected=selected, row_errors=row_errors or {}, **forms), status


def _nomination_form(form_class, event, kind: str | None = None):
    """A nomination form offering the organisations in scope and the event's categories (of ``kind``)."""
    form = form_class() if request.method == "POST" else form_class(formdata=None)
    form.org_code.choices = [(o.code, f"{o.code} {o.name}") for o in list_orgs()]
    form.category.choices = [(c.id, c.name) for c in event.categories if kind is None or c.kind == kind]
    return form


def _act(event_id: int, work, kept: dict | None = None) -> object:
    """Run ``work(event)``, which returns the success message; a refusal shows the event page again with the
    posted form (``kept``) and the message next to its field (the request's unit of work is rolled back)."""
    event = services.get_event(event_id)

    def done():
        flash(work(event), "success")
        return redirect(url_for("awards.detail", event_id=event.id))

    def again(exc):
        form = next(iter((kept or {}).values()), None)
        if form is None:
            flash(exc.message, "error")
        elif exc.field != "form":  # "form": the form's own errors are on its fields already
            form.show_error(exc)
        return _detail(services.get_event(event_id), kept=kept, status=exc.status)

    return attempt(done, again)


def _valid(form, field: str | None = None) -> None:
    if not form.validate_on_submit():
        raise ValidationFailed(form.error_text() or "页面已过期，请刷新后重试", field=field or "form")


@bp.route("/<int:event_id>/categories", methods=["POST"])
@login_required
def category_add(event_id: int):
    """Add a category to the event."""
    form = CategoryForm()

    def work(event) -> str:
        _valid(form)
        services.add_category(event, name=form.name.data, kind=form.kind.data, max_count=form.max_count.data,
                              amount_fen=yuan_to_fen(form.amount.data, AwardCategory.amount_fen) or 0)
        return f"已新增类别“{form.name.data}”"

    return _act(event_id, work)


@bp.route("/<int:event_id>/categories/<int:category_id>", methods=["POST"])
@login_required
def category_edit(event_id: int, category_id: int):
    """Change a category's cap (名额) or amount."""
    def work(event) -> str:
        category, form = services.get_category(event, category_id), CategoryEditForm()
        _valid(form, "max_count")
        services.update_category(category, max_count=form.max_count.data,
                                 amount_fen=yuan_to_fen(form.amount.data, AwardCategory.amount_fen) or 0)
        return f"已修改类别“{category.name}”"

    return _act(event_id, work)


@bp.route("/<int:event_id>/nominate/person", methods=["POST"])
@login_required
def nominate_person(event_id: int):
    """Nominate a person in an individual category."""
    return _nominate(event_id, PersonNominationForm, recipients.nominate_person,
                     ("name", "id_number", "org_code", "correct_name"))


@bp.route("/<int:event_id>/nominate/collective", methods=["POST"])
@login_required
def nominate_collective(event_id: int):
    """Nominate a 先进集体."""
    return _nominate(event_id, CollectiveNominationForm, recipients.nominate_collective,
                     ("name", "org_code", "contact_name", "contact_phone"))


def _nominate(event_id: int, form_class, nominate, fields: tuple[str, ...]):
    kind = "individual" if form_class is PersonNominationForm else "collective"
    form = _nomination_form(form_class, services.get_event(event_id))  # any category: the service says why not

    def work(event) -> str:
        _valid(form)
        r = nominate(event, services.get_category(event, form.category.data),
                     **{name: getattr(form, name).data for name in fields})
        return f"已提名 {r.display_name}（{r.category.name}）"

    return _act(event_id, work, {"person_form" if kind == "individual" else "collective_form": form})


@bp.route("/<int:event_id>/recipients/<int:recipient_id>/confirm", methods=["POST"])
@login_required
def confirm(event_id: int, recipient_id: int):
    """确定 a nominee within the category's cap."""
    def work(event) -> str:
        recipient = recipients.get_recipient(event, recipient_id)
        recipients.confirm_recipient(recipient)
        return f"已确定 {recipient.display_name}"

    return _act(event_id, work)


@bp.route("/<int:event_id>/recipients/confirm", methods=["POST"])
@login_required
def confirm_many(event_id: int):
    """确定 the ticked nominees at once, all or nothing; a refusal names each nominee it concerns on its row."""
    event = services.get_event(event_id)
    ids = [int(x) for x in request.form.getlist("ids") if x.isdigit() and len(x) < 10]

    def done():
        count = recipients.confirm_many(event, ids)
        flash(f"已确定 {count} 名（个）获奖对象", "success")
        return redirect(url_for("awards.detail", event_id=event_id))

    def again(exc):
        flash(exc.message, "error")
        return _detail(services.get_event(event_id), selected=set(ids), row_errors=exc.rows, status=exc.status)

    return attempt(done, again)


@bp.route("/<int:event_id>/recipients/<int:recipient_id>/withdraw", methods=["POST"])
@login_required
def withdraw(event_id: int, recipient_id: int):
    """撤销 a nomination or award, with a reason."""
    def work(event) -> str:
        recipient, form = recipients.get_recipient(event, recipient_id), WithdrawForm()
        _valid(form)
        recipients.withdraw_recipient(recipient, form.reason.data or "")
        return f"已撤销 {recipient.display_name}"

    return _act(event_id, work)
