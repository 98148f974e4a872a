"""The admin's job page, the "scheduler stopped" banner and the lazy start of the in-process scheduler."""
from __future__ import annotations

from flask import Blueprint, current_app, has_request_context, render_template
from flask_login import current_user, login_required

from caseapp.core.db import utcnow
from caseapp.core.scoping import require_role
from caseapp.core.templating import NAV
from caseapp.jobs import health, services
from caseapp.jobs.models import JobRun
from caseapp.jobs.registry import schedule
from caseapp.jobs.scheduler import start_in_process

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
NAV.append(("jobs.index", "后台任务", ("admin",)))

SCHEDULER_WARNING = ("后台定时任务的心跳已超时（应每分钟一次）：截止日期检查和提醒邮件可能已停止，"
                     "请检查调度进程和工作进程（celery beat / worker）。")


@bp.route("/")
@login_required
def index():
    """Last runs per job (中断, 部分失败 and 未运行 included), heartbeat, workers, beats, queue, mail, dead letters."""
    require_role("admin")
    from caseapp.reminders.services import dead_letters, pending_count

    scheduled = schedule()
    in_process = current_app.config.get("JOBS_IN_PROCESS")
    return render_template("jobs/index.html", jobs=services.job_summaries(list(scheduled)),
                           runs=services.recent_runs(), heartbeat=services.last_heartbeat(),
                           stale=_stale(), queue_length=services.queue_length(),
                           workers=None if in_process else health.ping_workers(),
                           beats=None if in_process else health.live_beats(), status_of=services.status_of,
                           label=JobRun.label, dead=dead_letters(), pending=pending_count(), schedule=scheduled,
                           in_process=in_process, mail=services.mail_mode(),
                           mail_sends=bool(current_app.config.get("SMTP_HOST")))


@bp.app_context_processor
def _scheduler_banner() -> dict:
    """Warn admins on every page when the scheduler's heartbeat is late (its minute plus a margin)."""
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
