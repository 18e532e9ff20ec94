"""Whatever a client sends, every route answers a documented JSON body, never a 5xx."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import CONNECTED_KEY, PAT, shared_client
from tests.routes import ROUTES

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=10,
)
bodies = (
    json_values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=64)
    | st.dictionaries(
        st.sampled_from(["name", "phone_number", "jid", "type", "status", "seconds", "plan", "qr_as_image"]),
        json_values,
    ).map(lambda v: json.dumps(v).encode())
)
path_ids = st.one_of(
    st.sampled_from(["1", "2", "0", "-1", "99999999999999999999", "%2B15551234567", "abc", "1@s.whatsapp.net"]),
    st.text(alphabet="0123456789abc+@.%-_", min_size=1, max_size=12),
)
queries = st.dictionaries(st.sampled_from(["page", "per_page", "qrAsImage", "session_id", "event"]), st.text(max_size=5))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    route=st.sampled_from(ROUTES),
    path_id=path_ids,
    body=bodies,
    query=queries,
    token=st.sampled_from([PAT, CONNECTED_KEY, "", "Bearer", "garbage"]),
    content_type=st.sampled_from(["application/json", "text/plain", "multipart/form-data", ""]),
)
def test_no_route_answers_5xx_or_non_json(route, path_id, body, query, token, content_type) -> None:
    method, template = route
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if content_type:
        headers["Content-Type"] = content_type
    response = shared_client("fuzz").request(method, template.replace("{id}", path_id), content=body, params=query, headers=headers)
    assert response.status_code < 500, (response.status_code, response.text)
    if response.status_code != 204:
        payload = response.json()
        assert isinstance(payload, dict) and isinstance(payload["success"], bool)
        if not payload["success"]:
            assert isinstance(payload["message"], str) and payload["message"]
