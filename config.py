"""caseapp configuration, read from the environment.

``CASEAPP_ENV`` picks the class: ``development`` (the embedded default), ``production`` or ``testing``.
The embedded default needs no settings at all: SQLite in the instance folder, jobs in-process, mail to
a local outbox folder, and keys generated once in the instance folder and kept there.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


class ConfigError(RuntimeError):
    """A required setting is missing or malformed; the message names it."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, default)
    return value if value not in ("",) else default


def _int_env(name: str, default: int) -> int:
    value = _env(name)
    if value is None:
        return default
    if not value.strip().isdigit():
        raise ConfigError(f"{name} 应为非负整数，而不是“{value}”")
    return int(value)


def _read_or_create_key(path: Path, make) -> str:
    """Return the key stored at ``path``, creating it (mode 0600) the first time."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _normalise_db_url(url: str) -> str:
    # Operators paste Heroku-style URLs; SQLAlchemy wants an explicit driver for psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class BaseConfig:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    DEBUG = False
    TESTING = False
    SECRET_KEY: str | None = None
    DATA_KEYS: list[str] = []
    LOOKUP_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL: str | None = None
    SMTP_HOST: str | None = None
    SMTP_PORT = 25
    SMTP_USER: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_SENDER = "caseapp@localhost"
    SMTP_STARTTLS = False
    MAIL_OUTBOX_DIR: str | None = None
    TIMEZONE = "Asia/Shanghai"
    BASE_URL = "http://127.0.0.1:5000"
    # Cookies: HttpOnly and SameSite=Lax always; Secure outside local development.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    WTF_I18N_ENABLED = False
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    #: login throttling (auth/throttle.py): free attempts per account name, then a delay from
    #: LOGIN_DELAY_SECONDS doubling up to LOGIN_LOCK_SECONDS; per client address a higher limit and a shorter cap
    LOGIN_MAX_FAILURES = 5
    LOGIN_DELAY_SECONDS = 15
    LOGIN_LOCK_SECONDS = 15 * 60
    LOGIN_ADDRESS_MAX_FAILURES = 20
    LOGIN_ADDRESS_MAX_DELAY = 60
    LOGIN_WINDOW_SECONDS = 15 * 60
    LOGIN_THROTTLE_STORE = "database"
    #: reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (0: none)
    TRUSTED_PROXIES = 0
    #: werkzeug's method for new password hashes (deliberately slow); verification reads the stored method
    PASSWORD_HASH_METHOD = "scrypt"
    PAGE_SIZE = 50
    JOBS_IN_PROCESS = True
    #: a running job renews its lock every JOB_HEARTBEAT_SECONDS; a lock (and a run) without a heartbeat for
    #: JOB_LOCK_SECONDS belongs to a dead process: the lock lapses, the run shows as 中断
    JOB_LOCK_SECONDS = 90
    JOB_HEARTBEAT_SECONDS = 20
    #: logs: "text" (one line: time, level, logger, request/task id, message) or "json" (one object a line)
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    #: requests a minute per client address on the public questionnaire pages (per web process)
    SURVEY_PUBLIC_RATE_LIMIT = 30

    @classmethod
    def load(cls, instance_path: str) -> dict:
        """Build the settings dict from the environment; subclasses add their own checks."""
        cfg = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        cfg.update(
            REDIS_URL=_env("REDIS_URL"),
            SMTP_HOST=_env("SMTP_HOST"),
            SMTP_PORT=int(_env("SMTP_PORT", "25")),
            SMTP_USER=_env("SMTP_USER"),
            SMTP_PASSWORD=_env("SMTP_PASSWORD"),
            SMTP_SENDER=_env("SMTP_SENDER", cls.SMTP_SENDER),
            SMTP_STARTTLS=_env("SMTP_STARTTLS", "0") in ("1", "true", "yes"),
            TIMEZONE=_env("CASEAPP_TIMEZONE", cls.TIMEZONE),
            BASE_URL=_env("CASEAPP_BASE_URL", cls.BASE_URL),
            SURVEY_PUBLIC_RATE_LIMIT=int(_env("CASEAPP_SURVEY_RATE_LIMIT", str(cls.SURVEY_PUBLIC_RATE_LIMIT))),
            LOGIN_THROTTLE_STORE=_env("CASEAPP_LOGIN_THROTTLE", cls.LOGIN_THROTTLE_STORE),
        )
        cfg["TRUSTED_PROXIES"] = _int_env("CASEAPP_TRUSTED_PROXIES", 0)
        cfg["JOBS_IN_PROCESS"] = not cfg["REDIS_URL"]
        cfg.update(JOB_LOCK_SECONDS=max(_int_env("CASEAPP_JOB_LOCK_SECONDS", cls.JOB_LOCK_SECONDS), 1),
                   JOB_HEARTBEAT_SECONDS=max(_int_env("CASEAPP_JOB_HEARTBEAT_SECONDS", cls.JOB_HEARTBEAT_SECONDS), 1),
                   LOG_FORMAT=_env("CASEAPP_LOG_FORMAT", cls.LOG_FORMAT),
                   LOG_LEVEL=_env("CASEAPP_LOG_LEVEL", cls.LOG_LEVEL))
        if cfg["LOG_FORMAT"] not in ("text", "json"):
            raise ConfigError("CASEAPP_LOG_FORMAT 应为 text 或 json")
        db_url = _env("DATABASE_URL")
        cfg["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(db_url) if db_url else None
        cfg["SECRET_KEY"] = _env("SECRET_KEY")
        data_key = _env("CASEAPP_DATA_KEY")
        cfg["DATA_KEYS"] = [k.strip() for k in data_key.split(",") if k.strip()] if data_key else []
        cfg["LOOKUP_KEY"] = _env("CASEAPP_LOOKUP_KEY")
        cfg["MAIL_OUTBOX_DIR"] = _env("CASEAPP_MAIL_OUTBOX")
        return cfg


class DevelopmentConfig(BaseConfig):
    """The embedded default: everything local, keys kept in the instance folder."""

    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False

    @classmethod
    def load(cls, instance_path: str) -> dict:
        cfg = super().load(instance_path)
        inst = Path(instance_path)
        if not cfg["SQLALCHEMY_DATABASE_URI"]:
            cfg["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{inst / 'caseapp.sqlite'}"
        if not cfg["SECRET_KEY"]:
            cfg["SECRET_KEY"] = _read_or_create_key(inst / "secret_key", lambda: secrets.token_hex(32))
        if not cfg["DATA_KEYS"]:
            key = _read_or_create_key(inst / "data_key", lambda: Fernet.generate_key().decode())
            cfg["DATA_KEYS"] = [key]
        if not cfg["LOOKUP_KEY"]:
            cfg["LOOKUP_KEY"] = _read_or_create_key(inst / "lookup_key", lambda: secrets.token_hex(32))
        if not cfg["MAIL_OUTBOX_DIR"]:
            cfg["MAIL_OUTBOX_DIR"] = str(inst / "outbox")
        return cfg


class ProductionConfig(BaseConfig):
    """Production: PostgreSQL, Redis and SMTP from the environment; refuses to guess keys."""

    ENV_NAME = "production"

    @classmethod
    def load(cls, instance_path: str) -> dict:
        cfg = super().load(instance_path)
        missing = [name for name, key in (("SECRET_KEY", "SECRET_KEY"), ("CASEAPP_DATA_KEY", "DATA_KEYS"),
                                          ("CASEAPP_LOOKUP_KEY", "LOOKUP_KEY"), ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"))
                   if not cfg[key]]
        if not cfg["SMTP_HOST"] and not cfg["MAIL_OUTBOX_DIR"]:
            missing.append("SMTP_HOST（或有意把邮件写入文件夹时设置 CASEAPP_MAIL_OUTBOX）")
        if missing:
            raise ConfigError("生产环境缺少必需的配置项: " + ", ".join(missing))
        for key in cfg["DATA_KEYS"]:
            try:
                Fernet(key.encode())
            except ValueError as exc:
                raise ConfigError("CASEAPP_DATA_KEY 不是有效的 Fernet 密钥") from exc
        return cfg


#: the testing config's password hash method (tests/factories.py hashes its users' password with it too)
TEST_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"


class TestingConfig(DevelopmentConfig):
    """Tests: the embedded default with CSRF off unless a test turns it on."""

    ENV_NAME = "testing"
    TESTING = True
    WTF_CSRF_ENABLED = False
    #: one round: a test suite that logs in hundreds of times must not spend minutes hashing
    PASSWORD_HASH_METHOD = TEST_PASSWORD_HASH_METHOD

    @classmethod
    def load(cls, instance_path: str) -> dict:
        # a test names the broker or mail server it wants; the shell's REDIS_URL / SMTP_HOST never leak in
        cfg = super().load(instance_path)
        cfg.update(REDIS_URL=None, JOBS_IN_PROCESS=True, SMTP_HOST=None)
        return cfg


CONFIGS = {"development": DevelopmentConfig, "production": ProductionConfig, "testing": TestingConfig}


def load_config(instance_path: str, env_name: str | None = None) -> dict:
    """Pick the config class from ``CASEAPP_ENV`` (default development) and load it."""
    name = env_name or os.environ.get("CASEAPP_ENV", "development")
    if name not in CONFIGS:
        raise ConfigError(f"未知的 CASEAPP_ENV: {name}（可选 development / production / testing）")
    return CONFIGS[name].load(instance_path)
