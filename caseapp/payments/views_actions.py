"""Payment pages that act on a selection: the work list, one item, batch registration, confirmation pages.

Handlers and page builders only: their routes are declared in ``views.py``. Every refusal shows the same page
again, built from what the request posted (the ticked rows, the typed values), with the message next to the
field or the row it concerns; the request's unit of work has been rolled back by then, so nothing
half-written is ever read.
"""
from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from caseapp.core import context, uow
from caseapp.core.calendar import local_today
from caseapp.core.errors import DomainError, Forbidden, ValidationFailed
from caseapp.core.forms import attempt
from caseapp.payments import ledger, reports, services, settings
from caseapp.payments.forms import ObjectionForm, ResolveForm
from caseapp.payments.models import STATUSES
from caseapp.payments.workflow import ACTION_LABELS, TRANSITIONS, allowed_actions

#: irreversible actions that show what will happen and ask once more before anything moves
CONFIRMED = ("pay", "reverse")
#: the list each role starts from
ROLE_START = (("finance", "公示中"), ("leader", "已审核"), ("reviewer", "登记"), ("caseworker", "登记"))
#: the form fields each action needs (the page shows only these once an action is chosen)
ACTION_FIELDS = {"approve": ("meeting_date", "minutes_no", "attendees"), "publicize": ("start_date", "reason"),
                 "pay": ("date", "batch"), "confirm": ("date",), "return": ("date", "reason"),
                 "reverse": ("date", "reason"), "reject": ("reason",), "cancel": ("reason",), "review": ()}
#: a 身份证号 as typed: 15 or 18 characters of digits (and a final X)
_ID_NUMBER = re.compile(r"^\s*\d{14}(\d{3}[\dXx])?\s*$|^\s*\d{17}[\dXx]\s*$")


def posted_ids() -> list[int]:
    """The ticked rows of the posted form, in page order."""
    return list(dict.fromkeys(int(x) for x in request.form.getlist("ids") if x.isdigit() and len(x) < 10))


def default_status() -> str:
    """The status of the list the current user works on first."""
    return next((s for role, s in ROLE_START if current_user.has_role(role)), "登记")


def work_list(form, *, status: str | None = None, page: int | None = None, selected=(), exc: DomainError | None = None):
    """The work list of one status with its batch actions; ``selected`` rows stay ticked and ``exc`` is shown
    next to its field or its rows (with its HTTP status)."""
    status = status or request.args.get("status") or default_status()
    from caseapp.budgets.services import years
    from caseapp.core.paging import page_args

    src = request.args if request.method == "GET" else request.form  # a refused action shows its list again
    year = src.get("year", type=int) or reports.list_year()
    where = page_args(src)
    listed = reports.items_page(year=year, status=status if status in STATUSES else None, per_page=100, **where)
    rows = listed.rows
    if exc is not None and not rows:
        flash(exc.message, "error")
    elif exc is not None:
        _show(form, exc)
    actions = [(name, t) for name, t in TRANSITIONS.items() if status in t.sources and current_user.has_role(*t.roles)]
    body = render_template("payments/index.html", rows=rows, listed=listed, page=listed.page, status=status,
                           year=year, years=years(), statuses=STATUSES, counts=reports.status_counts(year),
                           actions=actions, form=form,
                           fields=ACTION_FIELDS, selected=set(selected), row_errors=exc.rows if exc else {},
                           today=local_today())
    return body, exc.status if exc is not None else 200


def _show(form, exc: DomainError) -> None:
    """The refusal next to the form field it names, else at the top of the page."""
    name = (exc.field or "").split(".")[0]
    field = getattr(form, {"amount_fen": "amount", "bank_batch": "batch"}.get(name, name), None) if name else None
    if name == "form":  # the form's own validation: the messages are on the fields already
        return
    if field is not None and hasattr(field, "errors") and name not in ("ids", "action"):
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message, "error")


def item_page(item_id: int, form, *, objection_form=None, resolve_form=None, resolving: int | None = None,
              exc: DomainError | None = None, status: int = 200):
    """One item: facts, history, ledger, objections and the actions open to the user; a refusal shown next to
    the form it concerns (the action, the objection, or the resolution of objection ``resolving``)."""
    item = services.get_item(item_id)
    if exc is not None:
        _show(resolve_form or objection_form or form, exc)
    actions = allowed_actions(item, context.current_principal())
    body = render_template("payments/detail.html", item=item, history=reports.history(item.id),
                           entries=ledger.entries_for(item.id), objections=services.objections_of(item.id),
                           actions=actions, labels=ACTION_LABELS, fields=ACTION_FIELDS, form=form,
                           objection_form=objection_form or ObjectionForm(),
                           resolve_form=resolve_form or ResolveForm(), resolving=resolving)
    return body, exc.status if exc is not None else status


def _list_state(ids: list[int]) -> tuple[str | None, int | None]:
    """The status and page of the list the form was posted from (else the list of the first ticked item)."""
    page = request.form.get("page", "")
    status = request.form.get("status") or next((i.status for i in services.items_in_scope(ids[:1])), None)
    return status, int(page) if page.isdigit() and len(page) < 7 else None


def form_refused(form, ids: list[int]):
    """The page again after the form itself was refused (its errors are on its fields)."""
    exc = ValidationFailed(form.error_text() or "提交的内容有误")
    exc.field = "form"
    return again(form, ids, exc)


def again(form, ids: list[int], exc: DomainError | None):
    """The page the action was posted from, shown again with the selection, the values and the refusal (if any)."""
    if request.form.get("origin") == "detail" and len(ids) == 1:
        return item_page(ids[0], form, exc=exc)
    status, page = _list_state(ids)
    return work_list(form, status=status, page=page, selected=ids, exc=exc)


def rehearse(form, ids: list[int]):
    """Try the action in a transaction that is always undone: a refusal is shown before the user confirms
    (which row has the objection); otherwise the confirmation page."""
    with uow.rehearsal():
        apply_action(form, ids)
    return confirm_page(form, ids)


def confirm_page(form, ids: list[int]):
    """What 发放 or 冲正 will do (how many items, to whom, how much), with 确认 and 返回修改."""
    items = services.items_in_scope(ids)
    if not items:
        return again(form, ids, ValidationFailed("请先勾选要办理的记录", field="ids"))
    return render_template("payments/confirm.html", form=form, items=items, ids=ids,
                           label=ACTION_LABELS[form.action.data], total=sum(i.amount_fen for i in items),
                           posted=[(k, v) for k, v in request.form.items(multi=True)
                                   if k not in ("ids", "confirmed", "csrf_token")])


def chosen_person(form):
    """The person the register form names by id (after a choice in the search box), for the page to show."""
    from caseapp.persons.models import Person
    from caseapp.core.scoping import scoped
    from caseapp.core.db import db
    from sqlalchemy import select

    raw = (form.person_id.data or "").strip()
    if not raw.isdigit() or len(raw) > 9:
        return None
    return db.session.scalar(scoped(select(Person), Person.org_id).where(Person.id == int(raw)))


def person_of(form) -> tuple[int | None, str | None]:
    """(person id, None) chosen in the search box, (None, 身份证号) typed in full, or the one person in scope
    whose name was typed; several or none: a refusal next to the field that lists them."""
    from caseapp.persons.services import pick_persons

    person = chosen_person(form)
    if person is not None:
        return person.id, None
    text = (form.person.data or "").strip()
    if _ID_NUMBER.match(text):
        return None, text
    found = pick_persons(text, limit=6)
    if len(found) == 1:
        return found[0].id, None
    if not found:
        raise ValidationFailed(f"没有找到“{text}”：请输入姓名、身份证号后4位或完整身份证号，并从列表中选择",
                               field="person")
    listed = "、".join(f"{p.name}（{p.id_masked}）" for p in found[:5])
    raise ValidationFailed(f"找到多人：{listed}，请从列表中选择一人", field="person")


def register_batch(form, once):
    """The batch registration page: the source's defaults (an award event's project, 表彰奖励 and each
    category's amount), the candidates, and on a refusal the ticked rows with each row's reason."""
    source = request.values.get("source", "files")
    event = services.award_event(request.values.get("event_id", type=int)) if source == "award" else None
    award_types = [a for a in settings.aid_types() if a.kind == "award"]
    kinds = award_types if source == "award" else [a for a in settings.aid_types() if a.kind != "award"]
    form.aid_type.choices = [(a.name, a.name) for a in kinds]
    form.project_id.choices = services.project_choices()
    if request.method == "GET" and event is not None:
        form.project_id.data = event.project_id
    elif request.method == "GET" and source == "files":  # where the last 依档帮扶 was paid from
        project_id, aid_type = services.hardship_defaults()
        if project_id in dict(form.project_id.choices):
            form.project_id.data, form.aid_type.data = project_id, aid_type
    candidates = services.award_candidates(event.id) if event else \
        services.batch_candidates(source, None, form.on.data or local_today())
    page = dict(form=form, source=source, event=event, candidates=candidates, events=services.award_events(),
                hint=services.award_hint(event) if event and not candidates else "")
    if request.method != "POST":
        return render_template("payments/register_batch.html", selected=set(), row_errors={}, **page)
    chosen = posted_ids()
    valid = form.validate()
    if valid and source != "award" and form.amount.fen is None:
        form.amount.errors = ["请填写每人金额"]
        valid = False
    if not valid:
        return render_template("payments/register_batch.html", selected=set(chosen), row_errors={}, **page), 422
    amount = None if source == "award" and not (form.amount.data or "").strip() else form.amount.fen
    payload = {"s": source, "ids": chosen, "p": form.project_id.data, "a": form.aid_type.data, "f": amount}

    def work():
        kwargs = {"recipient_ids": chosen} if source == "award" else {"person_ids": chosen}
        from caseapp.budgets.services import get_project

        count = services.register_many(get_project(form.project_id.data), form.aid_type.data, amount,
                                       reason=form.reason.data or "", on=form.on.data, **kwargs)
        flash(f"已登记 {count} 笔", "success")
        return url_for("payments.index", status="登记")

    def refused(exc):
        _show(form, exc) if exc.field not in (None, "ids", "person_id", "recipient_id") else \
            flash(exc.message, "error")
        return render_template("payments/register_batch.html", selected=set(chosen), row_errors=exc.rows,
                               **page), exc.status

    return attempt(lambda: redirect(once(form, payload, work), code=303), refused)


def apply_action(form, ids: list[int]) -> None:
    """Run the workflow step the form names on ``ids`` with the values it needs."""
    action = form.action.data
    if action == "approve":
        services.approve(ids, meeting_date=form.meeting_date.data, minutes_no=form.minutes_no.data or "",
                         attendees=form.attendees.data or "")
    elif action == "publicize":
        services.publicize(ids, form.start_date.data, reason=form.reason.data or "")
    elif action == "pay":
        services.pay(ids, on=form.date.data or local_today(), bank_batch=form.batch.data or "")
    elif action == "confirm":
        services.confirm(ids, on=form.date.data)
    elif action in ("return", "reverse"):
        (services.return_ if action == "return" else services.reverse)(ids, reason=form.reason.data or "",
                                                                        on=form.date.data)
    elif action == "review":
        services.review(ids)
    elif action in ("reject", "cancel"):
        (services.reject if action == "reject" else services.cancel)(ids, reason=form.reason.data or "")
    else:
        raise ValidationFailed(f"未知操作：{action}", field="action")
