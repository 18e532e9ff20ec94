"""What no SendAPI route takes is still answered in SendAPI's error body: an unknown path is a 404,
a method its path does not serve a 405 with Allow, both counted against the key with the rate-limit
headers; paths outside /sendapi/v1 keep their face's body."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.faces.sendapi.helpers import BASE, HEADERS


def _sendapi_error(response, status: int, error_type: str, code: int) -> str:  # noqa: ANN001 - an httpx response
    assert response.status_code == status and response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False and body["meta"]["request_id"].startswith("req_")
    assert (body["error"]["type"], body["error"]["code"]) == (error_type, code)
    return str(body["error"]["message"])


@pytest.mark.parametrize("path", ["", "/", "/nope", "/whatsapp/nope", "/whatsapp/sessions/sess_x/qr/more", "/sms/send"])
def test_an_unknown_path_is_a_sendapi_404(client: TestClient, path: str) -> None:
    for headers in (HEADERS, {}):
        message = _sendapi_error(client.get(BASE + path, headers=headers), 404, "not_found", 4040)
        assert message == f"No route matches GET {BASE}{path}."


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PATCH", "/whatsapp/sessions", "GET, POST"),
        ("PUT", "/whatsapp/send", "POST"),
        ("POST", "/webhooks/1", "DELETE, GET, PUT"),
        ("DELETE", "/account/usage", "GET"),
    ],
)
def test_a_method_the_path_does_not_serve_is_a_sendapi_405(client: TestClient, method: str, path: str, allowed: str) -> None:
    response = client.request(method, BASE + path, headers=HEADERS)
    message = _sendapi_error(response, 405, "method_not_allowed", 4050)
    assert response.headers["allow"] == allowed and message.endswith(f"it serves {allowed}.")


def test_unrouted_requests_count_against_the_key_and_carry_its_headers(client: TestClient) -> None:
    remaining = [
        int(client.request(method, BASE + path, headers=HEADERS).headers["x-ratelimit-remaining"])
        for method, path in (("GET", "/whatsapp/sessions"), ("GET", "/nope"), ("PATCH", "/whatsapp/sessions"))
    ]
    assert remaining == [599, 598, 597]
    client.put("/admin/accounts/1", json={"plan": "trial"})
    for _ in range(60):
        client.get(BASE + "/nope", headers=HEADERS)
    refused = client.get(BASE + "/nope", headers=HEADERS)
    _sendapi_error(refused, 429, "rate_limit_exceeded", 4029)
    assert refused.headers["x-ratelimit-remaining"] == "0" and int(refused.headers["retry-after"]) > 0


def test_other_paths_keep_their_own_faces_bodies(client: TestClient) -> None:
    for path in ("/api/nope", "/sendapi/v1nope", "/sendapi/v2/whatsapp/sessions"):
        response = client.get(path)
        assert response.status_code == 404 and response.json() == {
            "success": False, "message": f"The route {path.lstrip('/')} could not be found."
        }  # fmt: skip
    wrong = client.patch("/api/whatsapp-sessions")
    assert wrong.status_code == 405 and wrong.json()["success"] is False and "error" not in wrong.json()
