"""Helpers of the hostile-input sweep: the hostile values by kind of field, the forms a page offers, bodies
that satisfy an API schema, and a fingerprint of every table's rows (to prove a refusal wrote nothing)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sqlalchemy import func, select

from caseapp.core.db import db
from caseapp.core.idnumber import check_char

#: an area code that does not exist, with a correct check character: only the area check refuses it
BAD_AREA_ID = "00000019850615001" + check_char("00000019850615001")
#: "①" reads as "1" after NFKC: only a check that refuses what merely looks like a digit refuses it
LOOKALIKE_ID = "①" + "3043419850615001" + check_char("13043419850615001")
TOO_LONG = "长" * 20_001  #: beyond every column and beyond a Text column's 10,000
#: what every text field must refuse (a form cannot carry a lone surrogate; JSON can)
TEXT = ("空\x00字符", "\x1b[31m红色", TOO_LONG)
JSON_TEXT = TEXT + ("半个\ud800字",)
#: numbers no field of this application holds
NUMBERS = ("2147483648", "9223372036854775808", "1" + "0" * 26, "-99999999999", "NaN", "1e308")
#: decimals (a measured value): beyond any NUMERIC column, not numbers at all
DECIMALS = ("1" + "0" * 26, "-1" + "0" * 26, "NaN", "1e308")
#: amounts in 元: a part below 1 分, beyond every money column's bound, absurd, negative
AMOUNTS = ("0.005", "1" + "0" * 26, "21474836.48", "-5", "NaN")
DATES = ("99999-01-01", "2025-02-30", "0000-00-00")
ID_NUMBERS = (BAD_AREA_ID, LOOKALIKE_ID)
#: JSON values by schema type
JSON_INTEGERS = (2**31, 2**63, 10**26, -(2**63) - 1, 1.5, "1")
_MONEY_WORDS = ("amount", "income", "cap", "threshold", "allowance", "_fen", "budget", "金额")
_NUMBER_NAMES = re.compile(r"(^|_)(page|year|count|size|workdays|days|attempts|seed|id|ids)$")
_CJK = re.compile("[\u4e00-\u9fff]")
#: the sweep's counts of cases, printed at the end of the run
COUNTS: dict[str, int] = {}


def has_chinese(text: str) -> bool:
    """True when ``text`` holds Chinese characters."""
    return bool(_CJK.search(text or ""))


@dataclass
class Field:
    """One named control of a posted form."""

    name: str
    tag: str
    type: str = "text"
    value: str = ""
    options: list = field(default_factory=list)
    checked: bool = False
    step: str = ""  #: a number input's step: "any" or a fraction means a decimal, not an integer


@dataclass
class Form:
    """A form a page offers: where it posts and its controls."""

    action: str
    fields: list = field(default_factory=list)
    multipart: bool = False

    def baseline(self) -> dict:
        """What a browser would send unchanged (checked boxes, first options, default values)."""
        data = {}
        for f in self.fields:
            if f.type in ("checkbox", "radio") and not f.checked or f.type in ("file", "submit", "button"):
                continue
            data.setdefault(f.name, f.options[0] if f.tag == "select" and f.options and not f.value else f.value)
        return data


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url, self.forms, self._form, self._select, self._textarea = page_url, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = Form(a.get("action") or self.page_url, multipart="multipart" in (a.get("enctype") or ""))
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
                if "selected" in a:
                    self._select.value = a.get("value", "")
            return
        elif tag in ("input", "button"):
            self._form.fields.append(Field(a["name"], tag, (a.get("type") or "text").lower(), a.get("value") or "",
                                           checked="checked" in a, step=a.get("step") or ""))
        elif tag in ("select", "textarea"):
            self._form.fields.append(Field(a["name"], tag, tag))
            self._select = self._form.fields[-1] if tag == "select" else None
            self._textarea = self._form.fields[-1] if tag == "textarea" else None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str, page_url: str) -> list[Form]:
    """The POST forms of a page."""
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


def form_values(f: Field) -> tuple[str, ...]:
    """The hostile values for one form control, by what it holds (a box or a radio holds only yes or no)."""
    name = f.name.lower()
    if f.type in ("checkbox", "radio"):
        return TEXT[:2]
    if f.type == "date":
        return DATES + TEXT[:2]
    if "id_number" in name or "身份证" in name:
        return ID_NUMBERS + TEXT
    if any(word in name for word in _MONEY_WORDS):
        return AMOUNTS + TEXT[:2]
    if f.type == "number" and (f.step == "any" or "." in f.step):
        return DECIMALS + TEXT[:2]
    if f.type == "number" or _NUMBER_NAMES.search(name):
        return NUMBERS + TEXT[:2]
    return TEXT


def json_values(schema: dict) -> tuple:
    """The hostile JSON values for one property, by its schema."""
    kind = schema.get("type")
    if kind == "integer":
        return JSON_INTEGERS
    if kind == "boolean":
        return ("true", 1)
    if kind == "array":
        return ("x", [JSON_TEXT[0]], [[[[[[1]]]]]])
    if kind == "object":
        return ("x", [1])
    return JSON_TEXT + (("不在可选范围内",) if "enum" in schema else ())


def query_values(schema: dict) -> tuple[str, ...]:
    """The hostile values for one declared query parameter (text, as a query string carries them)."""
    if schema.get("type") == "integer":
        return NUMBERS + TEXT[:2]
    if schema.get("type") == "boolean":
        return ("也许",) + TEXT[:2]
    return TEXT + (("不在可选范围内",) if "enum" in schema else ())


def sample(schema: dict, name: str = ""):
    """A plausible value satisfying ``schema`` (required properties only, for objects)."""
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {key: sample(sub, key) for key, sub in schema.get("properties", {}).items()
                if key in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if schema.get("format") == "date" or name.endswith(("_on", "date")):
        return "2025-03-01"
    return "测试"


def properties(schema: dict, path: tuple = ()):
    """``(path, schema)`` of every property, nested objects and the items of arrays included."""
    for key, sub in schema.get("properties", {}).items():
        yield path + (key,), sub
        if sub.get("type") == "object":
            yield from properties(sub, path + (key,))
        if sub.get("type") == "array" and sub.get("items", {}).get("type") == "object":
            yield from properties(sub["items"], path + (key, 0))


def with_value(body, path: tuple, value, schema: dict):
    """A copy of ``body`` with ``value`` at ``path`` (creating the objects and arrays on the way)."""
    import copy

    out = copy.deepcopy(body)
    node, node_schema = out, schema
    for step in path[:-1]:
        sub_schema = node_schema["properties"][step] if isinstance(step, str) else node_schema["items"]
        if isinstance(step, int):
            while len(node) <= step:
                node.append(sample(sub_schema))
        elif step not in node:
            node[step] = sample(sub_schema) if sub_schema.get("type") != "array" else []
        node, node_schema = node[step], sub_schema
    node[path[-1]] = value
    return out


def fingerprint() -> dict:
    """Row counts of every table (a refused request must leave every one unchanged; changes are audited)."""
    tables = db.metadata.sorted_tables
    row = db.session.execute(select(*[select(func.count()).select_from(t).scalar_subquery() for t in tables])).one()
    return dict(zip((t.name for t in tables), row))
