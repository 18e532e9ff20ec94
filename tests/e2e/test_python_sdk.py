"""The official Python SDK (PyPI wasenderapi) drives the session lifecycle of a running emulator,
as a user does: each answer is checked, then read back from what the emulator holds."""

from __future__ import annotations

from typing import Any

import pytest
from wasenderapi.sessions import CreateWhatsAppSessionPayload, UpdateWhatsAppSessionPayload, WhatsAppSessionStatus
from wasenderapi.webhook import WasenderWebhookEventType

from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, PAT, LiveServer
from tests.e2e.python_sdk_support import (  # noqa: F401 - admin is a fixture
    Admin,
    SdkFactory,
    admin,
    new_session_payload,
    paired_session,
    raw_body,
    refusal,
)

# Seconds a QR code lives on the emulator's clock before the next one replaces it.
QR_LIFETIME = 45


@pytest.fixture
def account(python_sdk: SdkFactory) -> Any:
    """The default account's client: account-level methods use its personal access token."""
    return python_sdk("unused", personal_access_token=PAT)


def test_banner_gives_the_base_url_and_the_default_tokens(live_server: LiveServer) -> None:
    assert live_server.api_url.startswith("http://127.0.0.1:")
    assert PAT in live_server.banner
    assert "API key:" in live_server.banner


@pytest.mark.sdk(
    "python",
    "create_whatsapp_session",
    "get_all_whatsapp_sessions",
    "connect_whatsapp_session",
    "get_whatsapp_session_qr_code",
    "get_whatsapp_session_details",
    "get_session_status",
)
def test_pairing_a_new_session_with_a_qr_scan(python_sdk: SdkFactory, account: Any, admin: Admin) -> None:
    events = ["messages.recieved", "session.status"]
    payload = new_session_payload("SDK pairing", account_protection=True, webhook_events=events)
    created = account.create_whatsapp_session(payload).response.data
    assert created.status is WhatsAppSessionStatus.DISCONNECTED
    assert [e.value for e in created.webhook_events or []] == events
    listed = {s.id: s for s in account.get_all_whatsapp_sessions().response.data}
    assert listed[created.id].api_key == created.api_key and listed[created.id].name == "SDK pairing"

    connected = account.connect_whatsapp_session(created.id).response.data
    assert connected.status is WhatsAppSessionStatus.NEED_SCAN
    qr = account.get_whatsapp_session_qr_code(created.id).response.data.qr_code
    assert qr == connected.qr_code and qr.startswith("2@")
    image = account.connect_whatsapp_session(created.id, qr_as_image=True).response.data.qr_code
    assert image is not None and image.startswith("data:image/png;base64,")
    assert account.get_whatsapp_session_details(created.id).response.data.status is WhatsAppSessionStatus.NEED_SCAN

    admin.advance(QR_LIFETIME)
    assert account.get_whatsapp_session_qr_code(created.id).response.data.qr_code not in (qr, None)

    admin.scan(created.id)
    details = account.get_whatsapp_session_details(created.id).response.data
    assert details.status is WhatsAppSessionStatus.CONNECTED
    assert details.session_data["me"]["id"].startswith(created.phone_number.removeprefix("+") + ":")
    session = python_sdk(created.api_key)
    assert session.get_session_status(str(created.id)).response.status is WhatsAppSessionStatus.CONNECTED


@pytest.mark.sdk(
    "python", "update_whatsapp_session", "get_whatsapp_session_details", "send_text", "handle_webhook_event"
)
def test_an_update_is_kept_and_its_webhook_takes_effect(python_sdk: SdkFactory, account: Any, admin: Admin) -> None:
    session, client = paired_session(python_sdk, admin, "SDK update")
    inbox = f"sdk-update-{session.id}"
    change = UpdateWhatsAppSessionPayload(
        name="Renamed",
        log_messages=False,
        webhook_url=admin.inbox_url(inbox),
        webhook_enabled=True,
        webhook_events=["message.sent"],
    )
    updated = account.update_whatsapp_session(session.id, change).response.data
    assert (updated.name, updated.log_messages, updated.webhook_enabled) == ("Renamed", False, True)

    kept = account.get_whatsapp_session_details(session.id).response.data
    assert (kept.name, kept.log_messages, kept.account_protection) == ("Renamed", False, False)
    assert kept.webhook_url == admin.inbox_url(inbox)
    assert [e.value for e in kept.webhook_events or []] == ["message.sent"]

    client.send_text("+15551234567", "hello webhook")
    admin.advance(1)  # in_progress -> sent
    [delivered] = admin.inbox(inbox)
    receiver = python_sdk("unused", webhook_secret=kept.webhook_secret)
    event = receiver.handle_webhook_event(raw_body(delivered), delivered["headers"]["x-webhook-signature"])
    assert event.event is WasenderWebhookEventType.MESSAGE_SENT and event.session_id == session.api_key
    assert (event.data.key.remote_jid, event.data.key.from_me) == ("15551234567@s.whatsapp.net", True)
    assert event.data.message.conversation == "hello webhook"
    forged = refusal(lambda: receiver.handle_webhook_event(raw_body(delivered), "not-the-secret"))
    assert forged.status_code == 400


@pytest.mark.sdk("python", "update_whatsapp_session", "send_text")
def test_account_protection_switched_on_by_an_update_throttles_sending(
    python_sdk: SdkFactory, account: Any, admin: Admin
) -> None:
    session, client = paired_session(python_sdk, admin, "SDK protection")
    account.update_whatsapp_session(session.id, UpdateWhatsAppSessionPayload(account_protection=True))
    client.send_text("+15551234567", "first")
    throttled = refusal(lambda: client.send_text("+15551234567", "second"))
    assert (throttled.status_code, throttled.retry_after) == (429, 5)
    admin.advance(5)
    assert client.send_text("+15551234567", "second").response.data.status == "in_progress"


@pytest.mark.sdk("python", "regenerate_api_key", "get_session_status", "get_whatsapp_session_details")
def test_a_regenerated_key_replaces_the_old_one_at_once(python_sdk: SdkFactory, account: Any, admin: Admin) -> None:
    session, old = paired_session(python_sdk, admin, "SDK regenerate")
    new_key = account.regenerate_api_key(session.id).response.api_key
    assert new_key != session.api_key and len(new_key) == 64
    assert account.get_whatsapp_session_details(session.id).response.data.api_key == new_key

    assert python_sdk(new_key).get_session_status(str(session.id)).response.status is WhatsAppSessionStatus.CONNECTED
    refused = refusal(lambda: old.get_session_status(str(session.id)))
    assert (refused.status_code, refused.message) == (401, "Invalid API key")


@pytest.mark.sdk("python", "get_session_user_info", "get_whatsapp_session_details", "check_if_on_whatsapp")
def test_the_connected_user_and_who_is_on_whatsapp(python_sdk: SdkFactory, account: Any) -> None:
    client = python_sdk(CONNECTED_KEY)
    me = account.get_whatsapp_session_details(CONNECTED_ID).response.data.session_data["me"]
    user = client.get_session_user_info().response.data
    assert user == {"id": me["id"], "name": me["name"], "lid": me["lid"]}
    assert user["id"].startswith("15550100001:")

    # The test-number table: +1 555 000 xxxx is not on WhatsApp, every other number is.
    assert client.check_if_on_whatsapp("+15550000001").response.data == {"exists": False}
    assert client.check_if_on_whatsapp("+15551234567").response.data == {"exists": True}


@pytest.mark.sdk("python", "send_presence_update")
def test_presence_updates_reach_the_emulator(python_sdk: SdkFactory, admin: Admin) -> None:
    client = python_sdk(CONNECTED_KEY)
    before = len(admin.presence(CONNECTED_ID))
    typing = client.send_presence_update("15551234567@s.whatsapp.net", "composing", delay_ms=3000).response
    assert typing.success and typing.data == {"jid": "15551234567@s.whatsapp.net", "type": "composing"}
    client.send_presence_update("15550100001@s.whatsapp.net", "available")

    recorded = [(p["jid"], p["type"], p["delay_ms"]) for p in admin.presence(CONNECTED_ID)[before:]]
    assert recorded == [
        ("15551234567@s.whatsapp.net", "composing", 3000),
        ("15550100001@s.whatsapp.net", "available", None),
    ]
    # The docs' rule: online and offline are sent with the session's own number.
    wrong = refusal(lambda: client.send_presence_update("15551234567@s.whatsapp.net", "available"))
    assert (wrong.status_code, wrong.message) == (400, "Error sending presence update: Invalid JID provided.")


@pytest.mark.sdk(
    "python",
    "disconnect_whatsapp_session",
    "delete_whatsapp_session",
    "get_whatsapp_session_details",
    "get_all_whatsapp_sessions",
    "get_session_status",
    "send_text",
)
def test_disconnecting_then_deleting_a_session(python_sdk: SdkFactory, account: Any, admin: Admin) -> None:
    session, client = paired_session(python_sdk, admin, "SDK goodbye")
    disconnected = account.disconnect_whatsapp_session(session.id).response.data
    assert disconnected.status is WhatsAppSessionStatus.DISCONNECTED
    assert account.get_whatsapp_session_details(session.id).response.data.status is WhatsAppSessionStatus.DISCONNECTED
    assert client.get_session_status(str(session.id)).response.status is WhatsAppSessionStatus.DISCONNECTED
    assert refusal(lambda: client.send_text("+15551234567", "hi")).status_code == 400

    deleted = account.delete_whatsapp_session(session.id).response
    assert deleted.success and deleted.data is None
    assert session.id not in [s.id for s in account.get_all_whatsapp_sessions().response.data]
    assert refusal(lambda: account.get_whatsapp_session_details(session.id)).status_code == 404
    gone = refusal(lambda: client.get_session_status(str(session.id)))
    assert (gone.status_code, gone.message) == (401, "Invalid API key")


@pytest.mark.sdk("python", "get_whatsapp_session_qr_code", "create_whatsapp_session", "get_whatsapp_session_details")
def test_sdk_sees_documented_errors(account: Any) -> None:
    qr = refusal(lambda: account.get_whatsapp_session_qr_code(DISCONNECTED_ID))
    assert qr.status_code == 400 and "NEED_SCAN" in qr.message

    invalid = refusal(
        lambda: account.create_whatsapp_session(
            CreateWhatsAppSessionPayload(name="", phone_number="x", account_protection=True, log_messages=True)
        )
    )
    assert invalid.status_code == 422
    assert invalid.error_details == {
        "name": ["The name field is required."],
        "phone_number": ["The phone number field format is invalid."],
    }
    assert refusal(lambda: account.get_whatsapp_session_details(999_999)).status_code == 404
