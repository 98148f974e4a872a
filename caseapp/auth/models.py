"""Users, their roles, API tokens and login throttling."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.auth.roles import ROLES
from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.orgs.models import Organisation


class User(UserMixin, db.Model):
    """A person who logs in; sees and changes only their organisation's subtree."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))  #: werkzeug scrypt hash
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: bumped on logout, password change and disabling: every older session cookie stops working
    session_generation: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    org: Mapped[Organisation] = relationship()
    role_rows: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_enabled

    def get_id(self) -> str:
        # the generation travels in the session cookie; a bumped generation invalidates it
        return f"{self.id}:{self.session_generation}"

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint("role IN (" + ",".join(f"'{r}'" for r in ROLES) + ")", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))


class ApiToken(db.Model):
    """A bearer token for scripts; only its SHA-256 is stored (the token itself is 256 random bits)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  #: first characters, to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Login attempts per typed account name and per client address (see ``throttle.py``)."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)  #: "acct:<keyed hash>" or "ip:<keyed hash>"
    failures: Mapped[int] = mapped_column(default=0)  #: attempts counted since the key last started over
    last_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  #: attempts before this are refused
