"""The faces: each vendor's API onto the one simulated network, and the names that tell them apart.

A session belongs to the face that created it. A face that authenticates accounts by an API key
of its own (rather than the personal access token) names the beginning of those keys here, and
every account carries one such key per face.
"""

from __future__ import annotations

WASENDERAPI = "wasenderapi"
WASEND = "wasend"

# face -> how the account keys of that face begin
ACCOUNT_KEY_PREFIXES: dict[str, str] = {
    WASEND: "wsd_",
}
