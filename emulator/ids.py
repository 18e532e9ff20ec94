"""Every id, key, token, JID, LID and QR string comes from one seeded generator.

Values are derived from (seed, stream, counter), so the same seed replays the same values.
The stream number changes with each start of the server on the same database, which keeps
values drawn after a restart from repeating the ones drawn before it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import string

_ALNUM = string.ascii_letters + string.digits


class IdGenerator:
    def __init__(self, seed: str | None, stream: int = 0) -> None:
        self.seed = seed if seed is not None else os.urandom(16).hex()
        self.stream = stream
        self._counter = 0

    def restart(self, stream: int) -> None:
        self.stream = stream
        self._counter = 0

    def random_bytes(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            self._counter += 1
            material = f"{self.seed}:{self.stream}:{self._counter}".encode()
            out += hashlib.sha256(material).digest()
        return bytes(out[:n])

    def hex(self, n_chars: int) -> str:
        return self.random_bytes((n_chars + 1) // 2).hex()[:n_chars]

    def digits(self, n: int) -> str:
        number = int.from_bytes(self.random_bytes(16), "big")
        return str(number)[-n:].rjust(n, "0")

    def alnum(self, n: int) -> str:
        return "".join(_ALNUM[b % len(_ALNUM)] for b in self.random_bytes(n))

    # The shapes the service uses -----------------------------------------------------------

    def api_key(self) -> str:
        return self.hex(64)

    def webhook_secret(self) -> str:
        return self.hex(32)

    def personal_access_token(self, account_id: int) -> str:
        # Laravel Sanctum's shape: "<token id>|<40 characters>".
        return f"{account_id}|{self.alnum(40)}"

    def account_key(self, face: str, prefix: str, account_id: int) -> str:
        """An account's API key for one face: a function of the seed, the face and the account only,
        so drawing it shifts no other value."""
        digest = hashlib.sha256(f"{self.seed}:account-key:{face}:{account_id}".encode()).hexdigest()
        return f"{prefix}{digest[:48]}"

    def qr_code(self) -> str:
        # WhatsApp's pairing payload: "2@<ref>,<noise key>,<identity key>,<adv secret>".
        parts = [self.random_bytes(n) for n in (48, 32, 32, 32)]
        return "2@" + ",".join(base64.b64encode(p).decode() for p in parts)

    def lid_for(self, phone_digits: str) -> str:
        """The stable LID of a WhatsApp user: a function of the seed and the number only."""
        digest = hashlib.sha256(f"{self.seed}:lid:{phone_digits}".encode()).digest()
        return f"{int.from_bytes(digest[:8], 'big') % 10**14 + 10**14}@lid"

    def message_key(self, sequence: int) -> str:
        """A message id in WhatsApp's shape: "3EB0" and 16 upper-case hex digits.

        The first eight follow `sequence`, so ids sort by time and the key index grows at
        its end instead of being rewritten all over; the last eight are random.
        """
        return f"3EB0{sequence & 0xFFFFFFFF:08X}{self.hex(8).upper()}"
