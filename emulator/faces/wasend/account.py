"""The account, and one message by its id."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromPath

from emulator.domain import errors
from emulator.faces import WASEND
from emulator.faces.wasend.auth import calling_account
from emulator.faces.wasend.errors import WasendError
from emulator.faces.wasend.messages import message_key
from emulator.faces.wasend.models import mongo_id, wa_message
from emulator.http.requests import core_of


@get("/account")
async def account_info(request: Request[Any, Any, Any]) -> dict[str, Any]:
    account = calling_account(request)
    return {"id": mongo_id(account.id), "name": account.name, "plan": account.plan}


@get("/messages/{message_id:str}")
async def message_by_id(request: Request[Any, Any, Any], message_id: FromPath[str]) -> dict[str, Any]:
    """A message of any of the account's Wasend sessions, by its WAHA id."""
    account = calling_account(request)
    from_me, chat, key_id = message_key(message_id)
    core = core_of(request)
    for session in core.sessions.of_account(account.id, WASEND):
        try:
            return wa_message(await core.messages.by_key(session, key_id, chat, from_me), session)
        except errors.NotFound:
            continue
    raise WasendError(404, "Message not found")


ACCOUNT_ROUTES = [account_info, message_by_id]
