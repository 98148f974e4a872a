"""A person's name changes only when a user explicitly corrects it, never as a side effect.

A nomination, a roster row, a payment list or a registration form that names an existing 身份证号 with
another name is refused, showing both names and the masked number, unless the user chose to correct the
name ("更正姓名"). A correction is audited on the person (``person.rename``), so it stays in their history.
"""
from __future__ import annotations

from dataclasses import dataclass

from caseapp.core.audit import record
from caseapp.core.errors import Conflict

#: the audit action of a name correction, shown in the person's history
RENAME = "person.rename"
#: the explicit choice, on every form that names a person by 身份证号
CORRECT_NAME_LABEL = "更正姓名：该身份证号已登记为其他姓名时，以本次填写的姓名为准（记入人员历史）"


def mismatch_text(masked_id: str, recorded: str, given: str) -> str:
    """The refusal in Chinese: both names and the masked 身份证号."""
    return (f"身份证号 {masked_id} 已登记为“{recorded}”，与填写的姓名“{given}”不一致；"
            f"如确为同一人、需要更正姓名，请选择“更正姓名”后重新提交")


@dataclass(frozen=True)
class Mismatch:
    """One named 身份证号 whose registered name differs: which row (if any), the person, both names."""

    row: int | None
    person_id: int
    org_id: int
    masked_id: str
    recorded: str
    given: str

    @property
    def message(self) -> str:
        return mismatch_text(self.masked_id, self.recorded, self.given)


class NameMismatch(Conflict):
    """Names that differ from the registered ones; ``mismatches`` lists them (rows of a roster, or one form)."""

    def __init__(self, mismatches: list[Mismatch]):
        first = mismatches[0].message
        more = f"（另有 {len(mismatches) - 1} 人姓名不一致）" if len(mismatches) > 1 else ""
        super().__init__(first + more, field="name", code="name_mismatch")
        self.mismatches = mismatches


def settle(mismatches: list[Mismatch], *, correct: bool) -> None:
    """Refuse the differing names, or (``correct``) record each correction on its person; the caller then
    writes the new names."""
    if not mismatches:
        return
    if not correct:
        raise NameMismatch(mismatches)
    for m in mismatches:
        record(RENAME, ("persons", m.person_id), org_id=m.org_id, before={"name": m.recorded},
               after={"name": m.given}, summary=f"更正姓名：{m.recorded} → {m.given}（{m.masked_id}）")


def check(person, given: str, *, correct: bool, row: int | None = None) -> None:
    """One person named ``given``: nothing when it is their name; refused, or corrected (audited) and renamed."""
    if given == person.name:
        return
    settle([Mismatch(row, person.id, person.org_id, person.id_masked, person.name, given)], correct=correct)
    person.name = given
