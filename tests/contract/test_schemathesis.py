"""schemathesis against a live emulator: no 5xx, and every answer as the published document says.

Generated requests carry real credentials so they reach the handlers: the session API key of
the connected fixture session for session endpoints, and for account endpoints the personal
access token of a fresh account, so that no generated DELETE or regenerate-key can take the
fixture session (and with it the key every other operation uses) away mid-run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from emulator.admin.contract import build_admin
from emulator.faces.wasenderapi.contract import PAT as PAT_SCHEME
from emulator.faces.wasenderapi.contract import build
from tests.conftest import CONNECTED_KEY, LiveServer, auth

EXAMPLES_PER_OPERATION = 40
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def emulator_seeded(tmp_path_factory: pytest.TempPathFactory, seed: str, *args: str) -> Iterator[LiveServer]:
    """A live emulator on a virtual clock, its ids from `seed`, for one module's run."""
    server = LiveServer(*args, "--clock", "virtual", "--seed", seed, log=tmp_path_factory.mktemp(seed) / "server.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def contract_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from emulator_seeded(tmp_path_factory, "contract", "--rate-limits", "off")


def fresh_account_token(server: LiveServer) -> str:
    created = httpx.post(f"{server.url}/admin/accounts", json={"plan": "paid", "session_limit": 10_000})
    return str(created.json()["data"]["personal_access_token"])


@pytest.fixture(scope="module")
def account_token(contract_server: LiveServer) -> str:
    return fresh_account_token(contract_server)


def token_for(case: Any, account_token: str) -> str:
    """The credential of the operation's first security scheme."""
    first_scheme = next(iter(case.operation.definition.raw["security"][0]))
    return account_token if first_scheme == PAT_SCHEME else CONNECTED_KEY


# The document as built from the code; test_openapi_document proves the server serves the same.
# (schemathesis' fixture-loaded schemas do not yet work with pytest 9, so it is loaded here.)
api_schema = schemathesis.openapi.from_dict(build())
# The test sets the credentials itself, and the API ignores unknown query parameters, as Laravel
# does: negative cases built from either would be valid requests.
api_schema.config.generation.update(
    modes=["positive", "negative"], with_security_parameters=False, allow_extra_parameters=False
)


def filter_case(context: Any, case: Any) -> bool:
    """Drop negative cases that are valid requests: as in Laravel, a body that is not a JSON
    object counts as `{}`, which a body whose fields are all optional accepts."""
    request_body = case.operation.definition.raw.get("requestBody")
    body_is_optional = request_body is not None and not request_body["required"]
    not_an_object = not isinstance(case.body, dict)
    return not (case.meta.generation.mode.is_negative and body_is_optional and not_an_object)


api_schema.hook(filter_case)


@api_schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_conforms_to_the_document(case: Any, contract_server: LiveServer, account_token: str) -> None:
    case.call_and_validate(base_url=contract_server.url, headers=auth(token_for(case, account_token)), checks=CHECKS)


admin_schema = schemathesis.openapi.from_dict(build_admin())
admin_schema.config.generation.update(modes=["positive", "negative"], allow_extra_parameters=False)
admin_schema.hook(filter_case)


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from emulator_seeded(tmp_path_factory, "admin")


@admin_schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION // 2, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_admin_answer_conforms_to_its_document(case: Any, admin_server: LiveServer) -> None:
    # The capture inbox answers 500 on purpose when a test asks it to fail.
    told_to_fail = "500" in case.operation.definition.raw["responses"]
    checks = [check for check in CHECKS if not (told_to_fail and check is not_a_server_error)]
    case.call_and_validate(base_url=admin_server.url, checks=checks)


@pytest.fixture(scope="module")
def linked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from emulator_seeded(tmp_path_factory, "linked", "--rate-limits", "off")


def test_linked_operations_conform_in_sequence(linked_server: LiveServer) -> None:
    """The document's links as schemathesis follows them: create a session, then get, update,
    connect and delete it; send a message, then read, edit and delete it; create a group, then
    read and change it. Every answer along the way conforms."""

    class LinkedCalls(api_schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Hypothesis replays scenarios, so each must start from the same state: the
            # fixtures, with the seed's ids, and a fresh account whose token is then the same.
            httpx.post(f"{linked_server.url}/admin/reset").raise_for_status()
            self.account_token = fresh_account_token(linked_server)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": linked_server.url, "headers": auth(token_for(case, self.account_token))}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    LinkedCalls.run(
        settings=settings(max_examples=60, stateful_step_count=6, deadline=None, suppress_health_check=list(HealthCheck))
    )
