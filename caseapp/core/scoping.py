"""Deny-by-default scoping: every query and lookup is limited to the actor's organisation subtree."""
from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, false, or_, select

from caseapp.core.context import Principal, current_principal
from caseapp.core.db import db
from caseapp.core.errors import Forbidden, NotFound

T = TypeVar("T")


def principal_or_deny() -> Principal:
    """The current principal; with none, every scoped check refuses."""
    principal = current_principal()
    if principal is None:
        raise Forbidden("请先登录")
    return principal


def subtree_ids(principal: Principal):
    """A subquery of the organisation ids the principal may see."""
    from caseapp.orgs.models import Organisation

    stmt = select(Organisation.id)
    if principal.org_path is not None:
        stmt = stmt.where(Organisation.path.startswith(principal.org_path, autoescape=True))
    return stmt


def subtree_id_list(principal: Principal) -> list[int] | None:
    """The ids of the principal's subtree as a list, or None when it holds every organisation.

    Scoped reads of the big tables filter by this list rather than by a sub-select on the paths: the planner
    knows how many organisations (and so rows) a list names, and picks the (org_id, …) indexes for a county
    and the id or year indexes for a whole province, where a ``path LIKE`` sub-select left it guessing.
    Read once per request and path (the organisations change rarely, and never in a read's request).
    """
    from flask import has_request_context, request

    cache = request.environ.setdefault("caseapp.subtrees", {}) if has_request_context() else {}
    key = principal.org_path
    if key not in cache:
        from sqlalchemy import func

        from caseapp.orgs.models import Organisation

        ids = list(db.session.scalars(subtree_ids(principal)))
        everything = db.session.scalar(select(func.count()).select_from(Organisation))
        cache[key] = None if len(ids) >= everything else ids
    return cache[key]


def scoped(stmt: Select, org_column) -> Select:
    """Limit ``stmt`` to rows whose ``org_column`` lies in the actor's subtree (nothing without an actor)."""
    principal = current_principal()
    if principal is None:
        return stmt.where(false())
    if principal.org_path is None:
        return stmt
    ids = subtree_id_list(principal)
    return stmt if ids is None else stmt.where(org_column.in_(ids))


def ancestor_ids(path: str) -> list[int]:
    """The organisation ids from the root down to the one at ``path`` ("/1/4/9/" → [1, 4, 9])."""
    return [int(part) for part in path.strip("/").split("/") if part]


def scoped_with_ancestors(stmt: Select, org_column) -> Select:
    """Rows of the actor's subtree and of the organisations above it.

    For reading what is owned higher up but concerns the actor too: the county's budget projects fund a
    township's aid, the county's award event takes a township's nominations. Writes stay strictly scoped.
    """
    principal = current_principal()
    if principal is None:
        return stmt.where(false())
    if principal.org_path is None:
        return stmt
    ids = subtree_id_list(principal)
    if ids is None:
        return stmt
    return stmt.where(org_column.in_(sorted(set(ids) | set(ancestor_ids(principal.org_path)))))


def in_scope(org_id: int | None) -> bool:
    """True when ``org_id`` lies in the actor's subtree."""
    principal = current_principal()
    if principal is None or org_id is None:
        return principal is not None and principal.org_path is None
    if principal.org_path is None:
        return True
    from caseapp.orgs.models import Organisation

    path = db.session.scalar(select(Organisation.path).where(Organisation.id == org_id))
    return bool(path) and path.startswith(principal.org_path)


def get_scoped(model: type[T], obj_id, org_attr: str = "org_id") -> T:
    """Load ``model`` by id within scope; outside scope looks exactly like missing (404)."""
    obj = db.session.get(model, obj_id) if obj_id is not None else None
    if obj is None or not in_scope(getattr(obj, org_attr)):
        raise NotFound("记录不存在或无权访问")
    return obj


def require_role(*roles: str) -> Principal:
    """The principal, if it holds any of ``roles``; else Forbidden."""
    principal = principal_or_deny()
    if not principal.has_role(*roles):
        from caseapp.auth.roles import label_of

        raise Forbidden("需要以下角色之一：" + "、".join(label_of(r) for r in roles))
    return principal


def require_visible_org(org_id: int) -> None:
    """Refuse (404) an organisation that is neither in the actor's subtree nor above it."""
    principal = principal_or_deny()
    if not in_scope(org_id) and (principal.org_path is None or org_id not in ancestor_ids(principal.org_path)):
        raise NotFound("组织不存在或无权访问")


def require_org_in_scope(org_id: int) -> None:
    """Refuse writing a record into an organisation outside the actor's subtree."""
    if not in_scope(org_id):
        raise NotFound("组织不存在或无权访问")


def require_global_admin() -> Principal:
    """An admin of a root organisation (or the operator): only they change settings shared by the whole tree."""
    principal = require_role("admin")
    if principal.org_path is not None and principal.org_path.strip("/").count("/") > 0:
        raise Forbidden("只有县总工会（顶级组织）的管理员可以修改全局设置")
    return principal
