"""The account, one message by its id, and whether a number is on WhatsApp."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get
from litestar.params import FromPath

from emulator.domain import errors
from emulator.domain.jids import phone_digits
from emulator.domain.network import is_on_whatsapp
from emulator.faces import WASEND
from emulator.faces.wasend.addresses import WAHA_USER_SERVER
from emulator.faces.wasend.auth import calling_account, core_of, session_of
from emulator.faces.wasend.errors import WasendError
from emulator.faces.wasend.messages import message_key
from emulator.faces.wasend.models import mongo_id, wa_message


class CheckExistsQuery(msgspec.Struct):
    session: str
    phone: Annotated[str, msgspec.Meta(min_length=1)]


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


@get("/contacts/check-exists")
async def check_exists(request: Request[Any, Any, Any]) -> dict[str, Any]:
    account = calling_account(request)
    try:
        query = msgspec.convert(dict(request.query_params), CheckExistsQuery, strict=False)
    except msgspec.ValidationError as exc:
        raise WasendError(400, [str(exc)]) from None
    session_of(request, account, query.session)
    digits = phone_digits(query.phone)
    if digits is None:
        raise WasendError(400, ["phone must be a phone number"])
    exists = is_on_whatsapp(digits) or core_of(request).sessions.with_phone(digits) is not None
    answer: dict[str, Any] = {"exists": exists, "phone": digits}
    if exists:
        answer["jid"] = f"{digits}@{WAHA_USER_SERVER}"
    return answer


ACCOUNT_ROUTES = [account_info, message_by_id, check_exists]
