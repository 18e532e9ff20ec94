"""The fault side of the control plane: rules that make the emulator fail on purpose, and their counts."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from emulator.admin.session_ids import SessionId, session_number
from emulator.http.requests import core_of
from emulator.faces.wasenderapi.responses import ok
from emulator.http.validation import parse_body
from emulator.domain import errors
from emulator.domain.faults import FaultBook, Rule, RuleSpec, WrittenRuleSpec, rule_spec

RULE_NOT_FOUND = "The specified fault rule was not found."


class AdminRuleSpec(WrittenRuleSpec, forbid_unknown_fields=True):
    """A fault rule as the admin API takes it: its session named by any face's id for it."""

    session_id: Annotated[int, msgspec.Meta(ge=1, le=2**53)] | SessionId | None = None


def _rule_spec(core: Any, written: AdminRuleSpec) -> RuleSpec:
    try:
        return rule_spec(written, lambda given: session_number(core, given))
    except ValueError as exc:
        raise errors.ValidationFailed({"session_id": [str(exc)]}) from None


def rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "label": rule.label,
        **msgspec.to_builtins(rule.spec),
        "matches": sorted(rule.routes),
        "matched": rule.matched,
        "fired": rule.fired,
        "spent": rule.spent,
    }


def _book(request: Request[Any, Any, Any]) -> FaultBook:
    return core_of(request).faults


def _rule(request: Request[Any, Any, Any], rule_id: int) -> Rule:
    rule = _book(request).rules.get(rule_id)
    if rule is None:
        raise errors.NotFound(RULE_NOT_FOUND)
    return rule


class FaultAdminController(Controller):
    path = "/admin/faults"

    @post("/", status_code=HTTP_201_CREATED)
    async def create(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        spec = _rule_spec(core_of(request), parse_body(AdminRuleSpec, await request.body()))
        return ok(rule_json(_book(request).add(spec)))

    @get("/")
    async def list_rules(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        core = core_of(request)
        rules = [rule_json(rule) for rule in core.faults.rules.values()]
        return ok({"header": core.settings.fault_header_enabled, "rules": rules})

    @get("/{rule_id:int}")
    async def read(self, request: Request[Any, Any, Any], rule_id: FromPath[int]) -> dict[str, Any]:
        return ok(rule_json(_rule(request, rule_id)))

    @delete("/{rule_id:int}", status_code=HTTP_200_OK)
    async def remove(self, request: Request[Any, Any, Any], rule_id: FromPath[int]) -> dict[str, Any]:
        rule = _rule(request, rule_id)
        _book(request).remove(rule.id)
        return ok(rule_json(rule))

    @delete("/", status_code=HTTP_200_OK)
    async def remove_all(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        book = _book(request)
        removed = len(book.rules)
        book.clear()
        return ok({"removed": removed})


FAULT_ADMIN_ROUTES = [FaultAdminController]
