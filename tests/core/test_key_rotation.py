"""Personal data is a Fernet token at rest, and ``caseapp keys rotate`` re-encrypts it with the newest key."""
from datetime import date

from cryptography.fernet import Fernet
from sqlalchemy import select, text

from caseapp.core import crypto
from caseapp.core.db import db
from caseapp.persons.models import Person
from tests.factories import OrgFactory


def _raw_id_numbers() -> list[str]:
    return list(db.session.scalars(text("SELECT id_number FROM persons")))


def test_rotate_re_encrypts_with_the_newest_key(app, operator):
    org = OrgFactory()
    p = Person(org_id=org.id, name="张三", sex="女", birth_date=date(1949, 12, 31))
    p.set_id_number("11010519491231002X")
    p.set_phone("+8613812345678")
    db.session.add(p)
    db.session.flush()
    old_token = _raw_id_numbers()[0]
    assert "11010519491231002X" not in old_token and old_token.startswith("gAAAA")
    original = crypto.keyring()
    new_key = Fernet.generate_key().decode()
    try:
        crypto._keyring = crypto.Keyring.from_config([new_key, *app.config["DATA_KEYS"]], app.config["LOOKUP_KEY"])
        runner = app.test_cli_runner()
        result = runner.invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        new_token = _raw_id_numbers()[0]
        assert new_token != old_token
        assert Fernet(new_key.encode()).decrypt(new_token.encode()) == b"11010519491231002X"
        db.session.expire_all()
        assert db.session.scalar(select(Person)).id_number == "11010519491231002X"
    finally:
        crypto._keyring = original
