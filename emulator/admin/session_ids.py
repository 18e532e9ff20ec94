"""The one way the control plane reads a session id: any face's id for the session.

A WasenderAPI session is named by its integer, a Wasend one by the same integer (its
`uniqueSessionId` is that number written out), a SendAPI one by its `sess_...` id or its integer
alias. A public id names only a session of the face that gives it.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from emulator.domain import errors
from emulator.domain.sessions import Session
from emulator.faces import SENDAPI
from emulator.faces.sendapi.public_ids import SESSION as SENDAPI_SESSION
from emulator.faces.sendapi.public_ids import ULID_PATTERN, integer_id

# No session has this number: a filter on it finds nothing.
NO_SESSION = -1
SESSION_ID_PATTERN = f"^([0-9]+|{SENDAPI_SESSION}{ULID_PATTERN})$"
SESSION_ID_DESCRIPTION = "The session's integer id, or a face's public id for it (SendAPI's sess_...)."
# In a path or a query: the integer, or a face's public id.
SessionId = Annotated[str, msgspec.Meta(pattern=SESSION_ID_PATTERN, description=SESSION_ID_DESCRIPTION)]
SESSION_ID_PARAMETER = {
    "schema": {"type": "string", "pattern": SESSION_ID_PATTERN},
    "description": SESSION_ID_DESCRIPTION,
    "example": "1",
}


def session_number(core: Any, given: str) -> int | None:
    """The integer of the session `given` names, or None when it names none."""
    if given.isdigit():
        return int(given)
    number = integer_id(SENDAPI_SESSION, given) if given.startswith(SENDAPI_SESSION) else None
    session = core.sessions.get(number) if number is not None else None
    # A session that is gone still has its deliveries and events to read back.
    return number if session is None or session.face == SENDAPI else None


def session_filter(core: Any, given: str | None) -> int | None:
    """The session a query's filter names (None: every session); an id that names none matches nothing."""
    if given is None:
        return None
    number = session_number(core, given)
    return NO_SESSION if number is None else number


def named_session(core: Any, given: str) -> Session:
    number = session_number(core, given)
    session = core.sessions.get(number) if number is not None else None
    if session is None:
        raise errors.NotFound(errors.SESSION_NOT_FOUND)
    return session  # type: ignore[no-any-return]
