"""The roles a user may hold, with their Chinese names."""
from __future__ import annotations

ROLES = {
    "caseworker": "经办人",
    "reviewer": "审核人",
    "leader": "领导",
    "finance": "财务",
    "admin": "管理员",
    "auditor": "审计",
    "surveyor": "回访员",  # makes the satisfaction-survey calls: full phone numbers on the call sheet, audited
}
_BY_LABEL = {label: key for key, label in ROLES.items()}
_BY_LABEL["领导(集体研究)"] = "leader"

#: roles that may see full personal data on request (each view audited)
FULL_VIEW_ROLES = ("caseworker", "reviewer", "finance", "admin")


def parse_role(text: str) -> str:
    """Accept a role as its English key or Chinese name; raise ValueError otherwise."""
    text = text.strip()
    if text in ROLES:
        return text
    if text in _BY_LABEL:
        return _BY_LABEL[text]
    raise ValueError(f"未知角色：{text}（可选：{'、'.join(ROLES.values())}）")


def label_of(role: str) -> str:
    return ROLES.get(role, role)
