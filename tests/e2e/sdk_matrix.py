"""The SDK conformance matrix: which public methods of each official SDK the suite drives.

A test claims methods with `@pytest.mark.sdk("python" | "node", *methods)`; the `python_sdk`
fixture and the Node scripts record what was really called, and a claimed method that was
not called fails the test. `python -m tests.e2e.sdk_matrix` prints the README's table from
the claims; a test fails when it is stale or when a public method is claimed by no test.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import version

import tests.e2e

NODE_SDK_VERSION = "0.4.0"

# Public methods of the npm client (its prototype, less the constructor and the request
# plumbing); a test compares this list with the installed package where Node is present.
NODE_PUBLIC_METHODS: tuple[str, ...] = (
    "send", "sendText", "sendImage", "sendVideo", "sendDocument", "sendAudio", "sendSticker",
    "sendContact", "sendLocation", "sendMessageWithMentions", "sendQuotedMessage", "editMessage",
    "deleteMessage", "getMessageInfo", "sendPresenceUpdate", "checkIfOnWhatsapp", "getContacts",
    "getContactInfo", "getContactProfilePicture", "blockContact", "unblockContact", "getGroups",
    "getGroupMetadata", "getGroupParticipants", "addGroupParticipants", "removeGroupParticipants",
    "updateGroupSettings", "getAllWhatsAppSessions", "createWhatsAppSession", "createGroup",
    "updateGroupParticipants", "leaveGroup", "acceptGroupInvite", "getGroupInviteInfo",
    "getGroupInviteLink", "getGroupProfilePicture", "uploadMediaFile", "decryptMediaFile",
    "getWhatsAppSessionDetails", "updateWhatsAppSession", "deleteWhatsAppSession",
    "connectWhatsAppSession", "getWhatsAppSessionQRCode", "disconnectWhatsAppSession",
    "regenerateApiKey", "getSessionStatus", "handleWebhookEvent",
)  # fmt: skip


@dataclass(frozen=True)
class Sdk:
    key: str
    package: str
    version: str
    public_methods: tuple[str, ...]


def python_public_methods() -> tuple[str, ...]:
    from wasenderapi.sync_client import WasenderSyncClient

    return tuple(name for name, _ in inspect.getmembers(WasenderSyncClient, inspect.isfunction) if not name.startswith("_"))


def sdks() -> tuple[Sdk, ...]:
    return (
        Sdk("python", "PyPI `wasenderapi`", version("wasenderapi"), python_public_methods()),
        Sdk("node", "npm `wasenderapi`", NODE_SDK_VERSION, NODE_PUBLIC_METHODS),
    )


def claims() -> dict[str, dict[str, list[str]]]:
    """sdk -> method -> the tests (module::function) that claim it."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for module_info in pkgutil.iter_modules(tests.e2e.__path__):
        if not module_info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"tests.e2e.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("test_"):
                continue
            for mark in getattr(function, "pytestmark", []):
                if mark.name == "sdk":
                    sdk, *methods = mark.args
                    for method in methods:
                        found[sdk][method].append(f"{module_info.name}::{name}")
    return found


def table() -> str:
    claimed = claims()
    rows = ["| SDK | version | public methods | driven by the suite | not driven |", "|---|---|---|---|---|"]
    for sdk in sdks():
        driven = [m for m in sdk.public_methods if m in claimed[sdk.key]]
        missing = ", ".join(f"`{m}`" for m in sdk.public_methods if m not in claimed[sdk.key]) or "none"
        rows.append(f"| {sdk.package} | {sdk.version} | {len(sdk.public_methods)} | {len(driven)} | {missing} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(table(), end="")
