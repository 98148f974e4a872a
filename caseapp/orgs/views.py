"""The organisation tree page (admins add organisations here)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from caseapp.auth.forms import OrgForm
from caseapp.core.scoping import require_role
from caseapp.orgs import services

bp = Blueprint("orgs", __name__, url_prefix="/orgs")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """List organisations in scope; admins may add one."""
    orgs = services.list_orgs()
    form = OrgForm()
    form.parent_code.choices = [(o.code, f"{o.code} {o.name}") for o in orgs]
    if form.validate_on_submit():
        require_role("admin")
        org = services.create_org(form.code.data, form.name.data, form.parent_code.data)
        flash(f"已创建组织 {org.name}", "success")
        return redirect(url_for("orgs.index"))
    return render_template("orgs/index.html", orgs=orgs, form=form)
