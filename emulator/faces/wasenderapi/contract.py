"""The vendor API's OpenAPI 3.1 document, built from the code so that it cannot drift from it.

Request bodies and query strings come from the very structs the handlers parse with; the
response shapes below describe what the handlers answer, as the service documents them. Admin
routes stay out: they are the emulator's own API, not the vendor's.

Write the published copy with `python -m emulator.faces.wasenderapi.contract > openapi/wasenderapi.json`;
the app serves the same document at GET /openapi.json.
"""

from __future__ import annotations

import inspect
import json
import re
from functools import cache
from typing import Any, NamedTuple

import msgspec
from litestar import get

from emulator.faces.wasenderapi.contacts import ListQuery, SaveContactBody
from emulator.faces.wasenderapi.groups import (
    AcceptInviteBody,
    CreateGroupBody,
    ParticipantsBody,
    RolesBody,
    SettingsBody,
)
from emulator.faces.wasenderapi.media import Base64Upload, DecryptBody
from emulator.faces.wasenderapi.messages import EditBody, MessageLogQuery, ReadBody, SendMessageBody
from emulator.faces.wasenderapi.responses import SESSION_FIELDS
from emulator.faces.wasenderapi.send_variants import SEND_VARIANTS
from emulator.faces.wasenderapi.sessions import (
    ConnectBody,
    CreateSessionBody,
    PageQuery,
    PresenceBody,
    QrQuery,
    UpdateSessionBody,
)
from emulator.domain.events import DOCUMENTED_EVENTS
from emulator.domain.message_content import KIND_FIELD, MEDIA_FIELDS, OBJECT_FIELDS, VIEW_ONCE_KINDS
from emulator.domain.sessions import Session, Status

REF_TEMPLATE = "#/components/schemas/{name}"
PAT = "personalAccessToken"
SESSION_KEY = "sessionApiKey"


# Response shapes -----------------------------------------------------------------------------


class QrCode(msgspec.Struct):
    # The docs name it qrCode; the Python SDK reads qr_code.
    qrCode: str
    qr_code: str


class ConnectResult(msgspec.Struct):
    status: Status
    qrCode: str | None = None
    qr_code: str | None = None
    message: str | None = None


class StatusMessage(msgspec.Struct):
    status: Status
    message: str


class LaravelPage(msgspec.Struct):
    current_page: int
    data: list[dict[str, Any]]
    first_page_url: str
    from_: int | None = msgspec.field(name="from")
    last_page: int
    last_page_url: str
    next_page_url: str | None
    path: str
    per_page: int
    prev_page_url: str | None
    to: int | None
    total: int


class SessionUser(msgspec.Struct):
    id: str
    name: str | None
    lid: str | None


class Account(msgspec.Struct):
    id: int
    name: str
    email: str


class SentMessage(msgspec.Struct):
    msgId: int
    jid: str
    status: str


class MessageInfo(msgspec.Struct):
    remoteJid: str
    id: str
    msgId: int
    key: dict[str, Any]
    message: dict[str, Any]
    messageTimestamp: str
    status: int


class Contact(msgspec.Struct):
    id: str
    jid: str
    name: str | None
    notify: str | None
    verifiedName: str | None
    status: str | None
    lid: str | None
    imgUrl: str | None


class Pagination(msgspec.Struct):
    total: int
    page: int
    limit: int
    totalPages: int


class Participant(msgspec.Struct):
    id: str
    jid: str
    lid: str | None
    admin: str | None
    isAdmin: bool
    isSuperAdmin: bool


class GroupMetadata(msgspec.Struct):
    id: str
    jid: str
    subject: str
    creation: int
    owner: str | None
    desc: str | None
    participants: list[Participant]
    imgUrl: str | None


class GroupSummary(msgspec.Struct):
    id: str
    jid: str
    name: str
    subject: str
    imgUrl: str | None


class ParticipantOutcome(msgspec.Struct):
    status: int
    jid: str
    id: str
    message: str


class GroupSettings(msgspec.Struct):
    subject: str
    description: str | None
    announce: bool
    restrict: bool
    joinApproval: bool
    memberAdd: bool
    imgUrl: str | None


class InviteLink(msgspec.Struct):
    link: str
    inviteLink: str
    code: str


class WebhookEnvelope(msgspec.Struct):
    event: str
    timestamp: int
    sessionId: str
    data: Any


# Schema helpers ------------------------------------------------------------------------------


def ref(component: type | str) -> dict[str, Any]:
    """A reference to a schema component, named by its struct or by name."""
    return {"$ref": REF_TEMPLATE.format(name=component if isinstance(component, str) else component.__name__)}


def obj(**properties: Any) -> dict[str, Any]:
    """An object with these properties, all of them required."""
    return {"type": "object", "properties": properties, "required": list(properties)}


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
BINARY = {"type": "string", "format": "binary"}
BOOLEAN = {"type": "boolean"}
NUMBER = {"type": "number"}
SUCCESS = {"const": True}


def ok(data: dict[str, Any] | None = None, **top_level: Any) -> dict[str, Any]:
    """The `{success: true, data?, ...}` envelope of every 2xx body."""
    return obj(success=SUCCESS, **({"data": data} if data is not None else {}), **top_level)


def list_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def listing(item: dict[str, Any]) -> dict[str, Any]:
    """A plain list, or with `?paginated=true` the `{items, pagination}` page."""
    return ok({"anyOf": [list_of(item), obj(items=list_of(item), pagination=ref(Pagination))]})


SESSION_OBJECT = ref("SessionObject")
PUBLIC_URL = ok(obj(publicUrl=STRING), publicUrl=STRING)
MESSAGE_ONLY = ok(message=STRING)
STATUS_ONLY = ok(status=ref(Status))
OUTCOMES = ok(list_of(ref(ParticipantOutcome)))


# The operations ------------------------------------------------------------------------------


class Operation(NamedTuple):
    method: str
    path: str
    summary: str
    security: tuple[str, ...]
    success: dict[str, Any] | None  # None: 204 No Content
    body: type | None = None
    query: type | None = None
    # Statuses beyond the ones every operation may give (401, 429), a path parameter (404) and
    # a body, query or formatted path parameter (422): 400 for a refusal in the current state,
    # 403 for a plan limit, 404 for a resource named in the body.
    refusals: tuple[int, ...] = ()
    aliases: tuple[str, ...] = ()
    status: int = 200


class Contract(NamedTuple):
    """One OpenAPI document: the vendor API's, or the emulator's own admin API's."""

    title: str
    description: str
    operations: tuple[Operation, ...]
    response_structs: tuple[type, ...]
    security_schemes: dict[str, Any]
    body_examples: dict[type, dict[str, Any]]
    rate_limited: bool
    webhooks: dict[str, Any] | None = None
    # Path parameters this document describes otherwise than the vendor's: name -> schema, example.
    path_parameters: dict[str, dict[str, Any]] = {}


SESSIONS = "/api/whatsapp-sessions"
SESSION = SESSIONS + "/{session_id}"
ACCOUNT = (PAT,)
KEY = (SESSION_KEY,)
BOTH = (PAT, SESSION_KEY)
STATE = (400,)

OPERATIONS = (
    Operation(
        "get", "/api/auth-check", "Check a personal access token", ACCOUNT, ok(ref(Account), message=STRING),
        aliases=("/auth-check",),
    ),
    Operation("get", SESSIONS, "Get all WhatsApp sessions", ACCOUNT, ok(list_of(SESSION_OBJECT))),
    Operation("post", SESSIONS, "Create a WhatsApp session", ACCOUNT, ok(SESSION_OBJECT), CreateSessionBody, refusals=(403,)),
    Operation("get", SESSION, "Get WhatsApp session details", BOTH, ok(SESSION_OBJECT)),
    Operation("put", SESSION, "Update a WhatsApp session", BOTH, ok(SESSION_OBJECT), UpdateSessionBody),
    Operation("delete", SESSION, "Delete a WhatsApp session", BOTH, None),
    Operation(
        "post", SESSION + "/connect", "Connect a WhatsApp session", BOTH, ok(ref(ConnectResult)), ConnectBody, QrQuery,
        refusals=(400, 403),
    ),
    Operation(
        "get", SESSION + "/qrcode", "Get the session's QR code", BOTH, ok(ref(QrCode)), None, QrQuery,
        refusals=(400, 403), aliases=(SESSION + "/qr-code",),
    ),
    Operation("post", SESSION + "/disconnect", "Disconnect a WhatsApp session", BOTH, ok(ref(StatusMessage)), refusals=STATE),
    Operation("post", SESSION + "/restart", "Restart a WhatsApp session", BOTH, MESSAGE_ONLY, refusals=STATE),
    Operation(
        "post", SESSION + "/regenerate-key", "Regenerate the session's API key", BOTH, ok(api_key=STRING),
        aliases=(SESSION + "/regenerate-api-key",),
    ),
    Operation("get", SESSION + "/session-logs", "Get session logs", BOTH, ok(ref(LaravelPage)), None, PageQuery),
    Operation(
        "get", SESSION + "/message-logs", "Get message logs", BOTH, ok(ref(LaravelPage)), None, MessageLogQuery,
        refusals=STATE,
    ),
    Operation("get", "/api/status", "Get the session's status", KEY, STATUS_ONLY),
    Operation("get", "/api/sessions/{session_id}/status", "Get a session's status", BOTH, STATUS_ONLY),
    Operation("get", "/api/user", "Get the session's user", KEY, ok(ref(SessionUser)), refusals=STATE),
    Operation(
        "get", "/api/on-whatsapp/{phone_number}", "Check a number", KEY, ok(obj(exists=BOOLEAN)),
        refusals=STATE,
    ),
    Operation(
        "post", "/api/send-presence-update", "Send a presence update", KEY, ok(obj(jid=STRING, type=STRING)), PresenceBody,
        refusals=STATE,
    ),
    Operation(
        "post", "/api/send-message", "Send a message of any kind", KEY, ok(ref(SentMessage)), SendMessageBody,
        refusals=(400, 404),
    ),
    Operation("get", "/api/messages/{msg_id}/info", "Get message info", KEY, ok(ref(MessageInfo)), refusals=STATE),
    Operation("put", "/api/messages/{msg_id}", "Edit a message", KEY, ok(ref(MessageInfo)), EditBody, refusals=STATE),
    Operation("delete", "/api/messages/{msg_id}", "Delete a message", KEY, MESSAGE_ONLY, refusals=STATE),
    Operation("post", "/api/messages/{msg_id}/resend", "Resend a failed message", KEY, MESSAGE_ONLY, refusals=STATE),
    Operation("post", "/api/messages/read", "Mark a message as read", KEY, ok(obj(status=STRING)), ReadBody, refusals=(400, 404)),
    Operation("post", "/api/upload", "Upload a media file", KEY, PUBLIC_URL, Base64Upload),
    Operation("post", "/api/decrypt-media", "Decrypt a media file", KEY, PUBLIC_URL, DecryptBody, refusals=(400, 404)),
    Operation("get", "/api/contacts", "Get all contacts", KEY, listing(ref(Contact)), None, ListQuery, refusals=STATE),
    Operation(
        "put", "/api/contacts", "Create or update a contact", KEY, ok(obj(jid=STRING, fullName=NULLABLE_STRING)), SaveContactBody,
        refusals=STATE,
    ),
    Operation("get", "/api/contacts/{phone}", "Get contact info", KEY, ok(ref(Contact)), refusals=STATE),
    Operation(
        "get", "/api/contacts/{phone}/picture", "Get a contact's picture", KEY, ok(obj(imgUrl=NULLABLE_STRING)),
        refusals=STATE, aliases=("/api/contacts/{phone}/profile-picture",),
    ),
    Operation("post", "/api/contacts/{phone}/block", "Block a contact", KEY, ok(obj(message=STRING)), refusals=STATE),
    Operation("post", "/api/contacts/{phone}/unblock", "Unblock a contact", KEY, ok(obj(message=STRING)), refusals=STATE),
    Operation("get", "/api/lid-from-pn/{pn}", "Get the LID of a phone number", KEY, ok(obj(lid=STRING)), refusals=STATE),
    Operation("get", "/api/pn-from-lid/{lid}", "Get the phone number of a LID", KEY, ok(obj(pn=STRING)), refusals=STATE),
    Operation("post", "/api/groups", "Create a group", KEY, ok(ref(GroupMetadata)), CreateGroupBody, refusals=STATE),
    Operation("get", "/api/groups", "Get all groups", KEY, listing(ref(GroupSummary)), None, ListQuery, refusals=STATE),
    Operation("get", "/api/groups/{jid}/metadata", "Get group metadata", KEY, ok(ref(GroupMetadata)), refusals=STATE),
    Operation("get", "/api/groups/{jid}/participants", "Get group participants", KEY, ok(list_of(ref(Participant))), refusals=STATE),
    Operation(
        "post", "/api/groups/{jid}/participants/add", "Add group participants", KEY, OUTCOMES, ParticipantsBody, refusals=STATE
    ),
    Operation(
        "post", "/api/groups/{jid}/participants/remove", "Remove group participants", KEY, OUTCOMES, ParticipantsBody,
        refusals=STATE,
    ),
    Operation(
        "put", "/api/groups/{jid}/participants/update", "Promote or demote participants", KEY, OUTCOMES, RolesBody,
        refusals=STATE,
    ),
    Operation("put", "/api/groups/{jid}/settings", "Update group settings", KEY, ok(ref(GroupSettings)), SettingsBody, refusals=STATE),
    Operation(
        "get", "/api/groups/{jid}/invite-link", "Get a group's invite link", KEY, ok(ref(InviteLink), inviteLink=STRING),
        refusals=STATE,
    ),
    Operation(
        "get", "/api/groups/invite/{code}", "Get invite info", KEY,
        ok({"allOf": [ref(GroupMetadata), obj(inviteCode=STRING, groupJid=STRING)]}), refusals=STATE,
    ),
    Operation(
        "post", "/api/groups/invite/accept", "Accept a group invite", KEY, ok(obj(id=STRING, jid=STRING)), AcceptInviteBody,
        refusals=(400, 404),
    ),
    Operation("post", "/api/groups/{jid}/leave", "Leave a group", KEY, ok({"type": "object"}), refusals=STATE),
    Operation(
        "get", "/api/groups/{jid}/picture", "Get a group's picture", KEY, ok(obj(imgUrl=NULLABLE_STRING, url=NULLABLE_STRING)),
        refusals=STATE,
    ),
)

RESPONSE_STRUCTS = (
    QrCode, ConnectResult, StatusMessage, LaravelPage, SessionUser, Account, SentMessage, MessageInfo,
    Contact, Pagination, Participant, GroupMetadata, GroupSummary, ParticipantOutcome, GroupSettings, InviteLink,
    WebhookEnvelope,
)
INTEGER_PATH_PARAMETERS = ("session_id", "msg_id", "account_id", "delivery_id")
# Path parameters whose format is validated, as Laravel validates a field: a bad one is a 422.
FORMATTED_PATH_PARAMETERS = {"phone_number", "phone", "pn", "lid", "jid", "name"}
# Examples as the doc pages write them; they name the default fixtures' session, contact and
# group, so a contract test's example requests reach real state, not only "not found".
PATH_EXAMPLES: dict[str, Any] = {
    "session_id": 1,
    "msg_id": 1,
    "phone_number": "15551234567",
    "phone": "15551234567",
    "pn": "15551234567",
    "jid": "120363000000000001@g.us",
    "code": "EmuDemoAdminInvite0001",
    "account_id": 1,
    "delivery_id": 1,
    "name": "ci",
}
BODY_EXAMPLES: dict[type, dict[str, Any]] = {
    CreateSessionBody: {"name": "Business", "phone_number": "+15550109999", "account_protection": True, "log_messages": True},
    UpdateSessionBody: {"name": "Renamed", "webhook_enabled": False},
    PresenceBody: {"jid": "15551234567@s.whatsapp.net", "type": "composing"},
    EditBody: {"text": "Edited"},
    ReadBody: {"key": {"id": "3EB0C767D71D4A1B2C3D", "remoteJid": "15551234567@s.whatsapp.net", "fromMe": False}},
    SaveContactBody: {"jid": "15551234567@s.whatsapp.net", "fullName": "Alice Example"},
    CreateGroupBody: {"name": "Contract test group", "participants": ["+15551234567"]},
    ParticipantsBody: {"participants": ["+15559876543"]},
    RolesBody: {"action": "promote", "participants": ["+15551234567"]},
    SettingsBody: {"subject": "Renamed group", "announce": False},
    AcceptInviteBody: {"code": "EmuDemoAdminInvite0001"},
}
ISO_TIMESTAMPS = ("last_active_at", "created_at", "updated_at")


# Building the document -----------------------------------------------------------------------


def _components(contract: Contract) -> dict[str, Any]:
    request_structs = [t for op in contract.operations for t in (op.body, op.query) if t is not None]
    _, schemas = msgspec.json.schema_components(
        [*request_structs, *contract.response_structs, Session], ref_template=REF_TEMPLATE
    )
    schemas = {name: normalised_descriptions(schema) for name, schema in schemas.items()}
    schemas["SessionObject"] = _session_object(schemas.pop("Session"))
    bodies = [op.body for op in contract.operations if op.body is not None]
    for name in msgspec.json.schema_components(bodies, ref_template=REF_TEMPLATE)[1]:
        schemas[name] = _nulls_as_absent(schemas[name])
    return schemas


def normalised_descriptions(schema: Any) -> Any:
    """Struct docstrings become descriptions; msgspec releases differ in how they dedent them,
    so the document cleans them itself and comes out the same with any of them."""
    if isinstance(schema, list):
        return [normalised_descriptions(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    return {
        key: inspect.cleandoc(value) if key == "description" and isinstance(value, str)
        else value if key in ("example", "examples", "default", "const", "enum")
        else normalised_descriptions(value)
        for key, value in schema.items()
    }


def _nulls_as_absent(struct_schema: dict[str, Any]) -> dict[str, Any]:
    """A body field sent as null counts as not sent (validation.parse_body), so an optional
    field takes null too."""
    required = set(struct_schema.get("required", ()))
    properties = {
        name: schema if name in required or _takes_null(schema) else {"anyOf": [schema, {"type": "null"}]}
        for name, schema in struct_schema.get("properties", {}).items()
    }
    return {**struct_schema, "properties": properties}


def _takes_null(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or any(_takes_null(option) for option in schema.get("anyOf", ()))


def _session_object(session: dict[str, Any]) -> dict[str, Any]:
    """What responses.session_json makes of a Session: its fields, the owner and ISO timestamps."""
    copied = {name: session["properties"][name] for name in SESSION_FIELDS}
    properties = {**copied, "user_id": {"type": "integer"}, **{name: STRING for name in ISO_TIMESTAMPS}}
    return {"type": "object", "properties": properties, "required": list(properties)}


def _query_parameters(query: type, schemas: dict[str, Any]) -> list[dict[str, Any]]:
    struct_schema = schemas[query.__name__]
    required = set(struct_schema.get("required", ()))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": schema}
        for name, schema in struct_schema["properties"].items()
    ]


def _path_parameters(path: str, overrides: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            **overrides.get(name, _path_parameter(name)),
        }
        for name in re.findall(r"\{(\w+)\}", path)
    ]


def _path_parameter(name: str) -> dict[str, Any]:
    return {
        "schema": {"type": "integer" if name in INTEGER_PATH_PARAMETERS else "string"},
        **({"example": PATH_EXAMPLES[name]} if name in PATH_EXAMPLES else {}),
    }


RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed in the current window.",
    "X-RateLimit-Remaining": "Requests left in the current window.",
    "X-RateLimit-Reset": "When the window resets, in Unix seconds.",
}
ERROR_BODIES = {422: "ValidationError", 429: "RateLimited"}


def _header_components() -> dict[str, Any]:
    # Present whenever rate limiting is on (the default); `--rate-limits off` drops them.
    return {name: {"description": text, "schema": {"type": "integer"}} for name, text in RATE_LIMIT_HEADERS.items()}


def _json_response(description: str, schema: dict[str, Any], rate_limited: bool) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if rate_limited:
        response["headers"] = {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_LIMIT_HEADERS}
    return response


def _error_response_components(contract: Contract) -> dict[str, Any]:
    codes = {code for op in contract.operations for code in error_statuses(op)}
    names = {ERROR_BODIES.get(code, "Error") for code in codes}
    return {name: _json_response(name, ref(name), contract.rate_limited) for name in sorted(names)}


def error_statuses(op: Operation) -> list[int]:
    """The error statuses this operation may answer."""
    codes = {401, 429, *op.refusals}
    if "{" in op.path:
        codes.add(404)
    if op.body is not None or op.query is not None or set(re.findall(r"\{(\w+)\}", op.path)) & FORMATTED_PATH_PARAMETERS:
        codes.add(422)
    return sorted(codes)


def _error_responses(op: Operation) -> dict[str, Any]:
    return {str(code): {"$ref": f"#/components/responses/{ERROR_BODIES.get(code, 'Error')}"} for code in error_statuses(op)}


# What each kind of message needs: its one content field, no other, and a consistent messageType.
CONTENT_FIELDS = tuple(field for field, _ in MEDIA_FIELDS + OBJECT_FIELDS)


def _send_variant(kind: str) -> dict[str, Any]:
    field = KIND_FIELD.get(kind, "text")
    others = {other: {"type": "null"} for other in CONTENT_FIELDS if other != field}
    properties = {field: {"not": {"type": "null"}}, **others, "messageType": {"enum": [None, *dict.fromkeys(("text", kind))]}}
    if kind not in VIEW_ONCE_KINDS:
        properties["viewOnce"] = {"enum": [None, False]}
    return {"title": kind, "required": [field], "properties": properties}


def send_message_schema() -> dict[str, Any]:
    kinds = ["text", *(kind for _, kind in MEDIA_FIELDS + OBJECT_FIELDS)]
    return {"allOf": [ref(SendMessageBody), {"anyOf": [_send_variant(kind) for kind in kinds]}]}


def _send_message_examples() -> dict[str, Any]:
    return {re.sub(r"\W+", "_", name): {"summary": name, "value": body} for name, body in SEND_VARIANTS}


def _request_body(body: type, schemas: dict[str, Any], examples: dict[type, dict[str, Any]]) -> dict[str, Any]:
    # As in Laravel, no body counts as `{}`, so a body is required only where a field is.
    required = bool(schemas[body.__name__].get("required"))
    json_body: dict[str, Any] = {"schema": ref(body)}
    if body is SendMessageBody:
        json_body = {"schema": send_message_schema(), "examples": _send_message_examples()}
    elif body in examples:
        json_body["example"] = examples[body]
    content = {"application/json": json_body}
    if body is Base64Upload:
        # The Python SDK uploads multipart with a `file` part; the docs' recommended way is the
        # raw file as the body, its type in Content-Type.
        content["multipart/form-data"] = {"schema": obj(file=BINARY)}
        content["*/*"] = {"schema": BINARY}
    return {"required": required, "content": content}


def operation_id(method: str, path: str) -> str:
    return f"{method}{re.sub(r'[^A-Za-z0-9]+', '_', path)}"


# Where an answer names a resource that other operations take: OpenAPI links, which stateful
# tests follow (create a session, then get, update and delete it).
LINKS: dict[tuple[str, str], tuple[str, str, tuple[tuple[str, str], ...]]] = {
    ("post", SESSIONS): ("session_id", "$response.body#/data/id", (
        ("get", SESSION), ("put", SESSION), ("post", SESSION + "/connect"), ("get", SESSION + "/session-logs"),
        ("post", SESSION + "/regenerate-key"), ("delete", SESSION),
    )),
    ("post", "/api/send-message"): ("msg_id", "$response.body#/data/msgId", (
        ("get", "/api/messages/{msg_id}/info"), ("put", "/api/messages/{msg_id}"), ("delete", "/api/messages/{msg_id}"),
    )),
    ("post", "/api/groups"): ("jid", "$response.body#/data/id", (
        ("get", "/api/groups/{jid}/metadata"), ("get", "/api/groups/{jid}/participants"),
        ("put", "/api/groups/{jid}/settings"), ("get", "/api/groups/{jid}/invite-link"),
    )),
}  # fmt: skip


def _links(op: Operation) -> dict[str, Any]:
    if (op.method, op.path) not in LINKS:
        return {}
    parameter, value, targets = LINKS[op.method, op.path]
    return {
        operation_id(method, path): {"operationId": operation_id(method, path), "parameters": {parameter: value}}
        for method, path in targets
    }


def _success_response(op: Operation, rate_limited: bool) -> dict[str, Any]:
    if op.success is None:
        return {"204": {"description": "No Content"}}
    response = _json_response("OK", op.success, rate_limited)
    if links := _links(op):
        response["links"] = links
    return {str(op.status): response}


def _security(op: Operation) -> list[dict[str, Any]]:
    # An empty name is "no credentials", for the admin API when no admin token is set.
    return [{scheme: []} if scheme else {} for scheme in op.security]


def _operation(op: Operation, path: str, schemas: dict[str, Any], contract: Contract) -> dict[str, Any]:
    parameters = _path_parameters(path, contract.path_parameters) + (_query_parameters(op.query, schemas) if op.query else [])
    built: dict[str, Any] = {
        "summary": op.summary if path == op.path else f"{op.summary} (alias of {op.path})",
        "operationId": operation_id(op.method, path),
        "security": _security(op),
        "responses": {**_success_response(op, contract.rate_limited), **_error_responses(op)},
    }
    if parameters:
        built["parameters"] = parameters
    if op.body is not None:
        built["requestBody"] = _request_body(op.body, schemas, contract.body_examples)
    return built


def _error_schemas() -> dict[str, Any]:
    # `error` repeats `message` where a doc page shows the text there.
    error = {
        "type": "object",
        "properties": {"success": {"const": False}, "message": STRING, "error": STRING},
        "required": ["success", "message"],
    }
    field_errors = {"type": "object", "additionalProperties": list_of(STRING)}
    return {
        "Error": error,
        # Validation names the faults per field; a refused media file is a 422 without them.
        "ValidationError": {"allOf": [error, {"type": "object", "properties": {"errors": field_errors}}]},
        "RateLimited": {"allOf": [error, obj(retry_after={"type": "integer"})]},
    }


def _webhooks() -> dict[str, Any]:
    def event(name: str) -> dict[str, Any]:
        envelope = {"allOf": [ref(WebhookEnvelope), obj(event={"const": name})]}
        return {
            "post": {
                "summary": f"The {name} event",
                "parameters": [
                    {"name": "X-Webhook-Signature", "in": "header", "required": True, "schema": STRING,
                     "description": "The session's webhook_secret, as is (not an HMAC)."}
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": envelope}}},
                "responses": {"200": {"description": "Received"}},
            }
        }

    return {name: event(name) for name in DOCUMENTED_EVENTS}


def _security_schemes() -> dict[str, Any]:
    return {
        PAT: {"type": "http", "scheme": "bearer", "description": "A personal access token: account-level endpoints."},
        SESSION_KEY: {"type": "http", "scheme": "bearer", "description": "A session's API key: that session's endpoints."},
    }


def assemble(contract: Contract) -> dict[str, Any]:
    schemas = _components(contract)
    paths: dict[str, Any] = {}
    for op in contract.operations:
        for path in (op.path, *op.aliases):
            paths.setdefault(path, {})[op.method] = _operation(op, path, schemas, contract)
    components: dict[str, Any] = {
        "schemas": {**schemas, **_error_schemas()},
        "responses": _error_response_components(contract),
        "securitySchemes": contract.security_schemes,
    }
    if contract.rate_limited:
        components["headers"] = _header_components()
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": contract.title, "version": "1.0.0", "description": contract.description},
        "servers": [{"url": "/"}],
        "paths": paths,
    }
    if contract.webhooks is not None:
        document["webhooks"] = contract.webhooks
    return {**document, "components": components}


VENDOR = Contract(
    title="WasenderAPI",
    description="The WasenderAPI REST API as the emulator serves it.",
    operations=OPERATIONS,
    response_structs=RESPONSE_STRUCTS,
    security_schemes=_security_schemes(),
    body_examples=BODY_EXAMPLES,
    rate_limited=True,
    webhooks=_webhooks(),
)


@cache
def build() -> dict[str, Any]:
    return assemble(VENDOR)


def document_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2) + "\n"


@get("/openapi.json", name="openapi", media_type="application/json")
async def openapi_document() -> dict[str, Any]:
    return build()


if __name__ == "__main__":
    print(document_text(build()), end="")
