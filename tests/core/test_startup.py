"""A command starts in well under two seconds: it builds the app without the web pages, and the heavy libraries
(spreadsheets, Word files, Redis, Celery, Alembic, phone metadata) are imported only by what uses them.

Timing is left to the figures in the notes (the machine's load decides them); what the tests hold is what makes
start-up slow: which modules a command loads before it runs.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
CASEAPP = Path(sys.executable).with_name("caseapp")
#: imported on first use only; each costs a command a tenth to a quarter of a second at start-up
HEAVY = ("openpyxl", "docx", "lxml", "redis", "celery", "kombu", "alembic", "flask_migrate", "phonenumbers")
PROBE = """
import json, sys
from caseapp.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
loaded = [m for m in {heavy!r} if m in sys.modules]
pages = [m for m in sys.modules if m.startswith("caseapp.") and m.endswith((".views", ".api"))]
print("\\n" + json.dumps({{"heavy": loaded, "pages": pages}}))
""".format(heavy=HEAVY)


def _env(tmp_path) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("CASEAPP_")}, "CASEAPP_ENV": "development",
            "CASEAPP_INSTANCE": str(tmp_path), "REDIS_URL": ""}


def _loaded(tmp_path, *args) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, env=_env(tmp_path), capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_commands_load_neither_the_pages_nor_the_heavy_libraries(tmp_path):
    for args in (["--help"], ["orgs", "list", "--help"], ["jobs", "status", "--help"], ["import", "--help"]):
        assert _loaded(tmp_path, *args) == {"heavy": [], "pages": []}, args


def test_the_commands_that_serve_pages_still_have_them(tmp_path):
    out = subprocess.run([str(CASEAPP), "routes"], cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and "/login" in out.stdout and "/api/v1/persons" in out.stdout, out.stderr[-2000:]


def test_migrations_bind_alembic_when_used(app):
    from flask_migrate import Migrate  # noqa: F401  (Flask-Migrate itself, once a migration needs it)

    out = app.test_cli_runner().invoke(args=["db", "--help"])
    assert out.exit_code == 0 and "upgrade" in out.output
    assert app.extensions["migrate"].directory.endswith("migrations")
