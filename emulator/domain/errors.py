"""Failures the domain reports; the HTTP layer turns each into the documented error body."""

from __future__ import annotations

import re


class DomainError(Exception):
    status_code = 400
    # Some doc pages show the text under "error" rather than "message": such errors carry both.
    also_as_error = False

    def __init__(self, message: str, *, also_as_error: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        if also_as_error is not None:
            self.also_as_error = also_as_error


class Unauthorized(DomainError):
    status_code = 401


class Forbidden(DomainError):
    """Plan limits: no subscription, session limit reached."""

    status_code = 403
    also_as_error = True


class NotFound(DomainError):
    status_code = 404
    also_as_error = True


class NotAllowed(DomainError):
    """Valid request, but not in the current state."""

    status_code = 400
    also_as_error = True


class ValidationFailed(DomainError):
    status_code = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("Validation failed")
        self.errors = errors


SESSION_NOT_FOUND = "The specified session was not found."
NOT_CONNECTED = "Your Whatsapp Session is not connected please connect your session first."


def attribute_label(name: str) -> str:
    """Laravel's displayable attribute in validation messages: snake case, underscores as spaces."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower().replace("_", " ")
