"""Creating and finding organisations."""
from __future__ import annotations

from sqlalchemy import or_, select

from caseapp.core.audit import record
from caseapp.core.db import db
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.core.scoping import require_role, scoped
from caseapp.orgs.models import Organisation

_CHILD_LEVEL = {None: "county", "county": "township", "township": "grassroots", "grassroots": "grassroots"}


def create_org(code: str, name: str, parent_code: str | None = None) -> Organisation:
    """Create an organisation under ``parent_code`` (admins only; the first one is the root)."""
    require_role("admin")
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationFailed("组织代码和名称都不能为空", field="code")
    if db.session.scalar(select(Organisation.id).where(Organisation.code == code)):
        raise ValidationFailed(f"组织代码 {code} 已存在", field="code")
    parent = get_by_code(parent_code) if parent_code else None
    if parent is None and db.session.scalar(select(Organisation.id).limit(1)):
        raise ValidationFailed("已有县总工会，新组织必须指定上级组织", field="parent")
    org = Organisation(code=code, name=name, parent=parent, level=_CHILD_LEVEL[parent.level if parent else None])
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    record("org.create", org, after={"code": code, "name": name, "parent": parent_code})
    return org


def get_by_code(code: str) -> Organisation:
    """The organisation with this code, within the actor's scope, else NotFound."""
    org = db.session.scalar(scoped(select(Organisation), Organisation.id).where(Organisation.code == code))
    if org is None:
        raise NotFound(f"找不到组织 {code}")
    return org


def find_by_code_or_name(text: str) -> Organisation | None:
    """Resolve a roster's 所属工会 cell: an organisation code or its exact name, within scope."""
    text = (text or "").strip()
    stmt = scoped(select(Organisation), Organisation.id).where(
        or_(Organisation.code == text, Organisation.name == text))
    found = db.session.scalars(stmt).all()
    return found[0] if len(found) == 1 else None


def filter_orgs(selected_id: int | None = None) -> list:
    """The organisations a list's 组织 filter offers, tree order, as (id, name, path) rows: the user's own and
    the ones right below it, and for a chosen organisation its chain up and the ones right below it.

    A province holds 1,100 organisations: offering them all in one drop-down costs every page view more
    than the list itself, and nobody picks from 1,100 options.
    """

    from caseapp.core.context import current_principal
    from caseapp.core.scoping import ancestor_ids

    principal = current_principal()
    base = principal.org_id if principal is not None and principal.org_path is not None else None
    wanted = [Organisation.parent_id.is_(None)] if base is None else [Organisation.id == base,
                                                                     Organisation.parent_id == base]
    if base is None:
        wanted.append(Organisation.parent_id.in_(select(Organisation.id).where(Organisation.parent_id.is_(None))))
    if selected_id:
        path = db.session.scalar(select(Organisation.path).where(Organisation.id == selected_id))
        if path:
            wanted += [Organisation.id.in_(ancestor_ids(path)), Organisation.parent_id == selected_id]
    stmt = select(Organisation.id, Organisation.name, Organisation.path).where(or_(*wanted))
    return list(db.session.execute(scoped(stmt, Organisation.id).order_by(Organisation.path)))


def list_orgs() -> list[Organisation]:
    """All organisations in scope, tree order."""
    return list(db.session.scalars(scoped(select(Organisation), Organisation.id).order_by(Organisation.path)))
