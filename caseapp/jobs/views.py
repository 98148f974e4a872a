"""The admin's job page, the "scheduler stopped" banner and the lazy start of the in-process scheduler."""
from __future__ import annotations

from flask import Blueprint, current_app, has_request_context, render_template
from flask_login import current_user, login_required

from caseapp.core.db import utcnow
from caseapp.core.scoping import require_role
from caseapp.core.templating import NAV
from caseapp.jobs import services
from caseapp.jobs.registry import schedule
from caseapp.jobs.scheduler import start_in_process

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
NAV.append(("jobs.index", "后台任务", ("admin",)))

SCHEDULER_WARNING = "后台定时任务已超过一小时没有运行：截止日期检查和提醒邮件可能已停止，请检查调度进程（celery beat / worker）。"


@bp.route("/")
@login_required
def index():
    """Last runs per job with durations and failures, queued messages and dead-lettered reminders."""
    require_role("admin")
    from caseapp.reminders.services import dead_letters, pending_count

    scheduled = schedule()
    return render_template("jobs/index.html", jobs=services.job_summaries(list(scheduled)),
                           runs=services.recent_runs(), heartbeat=services.last_heartbeat(),
                           stale=_stale(), queue_length=services.queue_length(),
                           dead=dead_letters(), pending=pending_count(), schedule=scheduled,
                           in_process=current_app.config.get("JOBS_IN_PROCESS"))


@bp.app_context_processor
def _scheduler_banner() -> dict:
    """Warn admins on every page when the scheduler has not run for an hour."""
    if not has_request_context() or not current_user.is_authenticated or not current_user.has_role("admin"):
        return {}
    return {"scheduler_warning": SCHEDULER_WARNING if _stale() else ""}


def _stale() -> bool:
    return services.scheduler_stale(current_app.extensions["caseapp_started_at"])


@bp.record_once
def _start_scheduler_on_first_request(state) -> None:
    """Serving processes (not the CLI, tests or the reloader's parent) start the in-process scheduler; the
    banner counts the scheduler's silence from this start."""
    app = state.app
    app.extensions.setdefault("caseapp_started_at", utcnow())

    @app.before_request
    def _ensure_scheduler() -> None:
        if "caseapp_scheduler" not in app.extensions:
            start_in_process(app)
