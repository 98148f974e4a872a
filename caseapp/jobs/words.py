"""The jobs page in words: what each job does and when, who started a run, and a run's result in a sentence."""
from __future__ import annotations

#: job name → (what it does, when it runs)
JOBS = {
    "jobs.heartbeat": ("调度心跳", "每分钟"),
    "reminders.send": ("发送提醒邮件", "每 5 分钟"),
    "payments.nightly_check": ("款项与预算数据核对", "每天 1:00"),
    "indicators.rollup": ("计算绩效指标完成值", "每天 1:30"),
    "deadlines.scan": ("截止日期检查并生成提醒", "每天 8:30"),
}
RUNNERS = {"celery": "定时（Celery）", "in_process": "定时（进程内）", "cli": "命令行", "web": "网页立即运行"}
#: result key → how it reads (a count follows)
RESULT = {
    "sent": "发出邮件 {} 封", "failed": "失败 {} 封", "findings": "发现 {} 项", "queued": "生成提醒 {} 条",
    "indicators": "指标 {} 项", "achieved": "已达标 {} 项", "differences": "账实不符 {} 处", "errors": "错误 {} 项",
    "data_problems": "数据问题 {} 项", "interrupted": "标记中断 {} 次", "missed": "标记未运行 {} 次",
    "year": "{}年度", "today": "检查日 {}",
}


def job_title(name: str) -> str:
    """A job's Chinese name."""
    return JOBS.get(name, ("其他任务", ""))[0]


def job_when(name: str) -> str:
    """When a job runs by itself."""
    return JOBS.get(name, ("", "仅手动"))[1] or "仅手动"


def runner_label(runner: str | None) -> str:
    """Who started a run."""
    if runner and runner.startswith("web"):
        return RUNNERS["web"]
    return RUNNERS.get(runner or "", runner or "")


def result_text(result: dict | None) -> str:
    """A run's result as a sentence: 发出邮件 3 封，失败 0 封."""
    if not result:
        return ""
    parts = []
    for key, value in result.items():
        if key == "scheduler":
            continue
        if key == "today" and isinstance(value, str) and len(value) == 10:
            year, month, day = value.split("-")
            value = f"{int(year)}年{int(month)}月{int(day)}日"
        template = RESULT.get(key)
        if template:
            parts.append(template.format(len(value) if isinstance(value, list) else value))
    return "，".join(parts)
