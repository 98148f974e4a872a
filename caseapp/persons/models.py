"""The person record shared by case files, 劳模 records, award recipients and payments."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core import limits
from caseapp.core.crypto import EncryptedString, HashColumn
from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.core.masking import mask_account, mask_id, mask_phone
from caseapp.orgs.models import Organisation


class Person(db.Model):
    """A real person; personal data encrypted at rest, found through keyed hashes."""

    __tablename__ = "persons"
    __table_args__ = (CheckConstraint("sex IN ('男','女')", name="sex"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  #: 所属工会
    name: Mapped[str] = limits.text(100, "姓名", index=True)
    id_number: Mapped[str] = mapped_column(EncryptedString)  #: 身份证号 (Fernet)
    #: HMAC-SHA256 of the normalised 身份证号: look-ups and the one-person-per-number rule
    id_hash: Mapped[str] = mapped_column(HashColumn(), unique=True)
    id_masked: Mapped[str] = mapped_column(String(24))  #: "1304**********123X", safe to show and sort
    sex: Mapped[str] = mapped_column(String(2))  #: 男 / 女, from digit 17
    birth_date: Mapped[date] = mapped_column()
    ethnicity: Mapped[str] = limits.text(20, "民族", default="")
    phone: Mapped[str | None] = mapped_column(EncryptedString)  #: E.164, encrypted
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    work_unit: Mapped[str] = limits.text(200, "工作单位", default="")
    bank_name: Mapped[str | None] = limits.text(100, "开户行")
    bank_account: Mapped[str | None] = mapped_column(EncryptedString)  #: 账号, encrypted
    bank_account_masked: Mapped[str | None] = mapped_column(String(24))
    account_holder: Mapped[str | None] = limits.text(100, "户名")  #: 实名制: normally the person
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    org: Mapped[Organisation] = relationship()

    def set_id_number(self, normalised: str) -> None:
        """Store a validated 身份证号 encrypted, with its hash and mask."""
        from caseapp.core.crypto import lookup_hash

        self.id_number, self.id_hash, self.id_masked = normalised, lookup_hash(normalised), mask_id(normalised)

    def set_phone(self, e164: str | None) -> None:
        self.phone, self.phone_masked = e164, (mask_phone(e164) if e164 else None)

    def set_bank_account(self, account: str | None) -> None:
        self.bank_account, self.bank_account_masked = account, (mask_account(account) if account else None)


class SavedSearch(db.Model):
    """A list search kept on the server under a random token: the typed text never reaches a URL, a log or the
    (signed but readable) session cookie. Only the user who made it can use it, for a day."""

    __tablename__ = "saved_searches"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(40))  #: which list the search belongs to
    name: Mapped[str | None] = mapped_column(EncryptedString)  #: a name (prefix) as typed, encrypted
    id_hash: Mapped[str | None] = mapped_column(HashColumn())  #: a full 身份证号, only as its keyed hash
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
