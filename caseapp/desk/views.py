"""工作台: the page each user lands on, with what their roles have to do next."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from caseapp.core import context
from caseapp.core.calendar import local_today
from caseapp.desk import queues

bp = Blueprint("desk", __name__)


@bp.route("/home")
@login_required
def home():
    """The user's work queue (counts linking to the lists), deadlines of the next 30 days, reminder problems."""
    today = local_today()
    return render_template("desk/home.html", queue=queues.desk(context.current_principal(), current_user, today),
                           today=today)
