"""Accounts (the service's users): a plan, a session limit, a personal access token, and an API key
for each face that authenticates accounts by a key of its own."""

from __future__ import annotations

from typing import Literal

import msgspec


Plan = Literal["paid", "trial", "none"]
PLANS: tuple[Plan, ...] = ("paid", "trial", "none")

NO_SUBSCRIPTION = "Active subscription or trial is required to use the API"
SESSION_LIMIT_REACHED = (
    "You have reached your WhatsApp session limit. Please upgrade your plan to add more sessions."
)
CONNECT_NEEDS_SUBSCRIPTION = "You need to have an active subscription to connect a WhatsApp session."


class Account(msgspec.Struct, kw_only=True):
    id: int
    name: str
    email: str
    plan: Plan
    session_limit: int
    personal_access_token: str
    created_at: float
    # face name -> that face's API key of this account
    keys: dict[str, str] = {}

    @property
    def has_subscription(self) -> bool:
        return self.plan != "none"
