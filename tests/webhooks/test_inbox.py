from __future__ import annotations

from litestar.testing import TestClient

from tests.conftest import make_client


def test_the_inbox_keeps_requests_with_headers_and_can_fail_on_demand(hooked: TestClient) -> None:
    first = hooked.post("/admin/inbox/box?fail=1", json={"a": 1}, headers={"X-Webhook-Signature": "s"})
    second = hooked.post("/admin/inbox/box?fail=1", content=b"not json")
    assert (first.status_code, second.status_code) == (500, 200)
    kept = hooked.get("/admin/inbox/box").json()["data"]
    assert [(k["answered"], k["body"]) for k in kept] == [(500, {"a": 1}), (200, "not json")]
    assert kept[0]["headers"]["x-webhook-signature"] == "s"
    assert hooked.delete("/admin/inbox/box").status_code == 200
    assert hooked.get("/admin/inbox/box").json()["data"] == []


def test_reading_an_inbox_needs_the_admin_token_but_receiving_does_not() -> None:
    with make_client(admin_token="secret") as client:
        assert client.post("/admin/inbox/box", json={}).status_code == 200
        assert client.get("/admin/inbox/box").status_code == 401
        readable = client.get("/admin/inbox/box", headers={"Authorization": "Bearer secret"})
        assert len(readable.json()["data"]) == 1
