"""Case-file test helpers: a registered person with an open file."""
from datetime import date

from caseapp.cases import services
from caseapp.persons.services import register_person
from tests.conftest import acting_as
from tests.persons.people import new_id

BASIC = {"main_cause": "因病", "family_size": 3, "family_income_fen": 300_000, "category": "相对困难"}


def open_file_for(user, name: str = "张三", data: dict | None = None, members=None, on=date(2025, 3, 1)):
    """Register a person as ``user`` and open a file for them."""
    with acting_as(user):
        person = register_person(name, new_id(), phone="13812345678")
        return services.open_file(person, {**BASIC, **(data or {})}, members, today=on)
