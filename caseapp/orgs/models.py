"""The organisation tree."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core import limits
from caseapp.core.db import UTCDateTime, db, utcnow

LEVELS = {"county": "县总工会", "township": "乡镇/街道工会", "grassroots": "基层(单位)工会"}


class Organisation(db.Model):
    """A trade union organisation; users and records belong to one."""

    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint("level IN ('county','township','grassroots')", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  #: 组织代码, e.g. 711001
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))  #: county / township / grassroots
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: materialised path of ids ("/1/4/9/") so a subtree is one indexed prefix query
    path: Mapped[str] = mapped_column(String(400), index=True, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: 单位全称 as printed on documents (e.g. 魏县总工会 in full, when ``name`` is a short form); "" means ``name``
    full_name: Mapped[str] = limits.text(200, "单位全称", default="", server_default="")
    #: 监督电话 printed under every 公示
    supervision_phone: Mapped[str] = limits.text(40, "监督电话", default="", server_default="")
    #: 地址 printed under every 公示
    address: Mapped[str] = limits.text(200, "地址", default="", server_default="")

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id])

    @property
    def level_label(self) -> str:
        return LEVELS[self.level]

    @property
    def printed_name(self) -> str:
        """The name documents print: the full name when one is set."""
        return self.full_name or self.name

    @property
    def depth(self) -> int:
        return self.path.strip("/").count("/")

    def __repr__(self) -> str:
        return f"<Organisation {self.code} {self.name}>"
