"""Reminder pages: a user's own reminders; an admin's retry of a dead-lettered digest."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from caseapp.core.templating import NAV
from caseapp.reminders import services

bp = Blueprint("reminders", __name__, url_prefix="/reminders")
NAV.append(("reminders.index", "我的提醒", None))


@bp.route("/")
@login_required
def index():
    """The current user's reminders, newest first."""
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = current_app.config.get("PAGE_SIZE", 50)
    rows, total = services.my_reminders(page, per_page)
    return render_template("reminders/index.html", rows=rows, total=total, page=page, per_page=per_page)


@bp.route("/digests/<int:digest_id>/retry", methods=["POST"])
@login_required
def retry(digest_id: int):
    """Queue a dead-lettered digest again."""
    digest = services.retry_dead(digest_id)
    flash(f"已重新排队发送 {digest.day.year}年{digest.day.month}月{digest.day.day}日 的提醒邮件", "success")
    return redirect(url_for("jobs.index"))
