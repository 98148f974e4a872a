"""Configuration: production refuses to start without its keys; the embedded default keeps its keys."""
import pytest
from cryptography.fernet import Fernet

from config import ConfigError, load_config


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("SECRET_KEY", "CASEAPP_DATA_KEY", "CASEAPP_LOOKUP_KEY", "DATABASE_URL", "REDIS_URL", "SMTP_HOST",
                 "CASEAPP_MAIL_OUTBOX"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_names_every_missing_setting(clean_env, tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(str(tmp_path), "production")
    for name in ("SECRET_KEY", "CASEAPP_DATA_KEY", "CASEAPP_LOOKUP_KEY", "DATABASE_URL", "SMTP_HOST"):
        assert name in str(err.value)
    assert "生产环境缺少" in str(err.value)


def test_production_refuses_a_malformed_data_key(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", "s" * 64)
    clean_env.setenv("CASEAPP_LOOKUP_KEY", "l" * 64)
    clean_env.setenv("DATABASE_URL", "postgresql://db/caseapp")
    clean_env.setenv("CASEAPP_DATA_KEY", "not-a-key")
    clean_env.setenv("SMTP_HOST", "smtp.internal")
    with pytest.raises(ConfigError, match="CASEAPP_DATA_KEY"):
        load_config(str(tmp_path), "production")


def test_production_reads_rotation_keys_newest_first(clean_env, tmp_path):
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    clean_env.setenv("SECRET_KEY", "s" * 64)
    clean_env.setenv("CASEAPP_LOOKUP_KEY", "l" * 64)
    clean_env.setenv("DATABASE_URL", "postgres://u@db/caseapp")
    clean_env.setenv("CASEAPP_DATA_KEY", f"{new}, {old}")
    clean_env.setenv("SMTP_HOST", "smtp.internal")
    cfg = load_config(str(tmp_path), "production")
    assert cfg["DATA_KEYS"] == [new, old]
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/caseapp"
    assert cfg["SESSION_COOKIE_SECURE"] is True and cfg["DEBUG"] is False


def test_embedded_default_creates_keys_once_and_keeps_them(clean_env, tmp_path):
    first = load_config(str(tmp_path), "development")
    second = load_config(str(tmp_path), "development")
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and first["DATA_KEYS"] == second["DATA_KEYS"]
    assert (tmp_path / "data_key").stat().st_mode & 0o777 == 0o600
    assert first["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///") and first["JOBS_IN_PROCESS"] is True
    assert first["MAIL_OUTBOX_DIR"].endswith("outbox")


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="CASEAPP_ENV"):
        load_config(str(tmp_path), "staging")


def test_tests_hash_passwords_cheaply_and_production_does_not(app):
    """Hundreds of logins in the suite check a one-round hash; real installations keep werkzeug's scrypt."""
    from config import BaseConfig
    from tests.factories import UserFactory

    assert app.config["PASSWORD_HASH_METHOD"] == "pbkdf2:sha256:1" and BaseConfig.PASSWORD_HASH_METHOD == "scrypt"
    assert UserFactory().password_hash.startswith("pbkdf2:sha256:1$")
    with app.app_context():
        from caseapp.auth.services import hash_password

        assert hash_password("十个字符以上的密码").startswith("pbkdf2:sha256:1$")


def _production_env(env) -> None:
    env.setenv("SECRET_KEY", "s" * 64)
    env.setenv("CASEAPP_LOOKUP_KEY", "l" * 64)
    env.setenv("DATABASE_URL", "postgresql://db/caseapp")
    env.setenv("CASEAPP_DATA_KEY", Fernet.generate_key().decode())


def test_production_without_smtp_refuses_unless_a_mail_folder_is_chosen(clean_env, tmp_path):
    _production_env(clean_env)
    with pytest.raises(ConfigError, match="SMTP_HOST.*CASEAPP_MAIL_OUTBOX"):
        load_config(str(tmp_path), "production")
    clean_env.setenv("CASEAPP_MAIL_OUTBOX", str(tmp_path / "mail"))
    cfg = load_config(str(tmp_path), "production")
    assert cfg["SMTP_HOST"] is None and cfg["MAIL_OUTBOX_DIR"] == str(tmp_path / "mail")
