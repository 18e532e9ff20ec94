"""The faces: each vendor's API onto the one simulated network, and the names that tell them apart.

A session belongs to the face that created it. A face that authenticates accounts by an API key
of its own (rather than the personal access token) names the beginning of those keys here, and
every account carries one such key per face.
"""

from __future__ import annotations

from emulator.domain.sessions import QrPolicy

WASENDERAPI = "wasenderapi"
WASEND = "wasend"
SENDAPI = "sendapi"

# face -> the vendor's name for its API, as the dashboard shows whose session is whose
FACE_TITLES: dict[str, str] = {WASENDERAPI: "WasenderAPI", WASEND: "Wasend", SENDAPI: "SendAPI"}

# face -> how the account keys of that face begin
ACCOUNT_KEY_PREFIXES: dict[str, str] = {
    WASEND: "wsd_",
    SENDAPI: "sk_live_",
}

# face -> how its pairing QR codes live, where that differs from the WasenderAPI's rotation.
# SendAPI's QR lasts two minutes and then simply goes stale: `/qr` mints the next one.
QR_POLICIES: dict[str, QrPolicy] = {
    SENDAPI: QrPolicy(lifetime=120.0, rotations=None),
}
