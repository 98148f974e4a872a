"""``caseapp keys generate`` works in any mode, before any setting exists, and prints all three settings."""
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from cryptography.fernet import Fernet

from caseapp.cli import main

CASEAPP = Path(sys.executable).with_name("caseapp")


def test_generate_in_production_without_any_setting(tmp_path):
    env = {"PATH": os.environ["PATH"], "CASEAPP_ENV": "production", "CASEAPP_INSTANCE": str(tmp_path)}
    out = subprocess.run([str(CASEAPP), "keys", "generate"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    settings = dict(line.split("=", 1) for line in out.stdout.splitlines())
    assert sorted(settings) == ["CASEAPP_DATA_KEY", "CASEAPP_LOOKUP_KEY", "SECRET_KEY"]
    Fernet(settings["CASEAPP_DATA_KEY"].encode())
    assert len(settings["SECRET_KEY"]) == len(settings["CASEAPP_LOOKUP_KEY"]) == 64
    assert settings["SECRET_KEY"] != settings["CASEAPP_LOOKUP_KEY"] and not list(tmp_path.iterdir())


def test_generate_only_a_data_key_for_rotation():
    out = CliRunner().invoke(main, ["keys", "generate", "--only", "data"])
    name, key = out.output.strip().split("=", 1)
    assert out.exit_code == 0 and name == "CASEAPP_DATA_KEY" and Fernet(key.encode())


def test_a_missing_production_setting_is_a_message_not_a_traceback(tmp_path):
    env = {"PATH": os.environ["PATH"], "CASEAPP_ENV": "production", "CASEAPP_INSTANCE": str(tmp_path)}
    out = subprocess.run([str(CASEAPP), "orgs", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "生产环境缺少必需的配置项" in out.stderr and "Traceback" not in out.stderr
