"""劳模 pages: list with filters, register, detail, edit; benefit rules for admins."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from caseapp.core.forms import submit
from caseapp.core.scoping import require_global_admin, require_role
from caseapp.core.templating import NAV
from caseapp.modelworkers import benefits, services
from caseapp.modelworkers.forms import BenefitRuleForm, ModelWorkerEditForm, ModelWorkerForm
from caseapp.modelworkers.models import LEVELS, STATUSES
from caseapp.orgs.services import list_orgs

bp = Blueprint("modelworkers", __name__, url_prefix="/model-workers")
NAV.append(("modelworkers.index", "劳模", None))
PER_PAGE = 50


@bp.route("/")
@login_required
def index():
    """劳模 in scope with filters (级别, 状态, 困难劳模, 所属工会) and a name search."""
    args = request.args
    hardship = {"1": True, "0": False}.get(args.get("hardship", ""))
    page = max(args.get("page", 1, type=int), 1)
    rows, total = services.list_model_workers(
        level=args.get("level") or None, status=args.get("status") or None, hardship=hardship,
        org_id=args.get("org", type=int), q=args.get("q"), page=page, per_page=PER_PAGE)
    return render_template("modelworkers/index.html", rows=rows, total=total, page=page, per_page=PER_PAGE,
                           levels=LEVELS, statuses=STATUSES, orgs=list_orgs())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Register a 劳模 title (the person is registered too when new)."""
    require_role(*services.WRITE_ROLES)
    form = ModelWorkerForm()
    form.org_code.choices = [(o.code, f"{o.code} {o.name}") for o in list_orgs()]
    mw, status = submit(form, lambda: services.create_model_worker(
        name=form.name.data, id_number=form.id_number.data, phone=form.phone.data, org_code=form.org_code.data,
        correct_name=form.correct_name.data, **form.fields_for_service()))
    if mw is not None:
        flash(f"已登记劳模 {mw.person.name}（{mw.title}）", "success")
        return redirect(url_for("modelworkers.detail", mw_id=mw.id))
    return render_template("modelworkers/form.html", form=form, mw=None), status


@bp.route("/<int:mw_id>")
@login_required
def detail(mw_id: int):
    """One 劳模 record with the person's other titles (masked personal data)."""
    mw = services.get_model_worker(mw_id)
    return render_template("modelworkers/detail.html", mw=mw, titles=services.titles_of(mw.person_id))


@bp.route("/<int:mw_id>/edit", methods=["GET", "POST"])
@login_required
def edit(mw_id: int):
    """Edit a 劳模 record."""
    mw = services.get_model_worker(mw_id)
    require_role(*services.WRITE_ROLES)
    form = ModelWorkerEditForm(obj=mw)
    if request.method == "GET":
        form.allowance_monthly.data = f"{mw.allowance_monthly_fen / 100:.2f}" if mw.allowance_monthly_fen else ""
    saved, status = submit(form, lambda: services.update_model_worker(mw, **form.fields_for_service()))
    if saved is not None:
        flash("已保存", "success")
        return redirect(url_for("modelworkers.detail", mw_id=mw.id))
    return render_template("modelworkers/form.html", form=form, mw=mw), status


@bp.route("/benefit-rules", methods=["GET", "POST"])
@login_required
def rules():
    """劳模帮扶标准: the rules in their three shapes; admins add new ones here."""
    if request.method == "POST":
        require_role("admin")
    form = BenefitRuleForm()
    created, status = submit(form, lambda: benefits.create_rule(**form.fields_for_service()))
    if created is not None:
        flash("已新增帮扶标准", "success")
        return redirect(url_for("modelworkers.rules"))
    return render_template("modelworkers/rules.html", rules=benefits.list_rules(), form=form), status


@bp.route("/benefit-rules/<int:rule_id>/edit", methods=["GET", "POST"])
@login_required
def rule_edit(rule_id: int):
    """Edit one benefit rule (admins of the root organisation: the rules apply to the whole tree)."""
    require_global_admin()
    rule = benefits.get_rule(rule_id)
    form = BenefitRuleForm(obj=rule)
    if request.method == "GET":
        form.level.data = rule.level or ""
        form.amount.data = f"{rule.amount_fen / 100:.2f}" if rule.amount_fen is not None else ""
        form.threshold.data = f"{rule.threshold_fen / 100:.2f}" if rule.threshold_fen is not None else ""
    saved, status = submit(form, lambda: benefits.update_rule(rule, **form.fields_for_service()))
    if saved is not None:
        flash("已保存帮扶标准", "success")
        return redirect(url_for("modelworkers.rules"))
    return render_template("modelworkers/rule_form.html", form=form, rule=rule), status
