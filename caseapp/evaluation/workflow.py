"""The review state shared by project and department evaluations: submit (freeze), return, approve."""
from __future__ import annotations

from caseapp.core.audit import record
from caseapp.core.db import db, utcnow
from caseapp.core.errors import Conflict, Forbidden, ValidationFailed
from caseapp.core.scoping import require_org_in_scope, require_role
from caseapp.evaluation.models import APPROVED, DRAFT, RETURNED, SUBMITTED, ReviewState

#: who fills an evaluation in (填报人) and who reviews it (审核人)
EDIT_ROLES = ("admin", "finance", "caseworker")
REVIEW_ROLES = ("reviewer", "leader")


def require_editable(obj: ReviewState, org_id: int) -> None:
    """An editor of the owning subtree, on an evaluation that is not frozen."""
    require_role(*EDIT_ROLES)
    require_org_in_scope(org_id)
    if obj is not None and obj.is_frozen:
        raise Conflict("自评已提交，内容已冻结；如需修改，请审核人退回", code="frozen")


def freeze(obj: ReviewState, snapshot: dict, label: str) -> None:
    """Submit: store the snapshot; from now on the result no longer follows the data."""
    principal = require_role(*EDIT_ROLES)
    if obj.status not in (DRAFT, RETURNED):
        raise Conflict("自评已提交，不能重复提交", code="frozen")
    obj.snapshot, obj.status = snapshot, SUBMITTED
    obj.submitted_at, obj.submitted_by, obj.submitted_by_id = utcnow(), principal.username, principal.user_id
    obj.reviewed_at = obj.reviewed_by = obj.return_reason = None
    db.session.flush()
    record("evaluation.submit", obj, after={"status": SUBMITTED, "total": snapshot.get("total"),
                                             "grade": snapshot.get("grade")},
           summary=f"提交{label}（截至{obj.as_of.isoformat()}，{snapshot.get('total')}分）")


def _reviewer(obj: ReviewState, org_id: int):
    principal = require_role(*REVIEW_ROLES)
    require_org_in_scope(org_id)
    if principal.user_id is not None and principal.user_id == obj.submitted_by_id:
        raise Forbidden("填报人不能审核自己提交的自评")
    return principal


def send_back(obj: ReviewState, org_id: int, reason: str, label: str) -> None:
    """Return a submitted (or approved) evaluation to its editors with a reason; it is live again."""
    principal = _reviewer(obj, org_id)
    if obj.status not in (SUBMITTED, APPROVED):
        raise Conflict("只有已提交或已审核的自评可以退回")
    if not (reason or "").strip():
        raise ValidationFailed("请填写退回原因", field="reason")
    before = {"status": obj.status, "total": (obj.snapshot or {}).get("total")}
    obj.status, obj.return_reason, obj.snapshot = RETURNED, reason.strip(), None
    obj.reviewed_at, obj.reviewed_by = utcnow(), principal.username
    db.session.flush()
    record("evaluation.return", obj, before=before, after={"status": RETURNED, "reason": obj.return_reason},
           summary=f"退回{label}：{obj.return_reason}")


def approve(obj: ReviewState, org_id: int, label: str) -> None:
    """审核通过 a submitted evaluation (never by its own 填报人)."""
    principal = _reviewer(obj, org_id)
    if obj.status != SUBMITTED:
        raise Conflict("只有已提交的自评可以审核通过")
    obj.status, obj.reviewed_at, obj.reviewed_by = APPROVED, utcnow(), principal.username
    if obj.snapshot is not None:
        obj.snapshot = {**obj.snapshot, "reviewed_by": principal.username}
    db.session.flush()
    record("evaluation.approve", obj, after={"status": APPROVED}, summary=f"审核通过{label}")
