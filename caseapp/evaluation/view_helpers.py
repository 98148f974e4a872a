"""What the evaluation and monitoring pages share: the year asked for, file downloads."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, request

from caseapp.budgets.services import default_year
from caseapp.core.calendar import local_today
from caseapp.evaluation.exports import FORMATS


def year_arg() -> int:
    """The ``year`` of the query or form, else this year (or the newest year with projects)."""
    return request.values.get("year", type=int) or default_year(local_today())


def download(data: bytes, name: str, fmt: str) -> Response:
    """A file download with its Chinese name (RFC 5987)."""
    return Response(data, mimetype=FORMATS[fmt], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
