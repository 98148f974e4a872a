"""Payment pages: registration (single and batch), work lists, item detail, batch actions, objections."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseapp.core.calendar import local_today
from caseapp.core.errors import DomainError, Forbidden, ValidationFailed
from caseapp.core.forms import attempt
from caseapp.core.redirects import safe_next
from caseapp.core.templating import NAV
from caseapp.payments import idempotency, reports, services, settings, views_actions, views_files
from caseapp.payments.forms import ActionForm, BatchRegisterForm, ObjectionForm, RegisterForm, ResolveForm
from caseapp.payments.workflow import ACTION_LABELS

bp = Blueprint("payments", __name__, url_prefix="/payments")
NAV.append(("payments.index", "款项发放", None))


def _project(project_id: int):
    from caseapp.budgets.services import get_project

    return get_project(project_id)


def _once(form, payload: dict, work, *, prefix: str = "form") -> str:
    """Run ``work`` (returning a URL) once per form key; a resubmission returns the first URL."""
    key = f"{prefix}:{current_user.id}:{form.idem_key.data}"
    stored = idempotency.claim(key, payload)
    if stored is not None:
        return stored["body"]["location"]
    location = work()
    idempotency.store(key, 303, {"location": location})
    return location


@bp.route("/")
@login_required
def index():
    """Work list: items of one status (the role's own step by default), with batch actions."""
    return views_actions.work_list(ActionForm())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def register():
    """Register one item for a person chosen by name or masked 身份证号 (the full number is accepted too)."""
    form = RegisterForm()
    form.project_id.choices = services.project_choices()
    form.aid_type.choices = [(a.name, a.name) for a in settings.aid_types() if a.kind != "award"]
    if not form.validate_on_submit():
        return render_template("payments/register.html", form=form, person=views_actions.chosen_person(form))
    payload = {"p": form.project_id.data, "a": form.aid_type.data, "n": form.person.data.strip(),
               "f": form.amount.fen, "r": form.reason.data}

    def work():
        person_id, id_number = views_actions.person_of(form)
        item = services.register_payment(_project(form.project_id.data), form.aid_type.data, form.amount.fen,
                                         person_id=person_id, id_number=id_number, reason=form.reason.data or "",
                                         evidence=form.evidence.data or "", on=form.on.data)
        flash(f"已登记：{item.recipient_name} {item.aid_type.name}", "success")
        return url_for("payments.detail", item_id=item.id)

    def again(exc):
        form.show_error(exc) if not isinstance(exc, Forbidden) else flash(exc.message, "error")
        return render_template("payments/register.html", form=form, person=views_actions.chosen_person(form)), \
            exc.status

    return attempt(lambda: redirect(_once(form, payload, work), code=303), again)


@bp.route("/batch-new", methods=["GET", "POST"])
@login_required
def register_batch():
    """Register a batch from an award event's confirmed recipients (each at their category's amount) or from
    the 在档 file holders; a refusal shows the batch again with the ticked rows and each row's reason."""
    return views_actions.register_batch(BatchRegisterForm(), _once)


@bp.route("/<int:item_id>")
@login_required
def detail(item_id: int):
    """One item: facts, history, ledger entries, objections and the actions open to the user."""
    return views_actions.item_page(item_id, ActionForm())


@bp.route("/actions", methods=["POST"])
@login_required
def act():
    """Apply one action to the selected items (one or many), all or nothing; 发放 and 冲正 are confirmed first.
    A refusal shows the list (or the item) again with the selection, the typed values and each row's reason."""
    form = ActionForm()
    ids = views_actions.posted_ids()
    if not form.validate():
        return views_actions.form_refused(form, ids)
    choice = request.form.get("confirmed")
    if form.action.data in views_actions.CONFIRMED and choice != "1":
        if choice == "back":
            return views_actions.again(form, ids, None)
        return attempt(lambda: views_actions.rehearse(form, ids), lambda exc: views_actions.again(form, ids, exc))
    back = safe_next(request.form.get("next"), url_for("payments.index"))
    payload = {"ids": ids, **{k: str(v) for k, v in form.data.items() if k not in ("csrf_token", "idem_key")}}

    def work():
        views_actions.apply_action(form, ids)
        flash(f"已{ACTION_LABELS.get(form.action.data, '')} {len(set(ids))} 笔", "success")
        return back

    return attempt(lambda: redirect(_once(form, payload, work, prefix="action"), code=303),
                   lambda exc: views_actions.again(form, ids, exc))


@bp.route("/<int:item_id>/objections", methods=["POST"])
@login_required
def object_to(item_id: int):
    """Record an objection received during the 公示; a refusal shows the item again with the text kept."""
    services.get_item(item_id)  # out of scope: 404 before anything else
    form = ObjectionForm()

    def work():
        services.raise_objection(item_id, form.content.data, form.raised_on.data)
        flash("已登记异议，该笔款项暂停发放", "success")
        return redirect(url_for("payments.detail", item_id=item_id), code=303)

    if not form.validate():
        return views_actions.item_page(item_id, ActionForm(), objection_form=form, status=422)
    return attempt(work, lambda exc: views_actions.item_page(item_id, ActionForm(), objection_form=form, exc=exc))


@bp.route("/objections/<int:objection_id>/resolve", methods=["POST"])
@login_required
def resolve(objection_id: int):
    """Close an objection (upheld rejects the item); a refusal shows the item again with the text kept."""
    item_id = services.get_objection(objection_id).item_id  # out of scope: 404 before anything else
    form = ResolveForm()

    def work():
        services.resolve_objection(objection_id, upheld=form.outcome.data == "upheld", resolution=form.resolution.data)
        flash("异议已处理", "success")
        return redirect(url_for("payments.detail", item_id=item_id), code=303)

    page = lambda exc=None: views_actions.item_page(item_id, ActionForm(), resolve_form=form,  # noqa: E731
                                                    resolving=objection_id, exc=exc, status=422)
    return attempt(work, page) if form.validate() else page()


@bp.route("/objections")
@login_required
def objections():
    """Open objections in scope."""
    return render_template("payments/objections.html", objections=services.open_objections())


@bp.app_context_processor
def _execution_helper() -> dict:
    """``payment_execution(project)`` for the include on the project page."""
    def payment_execution(project):
        try:
            return reports.execution(project)
        except DomainError:
            return None

    return {"payment_execution": payment_execution}



# documents and settings: handlers in views_files.py, routes here
bp.add_url_rule("/exports/<kind>.<ext>", view_func=views_files.export, methods=["POST"])
bp.add_url_rule("/bank-return", view_func=views_files.bank_return, methods=["GET", "POST"])
bp.add_url_rule("/settings", view_func=views_files.settings_page, methods=["GET", "POST"])
