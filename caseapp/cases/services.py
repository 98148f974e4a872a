"""Opening, editing and moving 困难职工档案 through their lifecycle; scoped, audited, masked."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.cases import vocab
from caseapp.cases.members import set_members
from caseapp.cases.models import FileStatusChange, HardshipFile
from caseapp.cases.thresholds import classify, threshold_for
from caseapp.core.audit import diff, record
from caseapp.core.calendar import local_today
from caseapp.core.context import current_principal
from caseapp.core.db import db
from caseapp.core.uow import savepoint
from caseapp.core.errors import Conflict, Forbidden, ValidationFailed
from caseapp.core.scoping import get_scoped, require_org_in_scope, require_role
from caseapp.orgs.models import Organisation
from caseapp.persons.models import Person
from caseapp.persons.services import WRITE_ROLES, get_person

#: who may approve an application into the register (never its registrant)
APPROVE_ROLES = ("reviewer", "admin")
#: who may close a file (解困脱困 / 退档)
CLOSE_ROLES = ("caseworker", "reviewer", "admin")
_CHOICE_FIELDS = {"unit_type": vocab.UNIT_TYPES, "hukou_type": vocab.HUKOU, "marital_status": vocab.MARITAL,
                  "health_status": vocab.HEALTH, "disability": vocab.DISABILITY, "housing": vocab.HOUSING,
                  "medical_insurance": vocab.MEDICAL}
_MONEY_FIELDS = ("own_income_fen", "family_income_fen")
_FLAG_FIELDS = ("is_zero_employment", "is_single_parent", "is_dibao")


def get_file(file_id: int) -> HardshipFile:
    """A case file within scope, else NotFound."""
    return get_scoped(HardshipFile, file_id)


def snapshot(f: HardshipFile) -> dict:
    """What the audit log keeps of a file (no 身份证号; the person is referred to by id)."""
    return {"person_id": f.person_id, "org_id": f.org_id, "status": f.status, "category": f.category,
            "suggested_category": f.suggested_category, "category_reason": f.category_reason,
            "main_cause": f.main_cause, "secondary_causes": list(f.secondary_causes or []),
            "needs": list(f.needs or []), "family_size": f.family_size,
            "family_income_fen": f.family_income_fen, "own_income_fen": f.own_income_fen,
            "members": [f"{m.name}（{m.relation}）{m.id_masked or ''}" for m in f.members],
            **{k: getattr(f, k) for k in (*_CHOICE_FIELDS, *_FLAG_FIELDS)}}


def open_file(person: Person, data: dict, members: list[dict] | None = None, *,
              org: Organisation | None = None, today: date | None = None) -> HardshipFile:
    """Open an application (申请) for a person in scope; refuses a second open file."""
    require_role(*WRITE_ROLES)
    get_person(person.id)
    org = org or person.org
    require_org_in_scope(org.id)
    if find_open_file(person.id) is not None:
        raise Conflict(f"{person.name} 已有未结束的困难职工档案，请在原档案上修改", field="person_id",
                       code="open_file_exists")
    today = today or local_today()
    principal = current_principal()
    f = HardshipFile(person=person, org=org, applied_on=data.get("applied_on") or today, status=vocab.APPLIED,
                     created_by_id=principal.user_id if principal else None, family_size=1, own_income_fen=0,
                     family_income_fen=0, secondary_causes=[], needs=[])
    _apply(f, data, org)
    db.session.add(f)
    set_members(f, members or [], today=today)
    db.session.flush()
    _history(f, None, vocab.APPLIED, None, "", f.applied_on)
    record("hardship_file.create", f, after=snapshot(f), summary=f"新建困难职工档案：{person.name}")
    return f


def register_and_open(person_fields: dict, data: dict, members: list[dict] | None = None, *,
                      today: date | None = None) -> HardshipFile:
    """Register (or find in scope) the person named by ``person_fields``, then open their file."""
    from caseapp.persons.services import register_person

    person = register_person(**person_fields, today=today)
    return open_file(person, data, members, today=today)


def update_file(f: HardshipFile, data: dict, members: list[dict] | None = None, *,
                today: date | None = None) -> HardshipFile:
    """Change an open file's data (and its family members when given)."""
    require_role(*WRITE_ROLES)
    get_file(f.id)
    if not f.is_open:
        raise Conflict(f"档案已{f.status}，不能再修改", code="file_closed")
    before = snapshot(f)
    _apply(f, data, f.org)
    if members is not None:
        set_members(f, members, today=today or local_today())
    db.session.flush()
    old, new = diff(before, snapshot(f))
    if new:
        record("hardship_file.update", f, before=old, after=new, summary=f"修改困难职工档案：{f.person.name}")
    return f


def find_open_file(person_id: int) -> HardshipFile | None:
    """The person's 申请/在档 file, if any (unscoped: used for the one-open-file rule)."""
    return db.session.scalar(select(HardshipFile).where(
        HardshipFile.person_id == person_id, HardshipFile.status.in_(vocab.OPEN_STATUSES)))


def _apply(f: HardshipFile, data: dict, org: Organisation) -> None:
    """Validate ``data`` and copy it onto the file, recomputing per-capita income and the suggestion."""
    for key, allowed in _CHOICE_FIELDS.items():
        if key in data:
            setattr(f, key, _choice(data[key], allowed, key))
    for key in _MONEY_FIELDS:
        if key in data:
            setattr(f, key, _money(data[key], key))
    for key in _FLAG_FIELDS:
        if key in data:
            setattr(f, key, bool(data[key]))
    if "family_size" in data:
        f.family_size = _family_size(data["family_size"])
    if "main_cause" in data or "secondary_causes" in data or f.main_cause is None:
        f.main_cause, f.secondary_causes = check_causes(data.get("main_cause", f.main_cause),
                                                        data.get("secondary_causes", f.secondary_causes))
    if "needs" in data:
        f.needs = check_needs(data["needs"])
    f.per_capita_income_fen = f.per_capita_fen
    _choose_category(f, data, org)


def _choice(value, allowed: tuple[str, ...], field: str) -> str:
    value = (value or "").strip()
    if value and value not in allowed:
        raise ValidationFailed(f"“{value}”不是可选值（可选：{'、'.join(allowed)}）", field=field)
    return value or ("无" if field == "disability" else "")


def _money(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationFailed("金额应为不小于 0 的整数（分）", field=field)
    return value


def _family_size(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 30:
        raise ValidationFailed("家庭人口应为 1 到 30 之间的整数", field="family_size")
    return value


def check_causes(main: str | None, secondary) -> tuple[str, list[str]]:
    """主要致困原因 plus at most 3 distinct 次要致困原因, none repeating the main one."""
    if main not in vocab.CAUSES:
        raise ValidationFailed(f"请选择主要致困原因（{'、'.join(vocab.CAUSES)}）", field="main_cause")
    secondary = [s for s in (secondary or []) if s]
    unknown = [s for s in secondary if s not in vocab.CAUSES]
    if unknown:
        raise ValidationFailed(f"未知的致困原因：{'、'.join(unknown)}", field="secondary_causes")
    if len(set(secondary)) != len(secondary) or main in secondary:
        raise ValidationFailed("致困原因不能重复（次要原因不能与主要原因相同）", field="secondary_causes")
    if len(secondary) > vocab.MAX_SECONDARY_CAUSES:
        raise ValidationFailed(f"次要致困原因最多 {vocab.MAX_SECONDARY_CAUSES} 项", field="secondary_causes")
    return main, secondary


def check_needs(needs) -> list[str]:
    """帮扶需求: known values, each once, in the vocabulary's order."""
    unknown = [n for n in needs or [] if n not in vocab.NEEDS]
    if unknown:
        raise ValidationFailed(f"未知的帮扶需求：{'、'.join(unknown)}", field="needs")
    return [n for n in vocab.NEEDS if n in (needs or [])]


def _choose_category(f: HardshipFile, data: dict, org: Organisation) -> None:
    """Suggest from the thresholds; a choice that differs from the suggestion needs a reason."""
    threshold = threshold_for((f.applied_on or local_today()).year, org)
    f.suggested_category = classify(f.per_capita_income_fen, threshold) if threshold else None
    chosen = data.get("category") or f.category or f.suggested_category
    if chosen not in vocab.CATEGORIES:
        why = "家庭人均月收入高于当年困难标准" if threshold else "当年没有可参照的标准，无法自动建议"
        raise ValidationFailed(f"请选择困难类别（{why}）", field="category")
    reason = (data.get("category_reason") if "category_reason" in data else f.category_reason) or ""
    if threshold is not None and chosen != f.suggested_category and not reason.strip():
        suggested = f.suggested_category or "不符合困难标准"
        raise ValidationFailed(f"按标准建议为“{suggested}”，选择“{chosen}”须填写理由", field="category_reason")
    f.category = chosen
    f.category_reason = reason.strip() if chosen != f.suggested_category else None


def change_status(f: HardshipFile, to_status: str, *, reason: str | None = None, note: str = "",
                  on: date | None = None) -> HardshipFile:
    """Move a file along 申请 → 在档 → 解困脱困 / 退档, with a reason and date; history is kept."""
    get_file(f.id)
    allowed = vocab.TRANSITIONS.get(f.status, {})
    if to_status not in allowed:
        raise Conflict(f"档案当前为“{f.status}”，不能改为“{to_status}”", field="status", code="bad_transition")
    _check_actor(f, to_status)
    on = on or local_today()
    reason = reason or ("解困" if to_status == vocab.RELIEVED else None)
    _check_reason(allowed[to_status], reason, note, on, f)
    before, old_status = snapshot(f), f.status
    if to_status == vocab.FILED:
        f.filed_on, f.review_due = on, one_year_after(on)
    else:
        f.closed_on, f.close_reason, f.review_due = on, reason, None
    f.status = to_status
    db.session.flush()
    _history(f, old_status, to_status, reason, note, on)
    old, new = diff(before, snapshot(f))
    record("hardship_file.status", f, before=old, after=new, summary=f"{old_status} → {to_status} {reason or ''}")
    return f


def file_many(file_ids: list[int], *, on: date | None = None) -> int:
    """审核 several applications (申请 → 在档) on one date, all or nothing: every refusal is collected and named
    by its file (``rows``) before anything stays."""
    if not file_ids:
        raise ValidationFailed("请先勾选要审核的档案", field="ids")
    problems: dict[int, str] = {}
    for file_id in file_ids:
        try:
            with savepoint():
                change_status(get_file(file_id), vocab.FILED, on=on)
        except (ValidationFailed, Conflict, Forbidden) as exc:
            problems[file_id] = exc.message
    if problems:
        named = "、".join(f"档案{i}" for i in list(problems)[:5]) + (" 等" if len(problems) > 5 else "")
        raise ValidationFailed(f"有 {len(problems)} 份档案不能审核为“在档”，整批未办理：{named}", field="ids",
                               rows=problems)
    return len(file_ids)


def _check_actor(f: HardshipFile, to_status: str) -> None:
    if to_status != vocab.FILED:
        require_role(*CLOSE_ROLES)
        return
    principal = require_role(*APPROVE_ROLES)
    if principal.user_id is not None and principal.user_id == f.created_by_id:
        raise Forbidden("登记人不能审核自己登记的档案（经办与审核须分离）")


def _check_reason(allowed: tuple[str, ...], reason: str | None, note: str, on: date, f: HardshipFile) -> None:
    if allowed and reason not in allowed:
        raise ValidationFailed(f"请选择原因（{'、'.join(allowed)}）", field="reason")
    if reason == "其他" and not (note or "").strip():
        raise ValidationFailed("原因为“其他”时须填写说明", field="note")
    if on < (f.filed_on or f.applied_on):
        raise ValidationFailed("日期不能早于申请或建档日期", field="on")


def review_file(f: HardshipFile, *, on: date | None = None, note: str = "") -> HardshipFile:
    """Record the yearly re-verification (动态管理) of a 在档 file; the next one falls due a year later."""
    require_role(*CLOSE_ROLES)
    get_file(f.id)
    if f.status != vocab.FILED:
        raise Conflict("只有在档的档案需要年度复核", code="bad_transition")
    on = on or local_today()
    before = snapshot(f) | {"review_due": str(f.review_due)}
    f.last_reviewed_on, f.review_due = on, one_year_after(on)
    db.session.flush()
    _history(f, f.status, f.status, vocab.REVIEW, note, on)
    record("hardship_file.review", f, before={"review_due": before["review_due"]},
           after={"review_due": str(f.review_due)}, summary=f"年度复核：{f.person.name}")
    return f


def one_year_after(day: date) -> date:
    """The same date next year (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _history(f: HardshipFile, old: str | None, new: str, reason: str | None, note: str, on: date) -> None:
    principal = current_principal()
    db.session.add(FileStatusChange(
        file_id=f.id, from_status=old, to_status=new, reason=reason, note=(note or "").strip(), effective_on=on,
        actor_id=principal.user_id if principal else None, actor_name=principal.username if principal else "匿名"))
