"""The OpenAPI document of the emulator's own control plane under /admin, apart from the vendor's.

Built by the same code as the vendor document, from the structs the admin handlers parse.
Write the published copy with `python -m emulator.admin.contract > openapi/admin.json`;
the app serves the same document at GET /admin/openapi.json.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
from litestar import get

from emulator.admin.faults import AdminRuleSpec
from emulator.admin.guard import open_admin_route
from emulator.admin.session_ids import SESSION_ID_PARAMETER
from emulator.admin.routes import (
    AccountChangeBody,
    AdvanceBody,
    EventsQuery,
    ForcedStatusBody,
    NewAccountBody,
    RateLimitsBody,
)
from emulator.faces.wasenderapi.contract import (
    BOOLEAN,
    NULLABLE_STRING,
    NUMBER,
    SESSION_OBJECT,
    STRING,
    Contract,
    InviteLink,
    Operation,
    assemble,
    document_text,
    list_of,
    obj,
    ok,
    ref,
)
from emulator.faces.wasenderapi.media import EncryptBody
from emulator.dashboard.routes import MessagesQuery
from emulator.admin.webhooks import BacklogQuery, DeliveriesQuery, IdleQuery, InboxQuery, SettingsChange
from emulator.domain.events import Event
from emulator.domain.inbound import Inbound
from emulator.webhooks.settings import WebhookSettings

ADMIN_TOKEN = "adminToken"
# Open unless the emulator was started with an admin token.
ADMIN = (ADMIN_TOKEN, "")
OPEN = ("",)
INTEGER = {"type": "integer"}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
NULLABLE_NUMBER = {"type": ["number", "null"]}


class AdminAccount(msgspec.Struct):
    id: int
    name: str
    email: str
    plan: str
    session_limit: int
    personal_access_token: str
    created_at: str
    # face name -> the account's API key on that face
    keys: dict[str, str]


class Clock(msgspec.Struct):
    mode: str
    now: float
    iso: str
    pending_timers: int


class RateLimits(msgspec.Struct):
    enabled: bool
    concurrency_limit: int
    limits: list[dict[str, Any]]


ATTEMPT = obj(
    attempt=INTEGER, url=STRING, status_code=NULLABLE_INTEGER, error=NULLABLE_STRING,
    duration_ms=NULLABLE_NUMBER, created_at=STRING,
)  # fmt: skip
DELIVERY = obj(
    id=INTEGER, session_id=INTEGER, event=STRING, event_id=NULLABLE_INTEGER, injected=NULLABLE_STRING, url=STRING, outcome={"enum": ["pending", "delivered", "failed"]},
    attempt=INTEGER, status_code=NULLABLE_INTEGER, error=NULLABLE_STRING,
    duration_ms=NULLABLE_NUMBER, next_attempt_at=NULLABLE_STRING, created_at=STRING,
    updated_at=STRING, headers={"type": "object", "additionalProperties": STRING}, payload={"type": "object"},
    attempts=list_of(ATTEMPT),
)  # fmt: skip
BACKLOG = obj(
    session_id=INTEGER, pending=INTEGER, attempting=INTEGER, waiting_for_retry=INTEGER, oldest_created_at=STRING,
    oldest_age_seconds=NUMBER,
)  # fmt: skip
CAPTURED = obj(
    id=INTEGER, received_at=STRING, method=STRING, path=STRING, query=STRING,
    headers={"type": "object", "additionalProperties": STRING}, body={}, answered=INTEGER,
)  # fmt: skip
SESSION_CARD = obj(
    id=INTEGER, account_id=INTEGER, name=STRING, phone_number=STRING, status=STRING, plan=NULLABLE_STRING,
    webhook={"type": "object"}, qr_code=NULLABLE_STRING, qr_image=NULLABLE_STRING, qr_expires_at=NULLABLE_STRING,
)  # fmt: skip
CHAT = obj(id=STRING, name=NULLABLE_STRING, is_group=BOOLEAN, unread_count=INTEGER, updated_at=STRING)
BUBBLE = obj(
    id=INTEGER, key_id=STRING, from_me=BOOLEAN, sender=NULLABLE_STRING, kind=STRING, text=NULLABLE_STRING,
    status=STRING, sent_at=STRING, edited=BOOLEAN, deleted=BOOLEAN, media={"type": ["object", "null"]},
    quoted={"type": ["object", "null"]}, reactions=list_of(obj(emoji=STRING, from_me=BOOLEAN, by=STRING)),
    poll={"type": ["object", "null"]},
)  # fmt: skip
FAULT_RULE = obj(
    id=INTEGER, label=STRING, action={"type": "object"}, route=NULLABLE_STRING, session_id=NULLABLE_INTEGER,
    recipient=NULLABLE_STRING, event=NULLABLE_STRING, times=NULLABLE_INTEGER, probability=NULLABLE_NUMBER,
    after=INTEGER, name=NULLABLE_STRING, matches=list_of(STRING), matched=INTEGER, fired=INTEGER, spent=BOOLEAN,
)  # fmt: skip
SESSION = "/admin/sessions/{session_id}"
DASHBOARD_SESSION = "/admin/dashboard/sessions/{session_id}"
DELIVERY_PATH = "/admin/webhooks/deliveries/{delivery_id}"
FAULT_PATH = "/admin/faults/{rule_id}"

ADMIN_OPERATIONS = (
    Operation("get", "/admin/health", "Liveness, open even with an admin token set", OPEN, ok(obj(status=STRING))),
    Operation("post", "/admin/reset", "Back to the fixtures", ADMIN, ok(obj(reset=BOOLEAN, duration_ms=NUMBER))),
    Operation("post", "/admin/accounts", "Create a test account", ADMIN, ok(ref(AdminAccount)), NewAccountBody, status=201),
    Operation(
        "put", "/admin/accounts/{account_id}", "Change an account's plan or session limit", ADMIN, ok(ref(AdminAccount)),
        AccountChangeBody,
    ),
    Operation("get", "/admin/rate-limits", "The rate limits in force", ADMIN, ok(ref(RateLimits))),
    Operation("put", "/admin/rate-limits", "Switch rate limiting on or off", ADMIN, ok(ref(RateLimits)), RateLimitsBody),
    Operation("post", SESSION + "/scan", "Scan the session's QR code, as its phone would", ADMIN, ok(SESSION_OBJECT), refusals=(400,)),
    Operation(
        "post", SESSION + "/status", "Force a session to logged_out, expired or disconnected", ADMIN, ok(SESSION_OBJECT),
        ForcedStatusBody, refusals=(400,),
    ),
    Operation(
        "get", SESSION + "/presence", "Presence updates the session sent", ADMIN,
        ok(list_of(obj(id=INTEGER, jid=STRING, type=STRING, delay_ms=NULLABLE_INTEGER, occurred_at=STRING))),
    ),
    Operation(
        "post", SESSION + "/inbound", "Something arriving from a contact: a message, reaction, vote, call...", ADMIN,
        ok({"type": "object"}), Inbound, refusals=(400,),
    ),
    Operation(
        "get", "/admin/test-numbers", "The test numbers and what they do", ADMIN,
        ok(list_of(obj(keyword=STRING, prefix=STRING, example=STRING, description=STRING))),
    ),
    Operation("get", "/admin/clock", "The clock", ADMIN, ok(ref(Clock))),
    Operation("post", "/admin/clock/advance", "Advance the virtual clock", ADMIN, ok(ref(Clock)), AdvanceBody, refusals=(400,)),
    Operation("get", "/admin/events", "The journal of published events", ADMIN, ok(list_of(ref(Event))), None, EventsQuery),
    Operation(
        "get", "/admin/webhooks/deliveries", "Webhook deliveries and their attempts", ADMIN, ok(list_of(DELIVERY)), None,
        DeliveriesQuery,
    ),
    Operation("get", DELIVERY_PATH, "One webhook delivery", ADMIN, ok(DELIVERY)),
    Operation("post", DELIVERY_PATH + "/redeliver", "Deliver a webhook again, as a new delivery", ADMIN, ok(DELIVERY)),
    Operation(
        "get", "/admin/webhooks/backlog", "Each session's pending webhook deliveries and the age of the oldest", ADMIN,
        ok(list_of(BACKLOG)), None, BacklogQuery,
    ),
    Operation("get", "/admin/webhooks/settings", "Webhook delivery settings", ADMIN, ok(ref(WebhookSettings))),
    Operation(
        "put", "/admin/webhooks/settings", "Change webhook retries, timeout and per-session concurrency", ADMIN,
        ok(ref(WebhookSettings)), SettingsChange,
    ),
    Operation(
        "get", "/admin/idle", "Wait until no delivery and no due timer is pending (408 on timeout)", ADMIN,
        ok(obj(idle=BOOLEAN, waited_ms=NUMBER)), None, IdleQuery, refusals=(408,),
    ),
    Operation("get", "/admin/inbox/{name}", "What the capture inbox received", ADMIN, ok(list_of(CAPTURED))),
    Operation("delete", "/admin/inbox/{name}", "Empty a capture inbox", ADMIN, ok(obj(emptied=BOOLEAN))),
    Operation(
        "post", "/admin/inbox/{name}", "A capture inbox: point a webhook_url here (?fail=N answers 500 N times)", OPEN,
        ok(obj(received=BOOLEAN)), None, InboxQuery, refusals=(500,),
    ),
    Operation(
        "post", "/admin/faults", "Add a fault rule: an error, latency, a timeout, a reset, a cut or HTML body, a failed or "
        "lost send, a dropped session, a late, doubled or reordered webhook", ADMIN, ok(FAULT_RULE), AdminRuleSpec, status=201,
    ),
    Operation(
        "get", "/admin/faults", "The fault rules, with how often each matched and fired", ADMIN,
        ok(obj(header=BOOLEAN, rules=list_of(FAULT_RULE))),
    ),
    Operation("delete", "/admin/faults", "Remove every fault rule", ADMIN, ok(obj(removed=INTEGER))),
    Operation("get", FAULT_PATH, "One fault rule", ADMIN, ok(FAULT_RULE)),
    Operation("delete", FAULT_PATH, "Remove a fault rule", ADMIN, ok(FAULT_RULE)),
    Operation(
        "post", "/admin/media/encrypt", "Encrypt one of the emulator's media files as WhatsApp media", ADMIN,
        ok({"type": "object"}), EncryptBody, refusals=(404,),
    ),
    Operation("get", "/admin/dashboard/sessions", "The dashboard: every account's sessions", ADMIN, ok(list_of(SESSION_CARD))),
    Operation(
        "post", DASHBOARD_SESSION + "/connect", "The dashboard: connect a session as its owner would", ADMIN,
        ok(SESSION_CARD), refusals=(400, 403),
    ),
    Operation(
        "post", DASHBOARD_SESSION + "/restart", "The dashboard: restart a connected session", ADMIN, ok(SESSION_CARD),
        refusals=(400,),
    ),
    Operation("get", DASHBOARD_SESSION + "/chats", "The dashboard: a session's chats", ADMIN, ok(list_of(CHAT))),
    Operation(
        "get", DASHBOARD_SESSION + "/messages", "The dashboard: a page of one chat, newest first", ADMIN,
        ok(list_of(BUBBLE)), None, MessagesQuery,
    ),
    Operation(
        "get", "/admin/dashboard/inboxes", "The dashboard: the capture inboxes", ADMIN,
        ok(list_of(obj(name=STRING, received=INTEGER))),
    ),
    Operation(
        "post", "/admin/groups/{jid}/reset-invite", "Reset a group's invite code", ADMIN, ok(ref(InviteLink), inviteLink=STRING),
    ),
)

ADMIN_CONTRACT = Contract(
    title="wasender-emulator admin API",
    description=(
        "The emulator's control plane: accounts, the phone's actions, the clock, inbound traffic, webhooks, faults."
    ),
    operations=ADMIN_OPERATIONS,
    response_structs=(AdminAccount, Clock, RateLimits, Event, InviteLink, WebhookSettings),
    security_schemes={
        ADMIN_TOKEN: {"type": "http", "scheme": "bearer", "description": "The --admin-token, when one is set."}
    },
    body_examples={
        Inbound: {"from": "+15557771111", "text": "hello"},
        AdvanceBody: {"seconds": 60},
        NewAccountBody: {"plan": "trial"},
        AdminRuleSpec: {"route": "POST /api/send-message", "times": 2, "action": {"type": "error", "status": 503}},
    },
    rate_limited=False,
    path_parameters={"session_id": SESSION_ID_PARAMETER},
)


@cache
def build_admin() -> dict[str, Any]:
    return assemble(ADMIN_CONTRACT)


# The same document the repository publishes: nothing in it is secret.
@get("/admin/openapi.json", name="admin-openapi", media_type="application/json", opt=open_admin_route("public document"))
async def admin_openapi_document() -> dict[str, Any]:
    return build_admin()


if __name__ == "__main__":
    print(document_text(build_admin()), end="")
