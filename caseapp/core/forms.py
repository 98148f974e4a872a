"""Form base class: CSRF from Flask-WTF, WTForms' built-in messages in Chinese, service errors by field."""
from __future__ import annotations

from decimal import Decimal
from typing import Callable, TypeVar

from flask import flash, g, has_request_context
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, PasswordField, TextAreaField

from caseapp.core import uow
from caseapp.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from caseapp.core.limits import INT32
from caseapp.core.text import TextError, clean_text, refuse_controls

T = TypeVar("T")
R = TypeVar("R")
#: the widest decimal column is NUMERIC(18, 4)
MAX_DECIMAL = 10**14

#: service errors a form shows next to its fields (other domain errors get the error page)
FORM_ERRORS = (ValidationFailed, Conflict)


class SubForm(Form):
    """A row of a FieldList or a FormField: no CSRF of its own (the outer form has it), Chinese messages."""

    class Meta:
        locales = ["zh_CN", "zh"]


class BaseForm(FlaskForm):
    """Every form inherits Chinese validation messages."""

    #: service field names that differ from this form's field names ("amount_fen" → "amount")
    field_aliases: dict[str, str] = {}

    class Meta:
        locales = ["zh_CN", "zh"]

    def validate(self, extra_validators=None) -> bool:
        """Clean every text field first (control characters and lone surrogates refused), then validate."""
        refused = self._clean_text()
        valid = super().validate(extra_validators)
        for field, message in refused:
            field.errors = [*field.errors, message]
        if (refused or not valid) and has_request_context():
            g.form_refused = self.error_text() or "提交的内容有误"  # the answer becomes a 4xx (core.hardening)
        return valid and not refused

    def _clean_text(self) -> list:
        refused = []
        for field in _leaf_fields(self):
            if not isinstance(field.data, str):
                problem = _raw_problem(field)  # a number, date, choice or box sent with control characters
                if problem:
                    refused.append((field, f"{field.label.text}{problem}"))
                continue
            try:
                if isinstance(field, PasswordField):
                    refuse_controls(field.data)  # a password is checked, never changed
                else:
                    field.data = clean_text(field.data, multiline=isinstance(field, TextAreaField))
            except TextError as exc:
                refused.append((field, f"{field.label.text}{exc}"))
        return refused

    def error_text(self) -> str:
        """Every field error in one Chinese sentence, for a flash or a refusal."""
        return "；".join(_messages(self.errors))

    def show_error(self, exc: ValidationFailed | Conflict) -> int:
        """Show a service's error next to the field it names (else as a flash); returns the HTTP status."""
        name = (exc.field or "").split(".")[0]
        field = None if not name or "[" in name else getattr(self, self.field_aliases.get(name, name), None)
        if field is None or not hasattr(field, "errors"):
            flash(exc.message, "warning")
            return exc.status
        field.errors = [*field.errors, exc.message]
        if isinstance(exc, Conflict) and name == "id_number":  # a number registered elsewhere is not echoed back
            field.raw_data, field.data = [], ""
        return exc.status


def _raw_problem(field) -> str | None:
    """Control characters in what was posted, or a number no column of this application holds."""
    value = field.data
    if isinstance(value, Decimal) and (not value.is_finite() or abs(value) >= MAX_DECIMAL):
        return f"超出允许范围（绝对值小于 {MAX_DECIMAL:,}）"
    if isinstance(value, int) and not isinstance(value, bool) and not -INT32 - 1 <= value <= INT32:
        return f"超出允许范围（不超过 {INT32:,}）"
    for raw in field.raw_data or ():
        if isinstance(raw, str):
            try:
                refuse_controls(raw)
            except TextError as exc:
                return str(exc)
    return None


def _messages(errors) -> list[str]:
    """Every message in WTForms' errors, those of FieldList rows and sub-forms (lists and dicts) included."""
    if isinstance(errors, str):
        return [errors]
    values = errors.values() if isinstance(errors, dict) else errors
    return [message for value in values for message in _messages(value)]


def _leaf_fields(form):
    """Every field of ``form``, the rows of its FieldLists and sub-forms included."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from _leaf_fields([entry]) if not isinstance(entry, FormField) else _leaf_fields(entry.form)
        elif isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        else:
            yield field


def submit(form: BaseForm, work: Callable[[], T]) -> tuple[T | None, int]:
    """Validate a posted ``form`` and run ``work()``: (its result, 200), or (None, status) to re-show the form
    (the request's unit is rolled back first, so the form is shown again over what was there before)."""
    if not form.validate_on_submit():
        return None, 422 if form.is_submitted() else 200
    try:
        return work(), 200
    except FORM_ERRORS as exc:
        uow.abandon()
        return None, form.show_error(exc)


def attempt(work: Callable[[], T], again: Callable[[DomainError], R],
            refusals: tuple[type[DomainError], ...] = (*FORM_ERRORS, Forbidden)) -> T | R:
    """Run ``work()``; on a refusal, roll the request's unit back at once and answer ``again(refusal)``: the page
    shown again from the request's own data, the message next to its field or rows (never half-written rows)."""
    try:
        return work()
    except refusals as exc:
        uow.abandon()
        return again(exc)
