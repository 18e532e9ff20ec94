"""The official Python SDK (PyPI wasenderapi) against a running emulator, as a user drives it."""

from __future__ import annotations

import httpx
import pytest
from wasenderapi import create_sync_wasender
from wasenderapi.errors import WasenderAPIError
from wasenderapi.sessions import (
    CreateWhatsAppSessionPayload,
    UpdateWhatsAppSessionPayload,
    WhatsAppSessionStatus,
)

from tests.conftest import PAT, LiveServer


def test_banner_gives_the_base_url_and_the_default_tokens(live_server: LiveServer) -> None:
    assert live_server.api_url.startswith("http://127.0.0.1:")
    assert PAT in live_server.banner
    assert "API key:" in live_server.banner


def test_full_session_lifecycle_through_the_sdk(live_server: LiveServer) -> None:
    account = create_sync_wasender("unused", base_url=live_server.api_url, personal_access_token=PAT)

    created = account.create_whatsapp_session(
        CreateWhatsAppSessionPayload(
            name="SDK session",
            phone_number="+15553330001",
            account_protection=True,
            log_messages=True,
            webhook_events=["messages.recieved", "session.status"],
        )
    ).response.data
    assert created.status is WhatsAppSessionStatus.DISCONNECTED
    assert [e.value for e in created.webhook_events or []] == ["messages.recieved", "session.status"]

    connected = account.connect_whatsapp_session(created.id).response.data
    assert connected.status is WhatsAppSessionStatus.NEED_SCAN
    qr = account.get_whatsapp_session_qr_code(created.id).response.data.qr_code
    assert qr == connected.qr_code and qr.startswith("2@")
    image = account.connect_whatsapp_session(created.id, qr_as_image=True).response.data.qr_code
    assert image is not None and image.startswith("data:image/png;base64,")

    assert httpx.post(f"{live_server.url}/admin/sessions/{created.id}/scan").status_code == 200
    details = account.get_whatsapp_session_details(created.id).response.data
    assert details.status is WhatsAppSessionStatus.CONNECTED
    assert details.session_data["me"]["id"].startswith("15553330001:")

    renamed = account.update_whatsapp_session(created.id, UpdateWhatsAppSessionPayload(name="Renamed")).response.data
    assert renamed.name == "Renamed" and renamed.account_protection is True

    new_key = account.regenerate_api_key(created.id).response.api_key
    assert new_key != created.api_key and len(new_key) == 64
    session = create_sync_wasender(new_key, base_url=live_server.api_url)
    assert session.get_session_status(str(created.id)).response.status is WhatsAppSessionStatus.CONNECTED
    with pytest.raises(WasenderAPIError) as old_key:
        create_sync_wasender(created.api_key, base_url=live_server.api_url).get_session_status(str(created.id))
    assert old_key.value.status_code == 401

    assert session.get_session_user_info().response.data["id"].startswith("15553330001:")
    assert session.check_if_on_whatsapp("+15550000001").response.data == {"exists": False}
    assert session.send_presence_update("15551234567@s.whatsapp.net", "composing").response.success

    disconnected = account.disconnect_whatsapp_session(created.id).response.data
    assert disconnected.status is WhatsAppSessionStatus.DISCONNECTED
    assert account.delete_whatsapp_session(created.id).response.success
    listed = [s.id for s in account.get_all_whatsapp_sessions().response.data]
    assert created.id not in listed
    with pytest.raises(WasenderAPIError) as gone:
        session.get_session_status(str(created.id))
    assert (gone.value.status_code, gone.value.message) == (401, "Invalid API key")


def test_sdk_sees_documented_errors(live_server: LiveServer) -> None:
    account = create_sync_wasender("unused", base_url=live_server.api_url, personal_access_token=PAT)
    with pytest.raises(WasenderAPIError) as qr:
        account.get_whatsapp_session_qr_code(2)
    assert qr.value.status_code == 400 and "NEED_SCAN" in qr.value.message

    with pytest.raises(WasenderAPIError) as invalid:
        account.create_whatsapp_session(
            CreateWhatsAppSessionPayload(name="", phone_number="x", account_protection=True, log_messages=True)
        )
    assert invalid.value.status_code == 422
    assert invalid.value.error_details == {
        "name": ["The name field is required."],
        "phone_number": ["The phone number field format is invalid."],
    }

    with pytest.raises(WasenderAPIError) as missing:
        account.get_whatsapp_session_details(999_999)
    assert missing.value.status_code == 404
