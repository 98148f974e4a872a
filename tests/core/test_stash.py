"""A stashed file (a pending import, an error workbook) is its owner's only, kept under the hash of its token,
encrypted, and gone once expired; expired files are cleared by the next one stashed."""
from datetime import timedelta

from sqlalchemy import func, select, text

from caseapp.core import stash
from caseapp.core.db import db, utcnow
from caseapp.core.stash import StashedFile
from tests.conftest import acting_as
from tests.factories import UserFactory

CONTENT = "身份证号 130434198506150011".encode()


def test_only_the_owner_gets_the_file_back_and_only_the_tokens_hash_is_kept(app):
    owner, other = UserFactory(), UserFactory()
    with acting_as(owner):
        token = stash.put("roster_errors", CONTENT, {"name": "错误.xlsx"})
        assert stash.get("roster_errors", token) == stash.Stashed(CONTENT, {"name": "错误.xlsx"})
        assert stash.get("budget_import", token) is None and stash.get("roster_errors", token[:-1] + "x") is None
    with acting_as(other):
        assert stash.get("roster_errors", token) is None  # a stolen token is no good to another user
    token_hash, content, meta = db.session.execute(text("SELECT token_hash, content, meta FROM stashed_files")).one()
    assert token not in token_hash and CONTENT not in bytes(content) and "错误" not in meta  # as stored


def test_an_expired_file_is_gone_and_cleared_by_the_next(app, monkeypatch):
    user = UserFactory()
    with acting_as(user):
        token = stash.put("budget_import", CONTENT, ttl=timedelta(minutes=30))
        later = utcnow() + timedelta(minutes=31)
        monkeypatch.setattr(stash, "utcnow", lambda: later)
        assert stash.get("budget_import", token) is None
        stash.put("budget_import", b"next")
    assert db.session.scalar(select(func.count()).select_from(StashedFile)) == 1
