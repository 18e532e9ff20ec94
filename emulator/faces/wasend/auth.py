"""Who calls the Wasend face (an account, by its Wasend key) and which of its sessions a request names."""

from __future__ import annotations

from typing import Any

from litestar import Request

from emulator.domain.accounts import Account
from emulator.domain.sessions import Session, Status
from emulator.faces import WASEND
from emulator.faces.wasend.errors import INVALID_KEY, NOT_WORKING, SESSION_NOT_FOUND, SESSION_REQUIRED, WasendError
from emulator.http.requests import core_of


def calling_account(request: Request[Any, Any, Any]) -> Account:
    header = request.headers.get("authorization") or ""
    scheme, _, key = header.strip().partition(" ")
    account = core_of(request).accounts.account_for_key(WASEND, key.strip()) if scheme.lower() == "bearer" else None
    if account is None:
        raise WasendError(401, INVALID_KEY)
    return account


def session_of(request: Request[Any, Any, Any], account: Account, unique_session_id: str | None) -> Session:
    """The account's Wasend session with this id; any other (another account's, another face's) is not found."""
    session = core_of(request).sessions.get(int(unique_session_id)) if (unique_session_id or "").isdigit() else None
    if session is None or session.account_id != account.id or session.face != WASEND:
        raise WasendError(404, SESSION_NOT_FOUND)
    return session


def sending_session(request: Request[Any, Any, Any], account: Account, unique_session_id: str | None) -> Session:
    """The session a send names, or, when it names none (the SDK's typed sends cannot), the one working
    session of the key; and it must be working."""
    if unique_session_id:
        session = session_of(request, account, unique_session_id)
    else:
        working = [s for s in core_of(request).sessions.of_account(account.id, WASEND) if s.status is Status.CONNECTED]
        if len(working) != 1:
            raise WasendError(400, SESSION_REQUIRED)
        session = working[0]
    if session.status is not Status.CONNECTED:
        raise WasendError(422, NOT_WORKING)
    return session
