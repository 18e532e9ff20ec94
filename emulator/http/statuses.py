"""HTTP statuses in words, for any status a rule may ask for."""

from __future__ import annotations

from http import HTTPStatus


def reason_phrase(status: int) -> str:
    """`Service Unavailable` for 503; `Error` for a status with no standard phrase (599)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
