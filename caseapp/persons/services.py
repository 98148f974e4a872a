"""Registering, finding and revealing persons: one row per 身份证号, scoped, audited, masked."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from caseapp.auth.roles import FULL_VIEW_ROLES
from caseapp.core.audit import diff, record
from caseapp.core.calendar import local_today
from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.core.errors import Conflict, NotFound, ValidationFailed
from caseapp.core.idnumber import IdNumber, IdNumberError, parse_id_number
from caseapp.core.phone import PhoneError, normalize_phone
from caseapp.core.scoping import get_scoped, in_scope, principal_or_deny, require_org_in_scope, require_role, scoped
from caseapp.orgs.models import Organisation
from caseapp.persons import names
from caseapp.persons.models import Person

#: roles that may register and change persons (the operator holds every role)
WRITE_ROLES = ("caseworker", "admin")
#: what :func:`reveal` may show in full, with its Chinese label
REVEALABLE = {"id_number": "身份证号", "phone": "手机号", "bank_account": "银行账号"}
_EDITABLE = ("name", "ethnicity", "work_unit", "bank_name", "account_holder")


def parse_id(raw, *, sex: str | None = None, today: date | None = None, field: str = "id_number") -> IdNumber:
    """A validated 身份证号, or ValidationFailed naming ``field`` with the Chinese reason."""
    try:
        return parse_id_number(raw, sex=sex or None, today=today or local_today())
    except IdNumberError as exc:
        raise ValidationFailed(str(exc), field=field) from None


def parse_phone(raw: str | None, field: str = "phone") -> str | None:
    """A phone in E.164, None when blank, or ValidationFailed."""
    if raw is None or not str(raw).strip():
        return None
    try:
        return normalize_phone(str(raw))
    except PhoneError as exc:
        raise ValidationFailed(str(exc), field=field) from None


def snapshot(person: Person) -> dict:
    """The person's data as the audit log may keep it: masked."""
    return {"name": person.name, "id_number": person.id_masked, "sex": person.sex, "org_id": person.org_id,
            "ethnicity": person.ethnicity, "work_unit": person.work_unit, "phone": person.phone_masked,
            "bank_name": person.bank_name, "bank_account": person.bank_account_masked,
            "account_holder": person.account_holder}


def resolve_org(org: Organisation | None = None, org_code: str | None = None) -> Organisation:
    """The organisation to register into: given, by code, or the actor's own; always within scope."""
    if org is None and org_code:
        org = db.session.scalar(select(Organisation).where(Organisation.code == org_code.strip()))
        if org is None:
            raise NotFound(f"找不到组织 {org_code}", field="org_code")
    if org is None:
        principal = principal_or_deny()
        if principal.org_id is None:
            raise ValidationFailed("请指定所属工会", field="org_code")
        org = db.session.get(Organisation, principal.org_id)
    require_org_in_scope(org.id)
    return org


def register_person(name: str, id_number, *, sex: str | None = None, phone: str | None = None,
                    org: Organisation | None = None, org_code: str | None = None, work_unit: str | None = None,
                    ethnicity: str | None = None, bank_name: str | None = None, bank_account: str | None = None,
                    account_holder: str | None = None, today: date | None = None,
                    correct_name: bool = False) -> Person:
    """Register a person, or update the one already registered in scope under the same 身份证号; another name
    for a registered number is refused unless ``correct_name`` (the correction is audited)."""
    require_role(*WRITE_ROLES)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写姓名", field="name")
    parsed = parse_id(id_number, sex=sex, today=today)
    e164 = parse_phone(phone)
    target = resolve_org(org, org_code)
    existing = _existing_or_conflict(parsed.value)
    fields = {"name": name, "work_unit": work_unit, "ethnicity": ethnicity, "bank_name": bank_name,
              "account_holder": account_holder}
    if existing is not None:
        names.check(existing, name, correct=correct_name)
        return _update(existing, {**fields, "name": None}, e164, bank_account)
    person = Person(org_id=target.id, sex=parsed.sex, birth_date=parsed.birth_date,
                    **{k: (v or "").strip() if k in ("work_unit", "ethnicity") else v for k, v in fields.items()})
    person.set_id_number(parsed.value)
    person.set_phone(e164)
    person.set_bank_account(_clean_account(bank_account))
    db.session.add(person)
    db.session.flush()
    record("person.create", person, after=snapshot(person), summary=f"登记人员 {person.name}")
    return person


def _existing_or_conflict(normalised: str) -> Person | None:
    """The person with this number if in scope; outside scope a Conflict that shows only masked data."""
    person = db.session.scalar(select(Person).where(Person.id_hash == lookup_hash(normalised)))
    if person is None or in_scope(person.org_id):
        return person
    raise Conflict(f"该人员已在 {person.org.name} 登记（{person.id_masked}），请联系该工会或县总工会",
                   field="id_number", code="duplicate_person")


def _clean_account(account: str | None) -> str | None:
    text = "".join((account or "").split()).replace("-", "")
    if text and not text.isdigit():
        raise ValidationFailed("银行账号只能由数字组成", field="bank_account")
    if text and not 8 <= len(text) <= 30:
        raise ValidationFailed("银行账号长度不正确，请核对", field="bank_account")
    return text or None


def _update(person: Person, fields: dict, e164: str | None, bank_account: str | None) -> Person:
    """Apply the non-empty values to an existing person and audit what changed."""
    before = snapshot(person)
    for key, value in fields.items():
        if value is not None and str(value).strip():
            setattr(person, key, str(value).strip())
    if e164:
        person.set_phone(e164)
    if bank_account:
        person.set_bank_account(_clean_account(bank_account))
    old, new = diff(before, snapshot(person))
    if new:
        db.session.flush()
        record("person.update", person, before=old, after=new, summary=f"更新人员 {person.name}")
    return person


def update_person(person: Person, **values) -> Person:
    """Change a person's editable data (not the 身份证号, which is the identity)."""
    require_role(*WRITE_ROLES)
    get_scoped(Person, person.id)
    e164 = parse_phone(values.pop("phone", None))
    account = values.pop("bank_account", None)
    return _update(person, {k: values.get(k) for k in _EDITABLE}, e164, account)


def get_person(person_id: int) -> Person:
    """A person within scope, else NotFound."""
    return get_scoped(Person, person_id)


def find_by_id_number(raw) -> Person | None:
    """The person in scope with this 身份证号 (through its keyed hash), or None."""
    try:
        normalised = parse_id_number(raw, today=local_today()).value
    except IdNumberError:
        return None
    return find_by_hash(lookup_hash(normalised))


def find_by_hash(id_hash: str) -> Person | None:
    """The person in scope with this keyed hash, or None."""
    return db.session.scalar(scoped(select(Person), Person.org_id).where(Person.id_hash == id_hash))


def search_persons(name: str = "", *, id_hash: str | None = None, page: int = 1,
                   per_page: int = 50) -> tuple[list[Person], int]:
    """Persons in scope by name prefix or exact 身份证号 hash, newest first; returns (rows, total)."""
    principal_or_deny()
    stmt = scoped(select(Person), Person.org_id)
    if id_hash:
        stmt = stmt.where(Person.id_hash == id_hash)
    elif name.strip():
        stmt = stmt.where(Person.name.startswith(name.strip(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.order_by(Person.id.desc()).limit(per_page).offset((max(page, 1) - 1) * per_page))
    return list(rows), total


def pick_persons(text: str, *, limit: int = 20) -> list[Person]:
    """Persons in scope for a search box: a full 身份证号 (by its keyed hash), a masked one as shown
    ("1304**********123X"), its last 4 characters ("123X"), or a name prefix."""
    principal_or_deny()
    text = (text or "").strip().upper()
    if not text:
        return []
    if len(text) in (15, 18) and text[:14].isdigit():
        person = find_by_id_number(text)
        return [person] if person else []
    stmt = scoped(select(Person), Person.org_id)
    if "*" in text:
        stmt = stmt.where(Person.id_masked == text)
    elif len(text) == 4 and text[:3].isdigit() and (text[3].isdigit() or text[3] == "X"):
        stmt = stmt.where(Person.id_masked.endswith(text, autoescape=True))
    else:
        stmt = stmt.where(Person.name.startswith(text, autoescape=True))
    return list(db.session.scalars(stmt.order_by(Person.name, Person.id).limit(limit)))


def reveal(person: Person, field: str) -> str | None:
    """The full 身份证号/phone/account for permitted roles (never auditors); every call is audited."""
    if field not in REVEALABLE:
        raise ValidationFailed("不支持查看该字段", field="field")
    require_role(*FULL_VIEW_ROLES)
    get_scoped(Person, person.id)
    record("person.view_full", person, summary=f"查看完整{REVEALABLE[field]}：{person.name}",
           after={"field": field})
    return getattr(person, field)


from caseapp.persons.bulk import bulk_upsert_persons  # noqa: E402,F401  (re-exported: the roster entry point)
