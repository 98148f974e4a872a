"""Shared browser-test infrastructure: the app served on a free port, Debian's chromium through Playwright.

Fixtures (use them from any ``tests/browser/test_*.py``):

- ``live_server``: the app on its own fresh SQLite database, served by Werkzeug in a background thread on a
  free 127.0.0.1 port. ``live_server.url`` is the base URL; ``with live_server.session() as s:`` gives a
  SQLAlchemy session as the command-line operator whose work is committed when the block ends (set up data
  before browsing; the server's requests see only committed data). Stopped after the test.
- ``chromium``: one headless Debian chromium (``/usr/bin/chromium``, never a downloaded browser) for the
  session, launched with the arguments this machine needs.
- ``new_page(viewport="phone" | "desktop" | (width, height))``: a page in a fresh browser context (its own
  cookies); every page of a failed test is saved as a PNG under ``tests/browser/artifacts/`` (or
  ``$CASEAPP_BROWSER_ARTIFACTS``) named after the test.
- ``phone_page`` / ``desktop_page``: one page of that size.
- ``demo_site``: ``caseapp demo``'s data (魏县总工会, one user per role, the 2025 budget, 45 case files, the
  award event, 生活救助 paid to 39 people) served once for the whole session on its own SQLite file; every demo
  user's password is ``tests.factories.PASSWORD`` and none must change it. ``demo_site.day(date)`` moves the money
  steps' calendar (``payments.dates.local_today``) as ``tests.conftest.on_day`` does, for the server thread too.
  Tests sharing it act on different people, so they may run in any order.
- ``login(page, site, username)``: sign a page in through the login form.

Tests here are marked ``browser``; without chromium they are skipped, or fail when
``CASEAPP_REQUIRE_SERVICES=1`` (CI, where ``tests/run.sh`` installs chromium with apt-get when missing).
"""
from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from caseapp.core import context
from caseapp.core.db import db
from tests.conftest import REQUIRE, make_app

CHROMIUM = os.environ.get("CASEAPP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
ARTIFACTS = Path(os.environ.get("CASEAPP_BROWSER_ARTIFACTS", Path(__file__).parent / "artifacts"))


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser is a browser test (``-m "not browser"`` skips them all)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the test item (the page fixture screenshots failures)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@dataclass
class LiveServer:
    """A running app: its base URL and the app object (for setting up data)."""

    url: str
    app: object

    @contextmanager
    def session(self):
        """An app context acting as the operator; its session is committed at the end of the block."""
        with self.app.app_context():
            token = context.set_principal(context.OPERATOR)
            try:
                yield db.session
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            finally:
                context.reset_principal(token)
                db.session.remove()


@pytest.fixture
def live_server(tmp_path):
    """The app on a fresh SQLite file, served in a thread on a free port for one test."""
    instance = tmp_path / "instance"
    instance.mkdir()
    app = make_app(f"sqlite:///{instance / 'browser.sqlite'}", str(instance))
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


class DemoSite(LiveServer):
    """The demo served for the session, with a movable calendar for the money steps."""

    _today = None

    def day(self, day) -> None:
        """From now on the money steps' calendar says today is ``day``."""
        DemoSite._today = day


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """``caseapp demo`` served once per session (see the module's docstring)."""
    from datetime import date

    from sqlalchemy import update

    from caseapp.auth.models import User
    from caseapp.demo.services import create_demo
    from tests.factories import _PASSWORD_HASH

    instance = tmp_path_factory.mktemp("demo-site")
    app = make_app(f"sqlite:///{instance / 'demo.sqlite'}", str(instance))
    site = DemoSite(url="", app=app)
    with app.app_context():
        db.create_all()
    with site.session() as s:
        create_demo()
        s.execute(update(User).where(User.username.like("demo_%"))
                  .values(password_hash=_PASSWORD_HASH, must_change_password=False))
    DemoSite._today = date(2025, 6, 2)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    site.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield site
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _demo_calendar(request):
    """While a test using ``demo_site`` runs (never after it: the session's other tests keep the real calendar),
    the money steps' calendar is the demo site's day."""
    if "demo_site" not in request.fixturenames:
        yield
        return
    from unittest import mock

    from caseapp.payments import dates

    with mock.patch.object(dates, "local_today", lambda: DemoSite._today):
        yield


def login(page, site, username: str) -> None:
    """Sign ``page`` in as ``username`` (the factories' password) through the login form."""
    from tests.factories import PASSWORD

    page.goto(f"{site.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium, headless, for the whole session."""
    if not os.access(CHROMIUM, os.X_OK):
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        pytest.fail(message) if REQUIRE else pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium, request):
    """A factory of pages, each in its own context; a failed test leaves a screenshot of every page."""
    contexts = []

    def make(viewport="phone", **options):
        size = VIEWPORTS[viewport] if isinstance(viewport, str) else {"width": viewport[0], "height": viewport[1]}
        ctx = chromium.new_context(viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai",
                                   is_mobile=viewport == "phone", has_touch=viewport == "phone", **options)
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    failed = any(getattr(request.node, f"rep_{when}", None) is not None and
                 getattr(request.node, f"rep_{when}").failed for when in ("setup", "call"))
    for number, ctx in enumerate(contexts):
        if failed:
            _screenshots(ctx, request.node.nodeid, number)
        ctx.close()


def _screenshots(ctx, nodeid: str, number: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", nodeid)
    for index, page in enumerate(ctx.pages):
        page.screenshot(path=str(ARTIFACTS / f"{stem}-{number}-{index}.png"), full_page=True)


@pytest.fixture
def phone_page(new_page):
    """One page at a phone's size (390×844, touch)."""
    return new_page("phone")


@pytest.fixture
def desktop_page(new_page):
    """One page at a desktop's size (1366×900)."""
    return new_page("desktop")

