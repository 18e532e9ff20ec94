"""Shapes of the documented response bodies that several endpoints share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emulator.domain.sessions import Session
from emulator.http.timestamps import iso

SESSION_FIELDS = (
    "id",
    "name",
    "phone_number",
    "status",
    "api_key",
    "session_data",
    "account_protection",
    "log_messages",
    "read_incoming_messages",
    "webhook_url",
    "webhook_enabled",
    "webhook_events",
    "webhook_secret",
    "auto_reject_calls",
    "ignore_groups",
    "ignore_channels",
    "ignore_broadcasts",
    "always_online",
    "proxy_url",
)


def iso_micro(ts: float) -> str:
    """Laravel's default serialisation, used by the log endpoints: 2025-09-23T12:00:00.000000Z."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sql_datetime(ts: float) -> str:
    """The message logs' form: 2023-10-27 10:30:15."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def session_json(session: Session) -> dict[str, Any]:
    body: dict[str, Any] = {name: getattr(session, name) for name in SESSION_FIELDS}
    body["user_id"] = session.account_id
    body["status"] = str(session.status)
    body["last_active_at"] = iso(session.last_active_at)
    body["created_at"] = iso(session.created_at)
    body["updated_at"] = iso(session.updated_at)
    return body


def ok(data: Any = None, **top_level: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"success": True}
    if data is not None:
        body["data"] = data
    body.update(top_level)
    return body


def laravel_page(items: list[Any], total: int, page: int, per_page: int, path: str) -> dict[str, Any]:
    """Laravel's length-aware paginator, with URLs relative to the API root as the docs show them."""
    last_page = max(1, -(-total // per_page))
    first = (page - 1) * per_page + 1 if items else None

    def url(number: int) -> str:
        return f"{path}?page={number}"

    return {
        "current_page": page,
        "data": items,
        "first_page_url": url(1),
        "from": first,
        "last_page": last_page,
        "last_page_url": url(last_page),
        "next_page_url": url(page + 1) if page < last_page else None,
        "path": path,
        "per_page": per_page,
        "prev_page_url": url(page - 1) if page > 1 else None,
        "to": first + len(items) - 1 if first is not None else None,
        "total": total,
    }
