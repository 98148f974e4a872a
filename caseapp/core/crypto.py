"""Personal data at rest: Fernet encryption (rotatable) and keyed hashes for look-ups."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import String, Text, select, update
from sqlalchemy.types import TypeDecorator


@dataclass
class Keyring:
    """The data keys (newest first) and the separate look-up hash secret."""

    fernet: MultiFernet
    lookup_key: bytes

    @classmethod
    def from_config(cls, data_keys: list[str], lookup_key: str) -> "Keyring":
        return cls(MultiFernet([Fernet(k.encode()) for k in data_keys]), lookup_key.encode())


_keyring: Keyring | None = None


def init_app(app) -> None:
    """Load the keys from the app's configuration."""
    global _keyring
    _keyring = Keyring.from_config(app.config["DATA_KEYS"], app.config["LOOKUP_KEY"])
    app.extensions["caseapp_keyring"] = _keyring


def keyring() -> Keyring:
    """The active keyring; raises if no app configured one."""
    if _keyring is None:
        raise RuntimeError("加密密钥尚未加载")
    return _keyring


def encrypt(value: str) -> str:
    """Encrypt text with the newest data key."""
    return keyring().fernet.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt text written with any of the configured data keys."""
    try:
        return keyring().fernet.decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError("无法解密个人信息：数据密钥不匹配") from exc


def encrypt_bytes(content: bytes) -> bytes:
    """Encrypt a file's bytes (an error workbook holding uploaded personal data) with the newest data key."""
    return keyring().fernet.encrypt(content)


def decrypt_bytes(token: bytes) -> bytes:
    """Decrypt bytes written by :func:`encrypt_bytes` with any configured data key."""
    try:
        return keyring().fernet.decrypt(token)
    except InvalidToken as exc:
        raise RuntimeError("无法解密文件：数据密钥不匹配") from exc


def lookup_hash(value: str) -> str:
    """Keyed HMAC-SHA256 of a normalised value; a plain hash of an ID number is brute-forceable."""
    return hmac.new(keyring().lookup_key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedString(TypeDecorator):
    """A text column stored as a Fernet token; Python sees plain text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, _Raw):  # key rotation writes tokens it already made
            return str(value)
        return encrypt(str(value))

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


def HashColumn():  # noqa: N802 - reads like a type
    """Type of a keyed-hash column (hex SHA-256)."""
    return String(64)


def encrypted_columns(metadata):
    """Yield (table, column) for every EncryptedString column in the metadata."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedString):
                yield table, column


def rotate_all(connection, metadata, batch: int = 1000) -> int:
    """Re-encrypt every encrypted value with the newest key; returns how many values changed."""
    fernet = keyring().fernet
    changed = 0
    for table, column in encrypted_columns(metadata):
        pk = list(table.primary_key.columns)[0]
        raw = column.type.impl  # read the stored token, not the decrypted text
        rows = connection.execute(select(pk, column.cast(raw)).where(column.isnot(None))).all()
        for row_id, token in rows:
            new = fernet.rotate(token.encode()).decode()
            connection.execute(update(table).where(pk == row_id).values({column.name: _Raw(new)}))
            changed += 1
    return changed


class _Raw(str):
    """Marker for an already-encrypted token that must bypass re-encryption."""
