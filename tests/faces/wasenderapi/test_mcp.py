"""/mcp with the official MCP Python client over streamable HTTP: the documented tools, each driven
once, with the state they leave read back through the REST API of the same emulator."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from mcp.shared.exceptions import MCPError
from mcp.shared.inbound import X_MCP_HEADER_KEY

from emulator.coverage import DOCUMENTED_TOOLS
from emulator.faces.wasenderapi.mcp.endpoint import MAX_BODY, PAID_PLANS_ONLY
from emulator.faces.wasenderapi.mcp.server import mcp_server
from tests.faces.wasenderapi.mcp_support import McpCalls, Rest, with_mcp
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, PAT, LiveServer

SOMEONE = "+15551234567"  # a test number that reads what it gets
FAIL_ONCE = "+15550050000"  # a test number whose first message fails
ADMIN_GROUP = "120363000000000001@g.us"  # session 1 is its superadmin
URL_PNG = "https://example.com/a.png"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer("--clock", "virtual", "--seed", "mcp", log=tmp_path_factory.mktemp("mcp") / "server.log")
    yield live
    live.stop()


@pytest.fixture(scope="module")
def rest(server: LiveServer) -> Rest:
    return Rest(server.url)


def test_the_tools_listed_are_exactly_the_documented_ones(server: LiveServer) -> None:
    async def scenario(mcp: McpCalls) -> list[Any]:
        return (await mcp.client.list_tools()).tools

    tools = with_mcp(server.url, PAT, scenario)
    assert [t.name for t in tools] == list(DOCUMENTED_TOOLS)
    for tool in tools:
        assert tool.description and "\n" not in tool.description
        assert tool.input_schema["type"] == "object"
        assert tool.annotations is not None and tool.annotations.read_only_hint is not None
    hints = {t.name: t.annotations for t in tools}
    assert hints["get_message_info"].read_only_hint and not hints["send_text_message"].read_only_hint
    assert hints["leave_group"].destructive_hint and not hints["create_group"].destructive_hint
    send = next(t for t in tools if t.name == "send_text_message").input_schema
    assert set(send["required"]) == {"session_id", "to", "text"}
    # The SDK checks an exchange's Mcp-Param headers against the schema it is handed: the listed
    # one wherever it declares such a header, and nothing where none is declared.
    lookup = mcp_server().get_tool_input_schema
    assert lookup is not None
    for tool in tools:
        declares = X_MCP_HEADER_KEY in json.dumps(tool.input_schema)
        assert lookup(tool.name) == (tool.input_schema if declares else None)


def test_session_tools(server: LiveServer, rest: Rest) -> None:
    async def scenario(mcp: McpCalls) -> None:
        listed = await mcp.ok("list_whatsapp_sessions")
        assert [s["id"] for s in listed] == [s["id"] for s in rest.data("GET", "/api/whatsapp-sessions", PAT)]
        one = await mcp.ok("get_specific_whatsapp_session", session_id=CONNECTED_ID)
        assert one == rest.data("GET", f"/api/whatsapp-sessions/{CONNECTED_ID}", PAT)
        assert await mcp.ok("get_session_user", session_id=CONNECTED_ID) == rest.data("GET", "/api/user", CONNECTED_KEY)
        made = await mcp.ok(
            "create_whatsapp_session", name="From an agent", phone_number="+15557770001",
            account_protection=False, log_messages=True,
        )  # fmt: skip
        path = f"/api/whatsapp-sessions/{made['id']}"
        assert rest.data("GET", path, PAT)["name"] == "From an agent"
        await mcp.ok("update_whatsapp_session", session_id=made["id"], name="Renamed")
        assert rest.data("GET", path, PAT)["name"] == "Renamed"
        connected = await mcp.ok("connect_whatsapp_session", session_id=made["id"])
        assert connected["status"] == rest.data("GET", path, PAT)["status"] == "need_scan"
        assert connected["qrCode"]
        await mcp.ok("disconnect_whatsapp_session", session_id=made["id"])
        assert rest.data("GET", path, PAT)["status"] == "disconnected"
        logs = await mcp.ok("get_session_logs", session_id=made["id"], per_page=100)
        assert logs["total"] == rest.data("GET", path + "/session-logs?per_page=100", PAT)["total"] >= 2

    with_mcp(server.url, PAT, scenario)


def _message_ids(rest: Rest) -> set[int]:
    page = rest.data("GET", f"/api/whatsapp-sessions/{CONNECTED_ID}/message-logs?per_page=100", PAT)
    return {row["id"] for row in page["data"]}


SENDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("send_mention_text_message", {"to": ADMIN_GROUP, "text": "Hi @15551234567", "mentions": ["15551234567@s.whatsapp.net"]}),
    ("send_image_message", {"imageUrl": URL_PNG, "text": "a picture"}),
    ("send_audio_message", {"audioUrl": "https://example.com/voice.ogg"}),
    ("send_video_message", {"videoUrl": "https://example.com/clip.mp4"}),
    ("send_document_message", {"documentUrl": "https://example.com/r.pdf", "fileName": "r.pdf"}),
    ("send_location_message", {"location": {"latitude": 37.77, "longitude": -122.41, "name": "HQ"}}),
    ("send_contact_message", {"contact": {"name": "Support", "phone": "+15550001111"}}),
    ("send_poll_message", {"poll": {"question": "Lunch?", "options": ["Pizza", "Sushi"]}}),
)


def test_messaging_tools(server: LiveServer, rest: Rest) -> None:
    async def scenario(mcp: McpCalls) -> None:
        sent = await mcp.ok("send_text_message", session_id=CONNECTED_ID, to=SOMEONE, text="hello from MCP")
        assert sent["msgId"] in _message_ids(rest)
        for name, body in SENDS:
            answer = await mcp.ok(name, session_id=CONNECTED_ID, **{"to": SOMEONE, **body})
            assert answer["msgId"] in _message_ids(rest), name
        # The clock moves the tool's message along, as it does a REST send's.
        rest.data("POST", "/admin/clock/advance", PAT, {"seconds": 30})
        info = await mcp.ok("get_message_info", session_id=CONNECTED_ID, msg_id=sent["msgId"])
        assert info == rest.data("GET", f"/api/messages/{sent['msgId']}/info", CONNECTED_KEY)
        assert info["status"] == 4  # read
        events = rest.data("GET", f"/admin/events?session_id={CONNECTED_ID}", PAT)
        assert any(info["id"] in str(e["data"]) for e in events)

        await mcp.ok("edit_message", session_id=CONNECTED_ID, msg_id=sent["msgId"], text="edited")
        edited = rest.data("GET", f"/api/messages/{sent['msgId']}/info", CONNECTED_KEY)
        assert "edited" in str(edited["message"])

        failing = await mcp.ok("send_text_message", session_id=CONNECTED_ID, to=FAIL_ONCE, text="try")
        rest.data("POST", "/admin/clock/advance", PAT, {"seconds": 30})
        await mcp.ok("resend_message", session_id=CONNECTED_ID, msg_id=failing["msgId"])
        rest.data("POST", "/admin/clock/advance", PAT, {"seconds": 30})
        assert rest.data("GET", f"/api/messages/{failing['msgId']}/info", CONNECTED_KEY)["status"] >= 2

        await mcp.ok("delete_message", session_id=CONNECTED_ID, msg_id=sent["msgId"])
        assert rest.call("GET", f"/api/messages/{sent['msgId']}/info", CONNECTED_KEY).json() != {"data": info}

        typing = await mcp.ok("send_presence_update", session_id=CONNECTED_ID, jid="15551234567@s.whatsapp.net", type="composing")
        assert typing == {"jid": "15551234567@s.whatsapp.net", "type": "composing"}
        presence = rest.data("GET", f"/admin/sessions/{CONNECTED_ID}/presence", PAT)
        assert presence[-1]["type"] == "composing"

        logs = await mcp.ok("get_message_logs", session_id=CONNECTED_ID, per_page=100)
        assert {row["id"] for row in logs["data"]} == _message_ids(rest)

    with_mcp(server.url, PAT, scenario)


def test_contact_tools(server: LiveServer, rest: Rest) -> None:
    phone, jid = "+15551232222", "15551232222@s.whatsapp.net"

    async def scenario(mcp: McpCalls) -> None:
        s = {"session_id": CONNECTED_ID}
        await mcp.ok("add_or_edit_contact", **s, jid=phone, fullName="Zed Tester")
        assert rest.data("GET", f"/api/contacts/{phone}", CONNECTED_KEY)["name"] == "Zed Tester"
        assert await mcp.ok("list_contacts", **s) == rest.data("GET", "/api/contacts", CONNECTED_KEY)
        assert await mcp.ok("get_contact_info", **s, phone=phone) == rest.data("GET", f"/api/contacts/{phone}", CONNECTED_KEY)
        picture = await mcp.ok("get_contact_picture", **s, phone=phone)
        assert picture == rest.data("GET", f"/api/contacts/{phone}/picture", CONNECTED_KEY)
        assert picture["imgUrl"].startswith(server.url)
        assert (await mcp.ok("block_contact", **s, phone=phone))["message"] == "Contact blocked"
        assert (await mcp.ok("unblock_contact", **s, phone=phone))["message"] == "Contact unblocked"
        for tool, path, args in (
            ("check_jid_on_whatsapp", f"/api/on-whatsapp/{phone}", {"phone_number": phone}),
            ("get_lid_from_phone_number", f"/api/lid-from-pn/{jid}", {"pn": jid}),
        ):
            assert await mcp.ok(tool, **s, **args) == rest.data("GET", path, CONNECTED_KEY)
        lid = rest.data("GET", f"/api/lid-from-pn/{jid}", CONNECTED_KEY)["lid"]
        assert await mcp.ok("get_phone_number_from_lid", **s, lid=lid) == rest.data("GET", f"/api/pn-from-lid/{lid}", CONNECTED_KEY)
        by_name = await mcp.ok("search_contacts", **s, query="zED tes")
        assert [c["jid"] for c in by_name] == [jid]
        by_digits = await mcp.ok("search_contacts", **s, query="555123 2222")
        assert [c["jid"] for c in by_digits] == [jid]
        assert await mcp.ok("search_contacts", **s, query="nobody at all") == []

    with_mcp(server.url, PAT, scenario)


def _second_connected_session(rest: Rest) -> dict[str, Any]:
    body = {"name": "Joiner", "phone_number": "+15557770002", "account_protection": False, "log_messages": True}
    session = rest.data("POST", "/api/whatsapp-sessions", PAT, body)
    rest.data("POST", f"/api/whatsapp-sessions/{session['id']}/connect", PAT)
    rest.data("POST", f"/admin/sessions/{session['id']}/scan", PAT)
    return session


def test_group_tools(server: LiveServer, rest: Rest) -> None:
    joiner = _second_connected_session(rest)

    async def scenario(mcp: McpCalls) -> None:
        s = {"session_id": CONNECTED_ID}
        group = await mcp.ok("create_group", **s, name="Agents Club", participants=["+15551233333"])
        jid = group["id"]
        assert jid in [g["id"] for g in rest.data("GET", "/api/groups", CONNECTED_KEY)]
        assert await mcp.ok("list_groups", **s) == rest.data("GET", "/api/groups", CONNECTED_KEY)
        assert await mcp.ok("get_group_metadata", **s, jid=jid) == rest.data("GET", f"/api/groups/{jid}/metadata", CONNECTED_KEY)

        def members() -> dict[str, bool]:
            return {p["id"]: p["isAdmin"] for p in rest.data("GET", f"/api/groups/{jid}/participants", CONNECTED_KEY)}

        await mcp.ok("add_group_participants", **s, jid=jid, participants=["+15551234444"])
        assert "15551234444@s.whatsapp.net" in members()
        await mcp.ok("update_group_participants", **s, jid=jid, action="promote", participants=["+15551234444"])
        assert members()["15551234444@s.whatsapp.net"] is True
        await mcp.ok("remove_group_participants", **s, jid=jid, participants=["+15551233333"])
        assert "15551233333@s.whatsapp.net" not in members()
        assert {p["id"] for p in await mcp.ok("get_group_participants", **s, jid=jid)} == set(members())
        await mcp.ok("update_group_settings", **s, jid=jid, subject="Agents Guild", announce=True)
        metadata = rest.data("GET", f"/api/groups/{jid}/metadata", CONNECTED_KEY)
        assert (metadata["subject"], metadata["announce"]) == ("Agents Guild", True)
        assert [g["id"] for g in await mcp.ok("search_groups", **s, query="agents GUILD")] == [jid]

        code = (await mcp.ok("generate_invite_link", **s, jid=jid))["code"]
        await mcp.ok("accept_group_invite", session_id=joiner["id"], code=code)
        assert jid in [g["id"] for g in rest.data("GET", "/api/groups", joiner["api_key"])]
        await mcp.ok("leave_group", session_id=joiner["id"], jid=jid)
        assert jid not in [g["id"] for g in rest.data("GET", "/api/groups", joiner["api_key"])]

    with_mcp(server.url, PAT, scenario)


def test_the_documentation_tool_reads_the_published_document(server: LiveServer, rest: Rest) -> None:
    async def scenario(mcp: McpCalls) -> tuple[Any, Any, tuple[bool, Any]]:
        index = await mcp.ok("get_api_documentation_tool")
        entry = await mcp.ok("get_api_documentation_tool", id="post_api_send_message")
        return index, entry, await mcp.call("get_api_documentation_tool", id="no_such_thing")

    index, entry, unknown = with_mcp(server.url, PAT, scenario)
    document = httpx.get(server.url + "/openapi.json").json()
    assert {e["id"] for e in index} == {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert (entry["method"], entry["path"]) == ("POST", "/api/send-message")
    assert entry["operation"] == document["paths"]["/api/send-message"]["post"]
    assert "SendMessageBody" in entry["components"]["schemas"]
    assert unknown[0] is True


def test_refusals_carry_the_rest_answers_message(server: LiveServer, rest: Rest) -> None:
    async def scenario(mcp: McpCalls) -> list[tuple[bool, Any]]:
        return [
            await mcp.call("send_text_message", session_id=DISCONNECTED_ID, to=SOMEONE, text="hi"),
            await mcp.call("send_text_message", session_id=CONNECTED_ID, to="not a number", text="hi"),
            await mcp.call("send_text_message", session_id=999_999, to=SOMEONE, text="hi"),
            await mcp.call("send_text_message", to=SOMEONE, text="hi"),
            await mcp.call("get_group_metadata", session_id=CONNECTED_ID, jid="120363999999999999@g.us"),
        ]

    not_connected, invalid, unknown_session, no_session, no_group = with_mcp(server.url, PAT, scenario)
    disconnected_key = rest.data("GET", f"/api/whatsapp-sessions/{DISCONNECTED_ID}", PAT)["api_key"]
    refused = rest.call("POST", "/api/send-message", disconnected_key, {"to": SOMEONE, "text": "hi"}).json()
    assert not_connected == (True, refused["message"])
    validation = rest.call("POST", "/api/send-message", CONNECTED_KEY, {"to": "not a number", "text": "hi"}).json()
    assert invalid[0] and invalid[1].startswith(validation["message"]) and validation["errors"]["to"][0] in invalid[1]
    assert unknown_session == (True, "The specified session was not found.")
    assert no_session == (True, "The session id field is required.")
    group_refusal = rest.call("GET", "/api/groups/120363999999999999@g.us/metadata", CONNECTED_KEY).json()
    assert no_group == (True, group_refusal["message"])


def test_an_unknown_tool_is_an_mcp_error(server: LiveServer) -> None:
    async def scenario(mcp: McpCalls) -> int:
        with pytest.raises(MCPError) as caught:
            await mcp.client.call_tool("send_fax", {})
        return caught.value.error.code

    assert with_mcp(server.url, PAT, scenario) == -32602


MCP_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
INITIALIZE = {
    "jsonrpc": "2.0", "id": 1, "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}  # fmt: skip


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": f"Bearer {CONNECTED_KEY}"}])
def test_no_personal_access_token_is_refused_before_any_mcp_exchange(server: LiveServer, headers: dict[str, str]) -> None:
    response = httpx.post(server.url + "/mcp", json=INITIALIZE, headers={**MCP_HEADERS, **headers})
    assert (response.status_code, response.json()) == (401, {"success": False, "message": "Unnotarized"})


@pytest.mark.parametrize("plan", ["trial", "none"])
def test_accounts_off_paid_plans_are_refused(server: LiveServer, plan: str) -> None:
    token = httpx.post(server.url + "/admin/accounts", json={"plan": plan}).json()["data"]["personal_access_token"]
    response = httpx.post(server.url + "/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Authorization": f"Bearer {token}"})
    assert (response.status_code, response.json()) == (403, {"success": False, "message": PAID_PLANS_ONLY})


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"jsonrpc": "2.0", "id": 1}'])
def test_malformed_json_rpc_gets_mcp_error_codes(server: LiveServer, body: bytes) -> None:
    response = httpx.post(server.url + "/mcp", content=body, headers={**MCP_HEADERS, "Authorization": f"Bearer {PAT}"})
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["code"] in (-32700, -32600, -32602)


def test_the_server_is_at_mcp_with_or_without_a_slash_and_nothing_is_below_it(server: LiveServer) -> None:
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {PAT}"}
    slashed = httpx.post(server.url + "/mcp/", json=INITIALIZE, headers=headers)
    below = httpx.post(server.url + "/mcp/tools", json=INITIALIZE, headers=headers)
    assert slashed.status_code == 200 and slashed.json()["result"]["serverInfo"]["name"] == "WasenderAPI"
    assert (below.status_code, below.json()) == (404, {"success": False, "message": "The route mcp/tools could not be found."})


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_not_sent_as_json_is_refused_in_json_rpc(server: LiveServer, content_type: str | None) -> None:
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {PAT}", "Content-Type": content_type or ""}
    response = httpx.post(server.url + "/mcp", content=json.dumps(INITIALIZE), headers=headers)
    assert response.status_code == 415
    assert response.json()["error"] == {"code": -32600, "message": "Unsupported Media Type: Content-Type must be application/json"}


@pytest.mark.parametrize("over_a_session", [False, True])
def test_a_body_over_the_limit_is_refused_unread_and_sends_nothing(server: LiveServer, rest: Rest, over_a_session: bool) -> None:
    headers = _raw_mcp_session(server.url) if over_a_session else {**MCP_HEADERS, "Authorization": f"Bearer {PAT}"}
    text = "a" * MAX_BODY
    call = {"jsonrpc": "2.0", "id": 8, "method": "tools/call",
            "params": {"name": "send_text_message", "arguments": {"session_id": CONNECTED_ID, "to": SOMEONE, "text": text}}}  # fmt: skip
    logs = f"/api/whatsapp-sessions/{CONNECTED_ID}/message-logs"
    before = rest.call("GET", logs, PAT).json()["data"]["total"]
    response = httpx.post(server.url + "/mcp", json=call, headers=headers, timeout=30)
    assert (response.status_code, response.headers["connection"]) == (413, "close")
    assert response.json()["error"] == {"code": -32600, "message": f"The request body is larger than {MAX_BODY} bytes."}
    assert rest.call("GET", logs, PAT).json()["data"]["total"] == before


def test_tool_calls_count_against_their_endpoints_rate_limit(server: LiveServer, rest: Rest) -> None:
    def remaining() -> int:
        response = rest.call("POST", "/api/send-message", CONNECTED_KEY, {"to": SOMEONE, "text": "count"})
        return int(response.headers["x-ratelimit-remaining"])

    async def scenario(mcp: McpCalls) -> int:
        before = remaining()
        for _ in range(3):
            await mcp.ok("send_text_message", session_id=CONNECTED_ID, to=SOMEONE, text="counted")
        return before - remaining()

    assert with_mcp(server.url, PAT, scenario) == 4


def test_every_documented_tool_is_driven_here() -> None:
    """The scenarios above call each tool once at least; a new tool needs a scenario."""
    import ast  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    source = Path(__file__).read_text()
    named = {node.value for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert set(DOCUMENTED_TOOLS) <= named


def _raw_mcp_session(url: str) -> dict[str, str]:
    """The headers of a fresh MCP session, initialized by hand."""
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {PAT}"}
    opened = httpx.post(url + "/mcp", json=INITIALIZE, headers=headers)
    headers |= {"Mcp-Session-Id": opened.headers["mcp-session-id"], "Mcp-Protocol-Version": "2025-06-18"}
    httpx.post(url + "/mcp", json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers)
    return headers


def test_a_request_id_already_in_flight_is_refused_and_does_nothing(server: LiveServer, rest: Rest) -> None:
    headers = _raw_mcp_session(server.url)
    call = {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
            "params": {"name": "send_text_message", "arguments": {"session_id": CONNECTED_ID, "to": SOMEONE, "text": "once"}}}  # fmt: skip
    slow = httpx.post(server.url + "/admin/faults", json={"route": "POST /api/send-message", "action": {"type": "latency", "seconds": 1}})
    logs = f"/api/whatsapp-sessions/{CONNECTED_ID}/message-logs"
    before = rest.call("GET", logs, PAT).json()["data"]["total"]
    try:
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(httpx.post, server.url + "/mcp", json=call, headers=headers, timeout=10)
            time.sleep(0.3)  # the first is now waiting out its latency
            second = httpx.post(server.url + "/mcp", json=call, headers=headers, timeout=10)
            answered = first.result()
    finally:
        httpx.delete(f"{server.url}/admin/faults/{slow.json()['data']['id']}")
    assert second.status_code == 400 and second.json()["error"]["code"] == -32600 and second.json()["id"] == 7
    assert answered.status_code == 200 and answered.json()["result"]["structuredContent"]["success"] is True
    assert rest.call("GET", logs, PAT).json()["data"]["total"] == before + 1
    # Once answered, the id may be used again.
    again = httpx.post(server.url + "/mcp", json=call, headers=headers, timeout=10)
    assert again.status_code == 200 and "result" in again.json()
