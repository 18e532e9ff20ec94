"""SendAPI's webhook management under /v1/webhooks: the secret is shown once, at creation, and a
prefix of it afterwards; every answer is wrapped in `{"data": ...}` as the webhooks page shows."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, delete, get, post, put
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from emulator.http.requests import core_of
from emulator.http.timestamps import iso
from emulator.http.validation import HttpUrl, parse_body
from emulator.domain.accounts import Account
from emulator.faces.sendapi.access import calling_account
from emulator.faces.sendapi.errors import invalid, not_found
from emulator.faces.sendapi.events import MESSAGE_EVENTS, AccountWebhook, SendApiWebhooks

EVENT_NAMES = frozenset({"*", "message.*", *MESSAGE_EVENTS})
SECRET_PREFIX_CHARS = 10
Events = Annotated[list[str], msgspec.Meta(min_length=1, max_length=50)]


class CreateBody(msgspec.Struct):
    url: HttpUrl
    events: Events = msgspec.field(default_factory=lambda: ["*"])


class UpdateBody(msgspec.Struct):
    url: HttpUrl | None = None
    events: Events | None = None
    is_active: bool | None = None


def _hooks(request: Request[Any, Any, Any]) -> SendApiWebhooks:
    return core_of(request).sendapi_webhooks


def _checked(events: list[str]) -> list[str]:
    unknown = [name for name in events if name not in EVENT_NAMES]
    if unknown:
        raise invalid("events", f"Unknown events: {', '.join(unknown)}. Use {', '.join(sorted(EVENT_NAMES))}.")
    return events


def _json(hook: AccountWebhook, with_secret: bool = False) -> dict[str, Any]:
    return {
        "id": hook.id,
        "url": hook.url,
        "events": hook.events,
        "secret": hook.secret if with_secret else hook.secret[:SECRET_PREFIX_CHARS] + "...",
        "is_active": hook.is_active,
        "failure_count": hook.failure_count,
        "created_at": iso(hook.created_at),
    }


def _own(request: Request[Any, Any, Any], account: Account, webhook_id: str) -> AccountWebhook:
    hook = _hooks(request).get(account.id, int(webhook_id)) if webhook_id.isdigit() else None
    if hook is None:
        raise not_found("Webhook")
    return hook


@post("/webhooks", status_code=HTTP_201_CREATED)
async def create_webhook(request: Request[Any, Any, Any]) -> dict[str, Any]:
    account = calling_account(request)
    body = parse_body(CreateBody, await request.body())
    hook = await _hooks(request).create(account.id, body.url, _checked(body.events))
    return {"data": _json(hook, with_secret=True)}


@get("/webhooks")
async def list_webhooks(request: Request[Any, Any, Any]) -> dict[str, Any]:
    hooks = _hooks(request).of_account(calling_account(request).id)
    return {"data": [_json(hook) for hook in hooks], "meta": {"total": len(hooks)}}


@get("/webhooks/{webhook_id:str}")
async def get_webhook(request: Request[Any, Any, Any], webhook_id: FromPath[str]) -> dict[str, Any]:
    return {"data": _json(_own(request, calling_account(request), webhook_id))}


@put("/webhooks/{webhook_id:str}")
async def update_webhook(request: Request[Any, Any, Any], webhook_id: FromPath[str]) -> dict[str, Any]:
    hook = _own(request, calling_account(request), webhook_id)
    body = parse_body(UpdateBody, await request.body())
    changes = {name: value for name, value in msgspec.structs.asdict(body).items() if value is not None}
    if "events" in changes:
        _checked(changes["events"])
    return {"data": _json(await _hooks(request).update(hook, changes))}


@delete("/webhooks/{webhook_id:str}", status_code=HTTP_200_OK)
async def delete_webhook(request: Request[Any, Any, Any], webhook_id: FromPath[str]) -> dict[str, Any]:
    hook = _own(request, calling_account(request), webhook_id)
    await _hooks(request).delete(hook)
    return {"deleted": True, "id": hook.id}


WEBHOOK_ROUTES = [create_webhook, list_webhooks, get_webhook, update_webhook, delete_webhook]
