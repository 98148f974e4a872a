"""Login throttling that slows guessers without locking everyone out, and cannot be outrun or used to probe names."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from caseapp.auth import services, throttle
from caseapp.auth.services import issue_token
from caseapp.core import context
from caseapp.core.db import db, utcnow
from tests.factories import PASSWORD, UserFactory
from tests.jobs.committed import committed_app


@pytest.fixture
def small_address_limit(app):
    """8 free attempts per address instead of 20: the same behaviour in fewer (slow, scrypt-checked) logins."""
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 8
    yield app
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 20


@pytest.fixture
def proxied(small_address_limit):
    """The app behind one trusted reverse proxy: every request arrives from 10.0.0.1 with X-Forwarded-For."""
    small_address_limit.config["TRUSTED_PROXIES"] = 1
    yield small_address_limit
    small_address_limit.config["TRUSTED_PROXIES"] = 0


def login(client, username, password=PASSWORD, client_address="203.0.113.7"):
    return client.post("/login", data={"username": username, "password": password},
                       headers={"X-Forwarded-For": client_address}, environ_base={"REMOTE_ADDR": "10.0.0.1"})


def flash_of(resp) -> str:
    found = re.search(r'class="flash flash-\w+">([^<]*)<', resp.get_data(as_text=True))
    return found.group(1) if found else ""


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, movable by the test."""
    now = [utcnow()]
    monkeypatch.setattr(throttle, "utcnow", lambda: now[0])
    return now


def test_guessing_from_one_address_does_not_lock_out_the_others_behind_the_proxy(proxied):
    users = [UserFactory() for _ in range(3)]
    for n in range(10):  # a guesser at one address tries many names
        login(proxied.test_client(), f"guess{n}", "wrong-password!", client_address="198.51.100.9")
    assert "暂时锁定" in flash_of(login(proxied.test_client(), "guess99", "x", client_address="198.51.100.9"))
    for n, user in enumerate(users):  # colleagues behind the same proxy log in at once
        assert login(proxied.test_client(), user.username, client_address=f"203.0.113.{n + 1}").status_code == 302


def test_without_trusted_proxies_forwarded_headers_are_ignored(small_address_limit):
    app = small_address_limit
    for n in range(10):
        login(app.test_client(), f"guess{n}", "wrong-password!", client_address=f"198.51.100.{n}")
    # every request came from 10.0.0.1; a forged X-Forwarded-For does not give a guesser fresh addresses
    assert "暂时锁定" in flash_of(login(app.test_client(), "guess99", "x", client_address="192.0.2.1"))


def test_unknown_and_locked_accounts_get_the_same_answers(proxied, clock):
    real = UserFactory()
    answers = {}
    for name in (real.username, "no-such-user"):
        steps = []
        for _ in range(proxied.config["LOGIN_MAX_FAILURES"] + 2):
            resp = login(proxied.test_client(), name, "wrong-password!", client_address="203.0.113.50")
            steps.append((resp.status_code, flash_of(resp)))
        answers[name] = steps
        clock[0] += timedelta(hours=1)  # the address starts over for the second name
    assert answers[real.username] == answers["no-such-user"]
    assert "用户名或密码错误" in answers[real.username][0][1] and "暂时锁定" in answers[real.username][-1][1]


def test_the_delay_grows_and_then_the_right_password_works(proxied, clock):
    user = UserFactory()
    limit = proxied.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        login(proxied.test_client(), user.username, "wrong-password!")
    assert "15 秒" in flash_of(login(proxied.test_client(), user.username))  # blocked: not even the right one
    clock[0] += timedelta(seconds=16)
    assert "用户名或密码错误" in flash_of(login(proxied.test_client(), user.username, "wrong-again!"))
    assert "30 秒" in flash_of(login(proxied.test_client(), user.username))  # the delay doubled
    clock[0] += timedelta(seconds=31)
    assert login(proxied.test_client(), user.username).status_code == 302  # not locked out for good
    assert "用户名或密码错误" in flash_of(login(proxied.test_client(), user.username, "wrong-password!"))


def test_a_shared_address_is_slowed_by_a_minute_at_most(proxied, clock):
    for n in range(14):
        clock[0] += timedelta(seconds=61)  # each block has passed: the address's delay keeps growing
        login(proxied.test_client(), f"guess{n}", "wrong-password!", client_address="198.51.100.9")
    message = flash_of(login(proxied.test_client(), "guess99", "x", client_address="198.51.100.9"))
    assert int(re.search(r"(\d+) 秒", message).group(1)) <= proxied.config["LOGIN_ADDRESS_MAX_DELAY"]


def test_password_change_and_disabling_revoke_api_tokens(client, app, operator):
    user, other = UserFactory(), UserFactory()
    token, other_token = issue_token(user), issue_token(other)
    services.change_password(user, PASSWORD, "a-new-password-2025")
    db.session.flush()
    assert client.get("/api/v1/orgs", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    services.set_enabled(other, False)
    services.set_enabled(other, True)  # enabling again does not bring the old token back
    db.session.flush()
    assert client.get("/api/v1/orgs", headers={"Authorization": f"Bearer {other_token}"}).status_code == 401
    assert client.get("/api/v1/orgs", headers={"Authorization": f"Bearer {issue_token(other)}"}).status_code == 200


def test_a_password_reset_by_an_admin_revokes_api_tokens_too(client, app):
    from tests.conftest import acting_as

    admin = UserFactory(roles=["admin"])
    user = UserFactory(org=admin.org)
    token = issue_token(user)
    with acting_as(admin):
        services.reset_password(user)
    db.session.flush()
    assert client.get("/api/v1/orgs", headers={"Authorization": f"Bearer {token}"}).status_code == 401


@pytest.fixture(params=["sqlite", "postgresql"])
def live(request, tmp_path):
    """A committed database (concurrent requests must see each other's commits)."""
    app = committed_app(request, tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_concurrent_guesses_get_no_more_tries_than_the_limit(live, monkeypatch):
    with live.app_context():
        token = context.set_principal(context.OPERATOR)
        username = UserFactory().username
        db.session.commit()
        context.reset_principal(token)
    checks = []
    real_check = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda *a: checks.append(1) or real_check(*a))

    def guess(n):
        return live.test_client().post("/login", data={"username": username, "password": f"guess-{n}"}).status_code

    with ThreadPoolExecutor(19) as pool:
        statuses = list(pool.map(guess, range(19)))
    assert set(statuses) == {200} and len(checks) == live.config["LOGIN_MAX_FAILURES"]


def test_redis_counters_follow_the_same_policy(app, redis_url, clock):
    import uuid

    from caseapp.auth.throttle_redis import RedisStore

    store, key = RedisStore.from_url(redis_url), f"test:{uuid.uuid4().hex}"
    policy = throttle.Policy(free=3, base_seconds=15, max_seconds=60, window_seconds=60)
    for _ in range(3):
        store.reserve(key, policy)
    with pytest.raises(throttle.Blocked) as blocked:
        store.reserve(key, policy)
    assert 14 <= blocked.value.seconds <= 15
    store.give_back(key, policy)  # a success under the limit again lifts the block
    store.reserve(key, policy)
    store.clear(key)
    store.client.delete(key)
