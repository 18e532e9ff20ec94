"""The isolation matrix, generated from the app's route table.

Every route the app serves is walked. A route that names an account's or a session's resource
is called with a stranger's personal access token and with a stranger's session API key: it
answers the vendor's 404, never the resource and never a 5xx, and the stored state is the same
afterwards. No route shows a stranger anything of the victim's. Every admin route but the few
open ones answers 401 without the admin token. A route nobody has classified here fails the
walk, so a new route cannot slip past it unguarded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import TestClient

from emulator.admin.guard import is_admin_path
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, PAT, auth, make_client

ADMIN_TOKEN = "matrix-admin-token"
ADMIN = auth(ADMIN_TOKEN)
# Written into the victim's data: no answer to a stranger may contain it.
CANARY = "Zanzibar-canary"
VICTIM_CONTACT = "+15557770099"

# The admin routes anyone may call, token or not.
OPEN_ADMIN = {
    ("GET", "/admin/health"): "readiness probes: liveness only",
    ("POST", "/admin/inbox/{name}"): "the emulator's own webhook posts",
    ("GET", "/admin/openapi.json"): "the published admin document",
}

# Routes naming an account's or a session's resource in their path, with the body its owner sends.
OWNED: dict[tuple[str, str], dict[str, Any] | None] = {
    ("GET", "/api/whatsapp-sessions/{session_id}"): None,
    ("PUT", "/api/whatsapp-sessions/{session_id}"): {"name": "taken over"},
    ("DELETE", "/api/whatsapp-sessions/{session_id}"): None,
    ("POST", "/api/whatsapp-sessions/{session_id}/connect"): None,
    ("GET", "/api/whatsapp-sessions/{session_id}/qrcode"): None,
    ("GET", "/api/whatsapp-sessions/{session_id}/qr-code"): None,
    ("POST", "/api/whatsapp-sessions/{session_id}/disconnect"): None,
    ("POST", "/api/whatsapp-sessions/{session_id}/restart"): None,
    ("POST", "/api/whatsapp-sessions/{session_id}/regenerate-key"): None,
    ("POST", "/api/whatsapp-sessions/{session_id}/regenerate-api-key"): None,
    ("GET", "/api/whatsapp-sessions/{session_id}/session-logs"): None,
    ("GET", "/api/whatsapp-sessions/{session_id}/message-logs"): None,
    ("GET", "/api/sessions/{session_id}/status"): None,
    ("GET", "/api/messages/{msg_id}/info"): None,
    ("PUT", "/api/messages/{msg_id}"): {"text": "taken over"},
    ("DELETE", "/api/messages/{msg_id}"): None,
    ("POST", "/api/messages/{msg_id}/resend"): None,
}

# Routes naming a group: a group is the network's, not an account's, and a session that is not
# a member is refused as WhatsApp refuses it (400, "not a member"), seeing and changing nothing.
MEMBERS_ONLY: dict[tuple[str, str], dict[str, Any] | None] = {
    ("GET", "/api/groups/{jid}/metadata"): None,
    ("GET", "/api/groups/{jid}/participants"): None,
    ("POST", "/api/groups/{jid}/participants/add"): {"participants": ["+15557770098"]},
    ("POST", "/api/groups/{jid}/participants/remove"): {"participants": [VICTIM_CONTACT]},
    ("PUT", "/api/groups/{jid}/participants/update"): {"action": "promote", "participants": [VICTIM_CONTACT]},
    ("PUT", "/api/groups/{jid}/settings"): {"subject": "taken over"},
    ("GET", "/api/groups/{jid}/invite-link"): None,
    ("POST", "/api/groups/{jid}/leave"): None,
    ("GET", "/api/groups/{jid}/picture"): None,
}

# Routes naming nobody else's resource: they answer about the caller, or about the one network.
NOT_OWNED = {
    ("GET", "/api/whatsapp-sessions"): "the caller's own sessions",
    ("POST", "/api/whatsapp-sessions"): "creates the caller's session",
    ("GET", "/api/status"): "the calling session",
    ("GET", "/api/user"): "the calling session",
    ("GET", "/api/auth-check"): "the calling account",
    ("GET", "/auth-check"): "the calling account",
    ("POST", "/api/send-message"): "sends from the calling session",
    ("POST", "/api/send-presence-update"): "presence of the calling session",
    ("POST", "/api/messages/read"): "marks the calling session's own chat",
    ("POST", "/api/upload"): "a new file of the caller's",
    ("GET", "/api/contacts"): "the calling session's address book",
    ("PUT", "/api/contacts"): "the calling session's address book",
    ("GET", "/api/contacts/{phone}"): "a number, looked up in the caller's address book",
    ("GET", "/api/contacts/{phone}/picture"): "a number's public picture",
    ("GET", "/api/contacts/{phone}/profile-picture"): "a number's public picture",
    ("POST", "/api/contacts/{phone}/block"): "the calling session's block list",
    ("POST", "/api/contacts/{phone}/unblock"): "the calling session's block list",
    ("GET", "/api/on-whatsapp/{phone_number}"): "whether a number is on the network",
    ("GET", "/api/lid-from-pn/{pn}"): "the network's number-to-LID map",
    ("GET", "/api/pn-from-lid/{lid}"): "the network's LID-to-number map",
    ("GET", "/api/groups"): "the calling session's groups",
    ("POST", "/api/groups"): "creates the caller's group",
    ("GET", "/media/avatars/{name}"): "public profile pictures",
    ("GET", "/openapi.json"): "the published document",
    ("GET", "/"): "the dashboard's page: no data in it, what it shows comes from /admin",
    ("GET", "/dashboard/{name}"): "the dashboard's script and style sheet",
    # Each tool call goes through the REST route it stands for, so that route's isolation holds.
    ("POST", "/mcp"): "the calling account's tools, each answered by its REST route",
}


# Routes whose argument is itself the capability: whoever holds it may see what it opens.
CAPABILITIES = {
    ("GET", "/api/groups/invite/{code}"): "an invite code shows its group's subject to its holder",
    ("POST", "/api/groups/invite/accept"): "an invite code lets its holder join",
    ("GET", "/media/{name}"): "an unguessable file URL, as WhatsApp's media URLs are",
    ("POST", "/api/decrypt-media"): "whoever holds a media key may decrypt the file",
}
REFUSALS = {**{route: 404 for route in OWNED}, **{route: 400 for route in MEMBERS_ONLY}}
BODIES = {**OWNED, **MEMBERS_ONLY}


@dataclass(frozen=True)
class World:
    """The victim's resources (account 1, session 1) and a stranger's credentials."""

    params: dict[str, str]
    stranger_pat: str
    stranger_key: str


def app_routes(client: TestClient) -> Iterator[tuple[str, str]]:
    """(method, path with {name} arguments) of every route the app serves."""
    for route in client.app.routes:
        # The lean send-message route is an ASGI route that checks the method itself.
        for method in sorted(getattr(route, "methods", None) or ("POST",)):
            if method not in ("HEAD", "OPTIONS"):
                yield method, re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with make_client(admin_token=ADMIN_TOKEN, rate_limits="off", seed="matrix") as test_client:
        yield test_client


def build_world(client: TestClient) -> World:
    assert client.post("/admin/reset", headers=ADMIN).status_code == 200
    victim = auth(CONNECTED_KEY)
    client.put(f"/api/whatsapp-sessions/{CONNECTED_ID}", json={"name": f"{CANARY} session"}, headers=auth(PAT))
    client.put("/api/contacts", json={"jid": VICTIM_CONTACT, "fullName": f"{CANARY} contact"}, headers=victim)
    sent = client.post("/api/send-message", json={"to": VICTIM_CONTACT, "text": f"{CANARY} text"}, headers=victim)
    group = client.post("/api/groups", json={"name": f"{CANARY} group", "participants": [VICTIM_CONTACT]}, headers=victim)
    stranger_pat = client.post("/admin/accounts", json={}, headers=ADMIN).json()["data"]["personal_access_token"]
    body = {"name": "stranger", "phone_number": "+15557770200", "account_protection": False, "log_messages": True}
    stranger = client.post("/api/whatsapp-sessions", json=body, headers=auth(stranger_pat)).json()["data"]
    client.post(f"/api/whatsapp-sessions/{stranger['id']}/connect", headers=auth(stranger_pat))
    assert client.post(f"/admin/sessions/{stranger['id']}/scan", headers=ADMIN).json()["data"]["status"] == "connected"
    invite = client.get(f"/api/groups/{group.json()['data']['id']}/invite-link", headers=victim).json()["data"]
    params = {
        "session_id": str(CONNECTED_ID),
        "msg_id": str(sent.json()["data"]["msgId"]),
        "jid": group.json()["data"]["id"],
        "phone": VICTIM_CONTACT,
        "phone_number": VICTIM_CONTACT,
        "pn": VICTIM_CONTACT,
        "lid": "1@lid",
        "code": invite["inviteLink"].rsplit("/", 1)[-1],
        "name": "unknown.jpg",
    }
    return World(params, stranger_pat, stranger["api_key"])


def stored_state(client: TestClient) -> str:
    """A digest of every stored row and of the event journal."""
    core = client.app.state.core
    core.db.flush()
    digest = hashlib.sha256()
    tables = [row[0] for row in core.db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for table in tables:
        for row in core.db.conn.execute(f"SELECT * FROM {table} ORDER BY 1"):  # noqa: S608 - names from sqlite_master
            digest.update(repr((table, tuple(row))).encode())
    digest.update(repr([(e.event, e.session_id) for e in core.bus.journal()]).encode())
    return digest.hexdigest()


def call(client: TestClient, method: str, template: str, world: World, token: str | None, body: Any = None) -> Any:
    path = template.format(**world.params)
    return client.request(method, path, json=body, headers=auth(token) if token else {})


def test_every_route_is_classified(client: TestClient) -> None:
    # Each other face walks its own matrix (tests/faces/wasend/test_face.py, tests/faces/sendapi/test_isolation.py).
    served = {
        route for route in app_routes(client)
        if not is_admin_path(route[1]) and not route[1].startswith(("/wasend/", "/sendapi/"))
    }
    known = set(BODIES) | set(NOT_OWNED) | set(CAPABILITIES)
    assert served - known == set(), "classify the new route in OWNED (and guard it) or NOT_OWNED (and say why)"
    assert known - served == set(), "a classified route is no longer served"
    admin = {route for route in app_routes(client) if is_admin_path(route[1])}
    assert set(OPEN_ADMIN) <= admin


@pytest.mark.parametrize(("method", "template"), sorted(BODIES))
@pytest.mark.parametrize("kind", ["personal access token", "session API key"])
def test_a_stranger_finds_nothing_and_changes_nothing(client: TestClient, method: str, template: str, kind: str) -> None:
    world = build_world(client)
    stranger, owner = (world.stranger_pat, PAT) if kind == "personal access token" else (world.stranger_key, CONNECTED_KEY)
    before = stored_state(client)
    answer = call(client, method, template, world, stranger, BODIES[(method, template)])
    assert stored_state(client) == before, "a stranger's call changed the stored state"
    assert answer.status_code < 500 and CANARY not in answer.text
    owners = call(client, method, template, world, owner, BODIES[(method, template)])
    if owners.status_code in (401, 403):
        # This kind of credential does not open the route at all: refused alike for everyone.
        assert answer.status_code == owners.status_code
    else:
        refusal = REFUSALS[(method, template)]
        assert owners.status_code != refusal, "the owner must reach it, or the matrix proves nothing"
        assert answer.status_code == refusal and answer.json()["success"] is False, answer.text


def test_the_owner_reaches_every_owned_route_with_one_kind_of_credential(client: TestClient) -> None:
    for (method, template), body in sorted(BODIES.items()):
        reached = []
        for owner in (PAT, CONNECTED_KEY):
            world = build_world(client)
            reached.append(call(client, method, template, world, owner, body).status_code)
        # A 400 of a state the resource is in (no QR code while connected) still found it.
        refusal = REFUSALS[(method, template)]
        assert any(status not in (401, 403, refusal) for status in reached), (method, template, reached)


@pytest.mark.parametrize(("method", "template"), sorted(NOT_OWNED))
def test_no_route_shows_a_stranger_the_victims_data(client: TestClient, method: str, template: str) -> None:
    world = build_world(client)
    for stranger in (world.stranger_pat, world.stranger_key):
        answer = call(client, method, template, world, stranger, {})
        assert answer.status_code < 500 and CANARY not in answer.text, answer.text


def test_every_admin_route_needs_the_token(client: TestClient) -> None:
    world = build_world(client)
    guarded = [route for route in app_routes(client) if is_admin_path(route[1]) and route not in OPEN_ADMIN]
    assert guarded
    params = {**world.params, "account_id": "1", "delivery_id": "1", "name": "box", "message_id": "1", "rule_id": "1"}
    for method, template in guarded:
        path = template.format(**params)
        for headers in ({}, auth("wrong"), auth(PAT), auth(CONNECTED_KEY)):
            answer = client.request(method, path, json={}, headers=headers)
            assert answer.status_code == 401 and answer.json()["success"] is False, (method, path, answer.text)
    for method, template in OPEN_ADMIN:
        assert client.request(method, template.format(**params), json={}).status_code == 200
