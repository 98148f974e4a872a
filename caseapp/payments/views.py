"""Payment pages: registration (single and batch), work lists, item detail, batch actions, objections."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseapp.core import context
from caseapp.core.calendar import local_today
from caseapp.core.errors import DomainError, ValidationFailed
from caseapp.core.redirects import safe_next
from caseapp.core.templating import NAV
from caseapp.payments import idempotency, ledger, reports, services, settings, views_files
from caseapp.payments.forms import ActionForm, BatchRegisterForm, ObjectionForm, RegisterForm, ResolveForm
from caseapp.payments.models import STATUSES
from caseapp.payments.workflow import ACTION_LABELS, TRANSITIONS, allowed_actions

bp = Blueprint("payments", __name__, url_prefix="/payments")
NAV.append(("payments.index", "款项发放", None))
#: the list each role starts from
ROLE_START = (("finance", "公示中"), ("leader", "已审核"), ("reviewer", "登记"), ("caseworker", "登记"))


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
    default = next((s for role, s in ROLE_START if current_user.has_role(role)), "登记")
    status = request.args.get("status", default)
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = reports.list_items(status=status if status in STATUSES else None, page=page, per_page=100)
    actions = [(name, t) for name, t in TRANSITIONS.items() if status in t.sources and current_user.has_role(*t.roles)]
    return render_template("payments/index.html", rows=rows, total=total, page=page, status=status,
                           statuses=STATUSES, actions=actions, form=ActionForm(), today=local_today())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def register():
    """Register one item for a person found by 身份证号."""
    form = RegisterForm()
    form.project_id.choices = services.project_choices()
    form.aid_type.choices = [(a.name, a.name) for a in settings.aid_types() if a.kind != "award"]
    if form.validate_on_submit():
        payload = {"p": form.project_id.data, "a": form.aid_type.data, "n": form.id_number.data.strip(),
                   "f": form.amount.fen, "r": form.reason.data}

        def work():
            item = services.register_payment(_project(form.project_id.data), form.aid_type.data, form.amount.fen,
                                             id_number=form.id_number.data, reason=form.reason.data or "",
                                             evidence=form.evidence.data or "", on=form.on.data)
            flash(f"已登记：{item.recipient_name} {item.aid_type.name}", "success")
            return url_for("payments.detail", item_id=item.id)

        return redirect(_once(form, payload, work), code=303)
    return render_template("payments/register.html", form=form)


@bp.route("/batch-new", methods=["GET", "POST"])
@login_required
def register_batch():
    """Register a batch from an award event's confirmed recipients or from the 在档 file holders."""
    form = BatchRegisterForm()
    form.project_id.choices = services.project_choices()
    form.aid_type.choices = [(a.name, a.name) for a in settings.aid_types()]
    source = request.values.get("source", "files")
    candidates = services.batch_candidates(source, request.values.get("event_id", type=int), form.on.data or local_today())
    if request.method == "POST" and form.validate():
        chosen = [int(x) for x in request.form.getlist("ids") if x.isdigit()]
        payload = {"s": source, "ids": chosen, "p": form.project_id.data, "a": form.aid_type.data, "f": form.amount.fen}

        def work():
            kwargs = {"recipient_ids": chosen} if source == "award" else {"person_ids": chosen}
            count = services.register_many(_project(form.project_id.data), form.aid_type.data, form.amount.fen,
                                           reason=form.reason.data or "", on=form.on.data, **kwargs)
            flash(f"已登记 {count} 笔", "success")
            return url_for("payments.index", status="登记")

        return redirect(_once(form, payload, work), code=303)
    return render_template("payments/register_batch.html", form=form, source=source, candidates=candidates,
                           events=services.award_events())


@bp.route("/<int:item_id>")
@login_required
def detail(item_id: int):
    """One item: facts, history, ledger entries, objections and the actions open to the user."""
    item = services.get_item(item_id)
    return render_template("payments/detail.html", item=item, history=reports.history(item.id),
                           entries=ledger.entries_for(item.id), objections=services.objections_of(item.id),
                           actions=allowed_actions(item, context.current_principal()), labels=ACTION_LABELS,
                           form=ActionForm(), objection_form=ObjectionForm(), resolve_form=ResolveForm())


@bp.route("/actions", methods=["POST"])
@login_required
def act():
    """Apply one action to the selected items (one or many); all or nothing."""
    form = ActionForm()
    ids = [int(x) for x in request.form.getlist("ids") if x.isdigit()]
    back = safe_next(request.form.get("next"), url_for("payments.index"))
    if not form.validate():
        raise ValidationFailed("提交的内容有误：" + "；".join(f"{k}: {'、'.join(v)}" for k, v in form.errors.items()))
    payload = {"ids": ids, **{k: str(v) for k, v in form.data.items() if k not in ("csrf_token", "idem_key")}}

    def work():
        _apply(form, ids)
        flash(f"已{ACTION_LABELS.get(form.action.data, '')} {len(set(ids))} 笔", "success")
        return back

    return redirect(_once(form, payload, work, prefix="action"), code=303)


def _apply(form: ActionForm, ids: list[int]) -> None:
    action = form.action.data
    if action == "approve":
        services.approve(ids, meeting_date=form.meeting_date.data, minutes_no=form.minutes_no.data or "",
                         attendees=form.attendees.data or "")
    elif action == "publicize":
        services.publicize(ids, form.start_date.data, reason=form.reason.data or "")
    elif action == "pay":
        services.pay(ids, on=form.date.data or local_today(), bank_batch=form.batch.data or "")
    elif action in ("confirm",):
        services.confirm(ids, on=form.date.data)
    elif action in ("return", "reverse"):
        (services.return_ if action == "return" else services.reverse)(ids, reason=form.reason.data or "",
                                                                        on=form.date.data)
    elif action in ("review",):
        services.review(ids)
    elif action in ("reject", "cancel"):
        (services.reject if action == "reject" else services.cancel)(ids, reason=form.reason.data or "")
    else:
        raise ValidationFailed(f"未知操作：{action}")


@bp.route("/<int:item_id>/objections", methods=["POST"])
@login_required
def object_to(item_id: int):
    """Record an objection received during the 公示."""
    services.get_item(item_id)  # out of scope: 404 before anything else
    form = ObjectionForm()
    if not form.validate():
        flash("请填写异议内容", "error")
    else:
        services.raise_objection(item_id, form.content.data, form.raised_on.data)
        flash("已登记异议，该笔款项暂停发放", "success")
    return redirect(url_for("payments.detail", item_id=item_id), code=303)


@bp.route("/objections/<int:objection_id>/resolve", methods=["POST"])
@login_required
def resolve(objection_id: int):
    """Close an objection (upheld rejects the item)."""
    services.get_objection(objection_id)  # out of scope: 404 before anything else
    form = ResolveForm()
    if not form.validate():
        raise ValidationFailed("请填写处理说明", field="resolution")
    objection = services.resolve_objection(objection_id, upheld=form.outcome.data == "upheld",
                                           resolution=form.resolution.data)
    flash("异议已处理", "success")
    return redirect(url_for("payments.detail", item_id=objection.item_id), code=303)


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
