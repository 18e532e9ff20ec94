"""Where a face's send route finds what a fault rule made of its message: the control plane's
fault middleware (emulator.admin.fault_injection) puts it in the request's ASGI scope."""

from __future__ import annotations

from litestar.types import Scope

SEND_FAULT = "emulator.send_fault"
# The `opt` of a route that sends a message: the routes a fail_message or lose_message rule may name.
SENDS = {"sends": True}


def send_fault(scope: Scope) -> str | None:
    """The behaviour the message of this send takes instead of its recipient's (None: its own)."""
    return scope.get(SEND_FAULT)  # type: ignore[call-overload, no-any-return]
