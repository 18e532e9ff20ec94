"""Who is calling: a personal access token (an account) or a session API key (one session).

Tokens are told apart by value, from memory, so authentication costs no query.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from emulator.core import Core
from emulator.domain import errors
from emulator.domain.accounts import NO_SUBSCRIPTION, Account
from emulator.domain.sessions import Session
from emulator.faces import WASENDERAPI
from emulator.faces.wasenderapi.responses import ok
from emulator.http.requests import core_of, parse_bearer

API_KEY_REQUIRED = "API key is required"
INVALID_API_KEY = "Invalid API key"
# The personal-access-token page documents this spelling; clients may match on it.
UNAUTHORIZED_PAT = "Unnotarized"


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    return parse_bearer(request.headers.get("authorization"))


def _own(session: Session | None) -> Session | None:
    """The session if this face created it: another face's sessions are not seen here."""
    return session if session is not None and session.face == WASENDERAPI else None


def calling_session(request: Request[Any, Any, Any]) -> Session:
    """The session whose API key authorises this request (session-level endpoints)."""
    return session_with_key(core_of(request), bearer_token(request))


def session_with_key(core: Core, token: str | None) -> Session:
    """The session whose API key `token` is, if it may call session-level endpoints."""
    if token is None:
        raise errors.Unauthorized(API_KEY_REQUIRED)
    session = _own(core.sessions.by_api_key(token))
    if session is None:
        raise errors.Unauthorized(INVALID_API_KEY)
    account = core.accounts.get(session.account_id)
    if account is None or not account.has_subscription:
        raise errors.Forbidden(NO_SUBSCRIPTION, also_as_error=False)
    return session


def calling_account(request: Request[Any, Any, Any]) -> Account:
    """The account whose personal access token authorises this request."""
    token = bearer_token(request)
    account = core_of(request).accounts.by_token(token) if token else None
    if account is None:
        raise errors.Unauthorized(UNAUTHORIZED_PAT)
    return account


def managed_session(request: Request[Any, Any, Any], session_id: int) -> tuple[Session, Account]:
    """A session reached by its owner's personal access token or by its own API key.

    Another account's session is "not found", so ids do not leak.
    """
    token = bearer_token(request)
    core = core_of(request)
    if token is None:
        raise errors.Unauthorized(UNAUTHORIZED_PAT)
    account = core.accounts.by_token(token)
    if account is not None:
        session = _own(core.sessions.get(session_id))
        if session is None or session.account_id != account.id:
            raise errors.NotFound(errors.SESSION_NOT_FOUND)
        return session, account
    session = _own(core.sessions.by_api_key(token))
    if session is None:
        raise errors.Unauthorized(UNAUTHORIZED_PAT)
    if session.id != session_id:
        raise errors.NotFound(errors.SESSION_NOT_FOUND)
    owner = core.accounts.get(session.account_id)
    assert owner is not None, "a session always belongs to a stored account"
    return session, owner


def own_session(request: Request[Any, Any, Any], session_id: int) -> Session:
    """Session `session_id`, by its own API key (as the session endpoints take it) or by its
    account's personal access token (as the official Laravel package reads a status)."""
    token = bearer_token(request)
    if token is not None and core_of(request).accounts.by_token(token) is not None:
        return managed_session(request, session_id)[0]
    session = calling_session(request)
    if session.id != session_id:
        raise errors.NotFound(errors.SESSION_NOT_FOUND)
    return session


async def _auth_check(request: Request[Any, Any, Any]) -> dict[str, Any]:
    account = calling_account(request)
    return ok({"id": account.id, "name": account.name, "email": account.email}, message="Authenticated")


# n8n's credential test calls both paths with the personal access token.
auth_check = get(["/api/auth-check", "/auth-check"], name="auth-check")(_auth_check)
