#!/usr/bin/env bash
# The test command: builds .venv if needed, installs caseapp with its test extras, checks that
# PostgreSQL and Redis answer, and runs the whole suite on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export CASEAPP_REQUIRE_SERVICES=1
# Browser tests (tests/browser) drive Debian's chromium; a clean machine (CI) gets it from apt, never a download.
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "Installing Debian's chromium for the browser tests…" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
    else
        echo "warning: /usr/bin/chromium is missing and this is not root: install chromium for the browser tests" >&2
    fi
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/python - <<'PY'
import os, sys
import psycopg, redis
try:
    psycopg.connect(os.environ["DATABASE_URL"].replace("+psycopg", ""), connect_timeout=5).close()
except Exception as exc:
    sys.exit(f"PostgreSQL at DATABASE_URL is not reachable: {exc}")
try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=5).ping()
except Exception as exc:
    sys.exit(f"Redis at REDIS_URL is not reachable: {exc}")
PY
exec .venv/bin/pytest "$@"
