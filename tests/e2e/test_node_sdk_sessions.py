"""The official Node SDK's session methods against a running emulator, checked against its state."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.conftest import PAT, LiveServer, auth
from tests.e2e.emulator_state import journal

PHONE = "+15553330901"


@pytest.mark.sdk(
    "node",
    "createWhatsAppSession", "getAllWhatsAppSessions", "connectWhatsAppSession", "getWhatsAppSessionQRCode",
    "getSessionStatus", "getWhatsAppSessionDetails", "updateWhatsAppSession", "regenerateApiKey",
    "disconnectWhatsAppSession", "deleteWhatsAppSession",
)  # fmt: skip
def test_a_session_from_creation_to_deletion(live_server: LiveServer, node_sdk: Callable[..., dict]) -> None:
    result = node_sdk("sessions.cjs", BASE_URL=live_server.api_url, PAT=PAT, PHONE=PHONE)
    created = result["created"]
    session_id = created["id"]
    assert (created["phone_number"], created["status"], created["account_protection"]) == (PHONE, "disconnected", True)
    assert session_id in result["listedAfterCreate"]

    pairing = result["pairing"]
    assert pairing["connect"]["status"] == "need_scan"
    assert pairing["qrCode"] == pairing["connect"]["qrCode"] and pairing["qrCode"].startswith("2@")
    assert pairing["qrImagePrefix"] == "data:image/png;base64,"
    assert result["statusAfterScan"] == "connected"
    details = result["detailsAfterScan"]
    assert details["status"] == "connected" and details["session_data"]["me"]["id"].startswith(PHONE[1:] + ":")

    updated = result["updated"]
    for field, value in updated["changes"].items():
        assert updated["answered"][field] == updated["readBack"][field] == value, field

    rotated = result["rotated"]
    assert rotated["newKey"] != created["api_key"] and len(rotated["newKey"]) == 64
    assert (rotated["oldKeyRefused"]["statusCode"], rotated["oldKeyRefused"]["message"]) == (401, "Invalid API key")
    assert rotated["statusWithNewKey"] == "connected"

    ended = result["ended"]
    assert ended["disconnected"]["status"] == ended["statusAfterDisconnect"] == "disconnected"
    assert ended["deleted"] == {"success": True, "data": None}
    assert ended["deletedKeyRefused"]["statusCode"] == 401
    assert ended["detailsAfterDelete"]["statusCode"] == 404
    assert session_id not in result["listedAfterDelete"]

    # The emulator's own record of the same life: the session's status events and its absence.
    statuses = [data["status"] for data in journal(live_server.url, session_id, "session.status")]
    assert statuses == ["connecting", "need_scan", "connecting", "connected", "disconnected"]
    listed = httpx.get(f"{live_server.api_url}/whatsapp-sessions", headers=auth(PAT)).json()["data"]
    assert session_id not in [session["id"] for session in listed]
