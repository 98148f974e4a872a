"""The admin's job page, the "scheduler stopped" banner and the lazy start of the in-process scheduler."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, g, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseapp.core import audit, uow
from caseapp.core.db import utcnow
from caseapp.core.errors import DomainError, ValidationFailed
from caseapp.core.scoping import require_role
from caseapp.core.templating import NAV
from caseapp.jobs import health, services, words
from caseapp.jobs.models import JobRun
from caseapp.jobs.registry import job_names, schedule
from caseapp.jobs.runner import run_job
from caseapp.jobs.scheduler import start_in_process

log = logging.getLogger("caseapp.jobs")

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
                           mail_sends=bool(current_app.config.get("SMTP_HOST")), words=words,
                           runnable=job_names())


@bp.route("/run", methods=["POST"])
@login_required
def run_now():
    """立即运行: an admin runs a job now, under the same lock and with the same run record as ``caseapp jobs run``
    (the click is audited; the request's own transaction ends before the job's units begin)."""
    require_role("admin")
    name = request.form.get("name", "")
    if name not in job_names():
        raise ValidationFailed("没有这个后台任务", field="name")
    title = words.job_title(name)
    audit.record("jobs.run", ("job_runs", name), after={"job": title}, summary=f"立即运行：{title}")
    unit = g.pop("unit")
    uow.finish(unit)
    uow.close(unit)
    try:
        result = run_job(name, runner="web")
    except DomainError as exc:
        flash(f"{title}未完成：{exc.message}", "error")
    except Exception:  # the run record says 失败 with the error; the log has the traceback
        log.exception("job %s run from the jobs page failed", name)
        flash(f"{title}运行失败，详见下方运行记录", "error")
    else:
        if result["status"] == "skipped_locked":
            flash(f"{title}正在别处运行（已加锁），本次未运行", "error")
        else:
            label = JobRun.label(result["status"])
            flash(f"{title}：{label}{'（' + words.result_text(result) + '）' if words.result_text(result) else ''}")
    return redirect(url_for("jobs.index"))


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
