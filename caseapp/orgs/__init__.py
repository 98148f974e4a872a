"""Organisations: the tree 县总工会 → 乡镇/街道工会 → 基层(单位)工会."""
