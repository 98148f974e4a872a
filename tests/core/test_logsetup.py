"""One log format everywhere: time, level, logger and the request or task id on every line; JSON when asked."""
import io
import json
import logging
import re

import pytest

from caseapp.core import context, logsetup


@pytest.fixture
def captured():
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    yield lambda fmt: (logsetup.configure("INFO", fmt, stream), stream)[1]
    for handler in [h for h in root.handlers if getattr(h, "_caseapp", False)]:
        root.removeHandler(handler)
    root.setLevel(level)


def test_a_request_line_carries_the_proxys_request_id(app, client, captured):
    stream = captured("text")
    with app.test_request_context("/login", headers={"X-Request-Id": "nginx-7f3a9c2b"}):
        app.preprocess_request()  # the request begins: its id is the proxy's
        logging.getLogger("caseapp.probe").info("电话 13812345678 took 0.000013800138000s")
        app.do_teardown_request()
    line = stream.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO caseapp\.probe \[req=nginx-7f3a9c2b task=-\] "
                        r"电话 138\*\*\*\*5678 took 0\.000013800138000s", line), line
    assert context.current_request_id() is None  # the id ended with its request
    assert client.get("/login", headers={"X-Request-Id": "nginx-7f3a9c2b"}).headers["X-Request-Id"] == "nginx-7f3a9c2b"
    assert client.get("/login", headers={"X-Request-Id": "bad id; DROP"}).headers["X-Request-Id"] != "bad id; DROP"


def test_json_lines_with_the_task_id(captured):
    stream = captured("json")
    token = context.set_task_id("4f1c-task")
    try:
        logging.getLogger("caseapp.jobs").warning("job %s failed", "reminders.send")
    finally:
        context.reset_task_id(token)
    entry = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert entry["level"] == "WARNING" and entry["logger"] == "caseapp.jobs" and entry["task_id"] == "4f1c-task"
    assert entry["message"] == "job reminders.send failed" and entry["request_id"] == "-"
    assert entry["time"].endswith("Z")
