"""How long a sound or a film plays, read from its container, for the `seconds` of a message.

WhatsApp's audioMessage and videoMessage carry the whole seconds a file plays. The emulator
reads them from the headers of the containers phones make (WAV, Ogg, MP4 and its kin) and
answers 0 for a file whose length it cannot tell (an MP3 without a Xing header, a damaged file),
as a phone does for a file it cannot probe.
"""

from __future__ import annotations

import struct

OPUS_RATE = 48_000  # Opus granule positions always count 48 kHz samples


def seconds_of(data: bytes) -> int:
    for reader in (_wav, _ogg, _iso_media):
        try:
            found = reader(data)
        except (struct.error, ValueError, ZeroDivisionError):
            found = None
        if found is not None:
            return max(0, int(found))
    return 0


def _wav(data: bytes) -> float | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    byte_rate, data_size, offset = 0, 0, 12
    while offset + 8 <= len(data):
        chunk, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        if chunk == b"fmt ":
            byte_rate = struct.unpack_from("<I", data, offset + 16)[0]
        elif chunk == b"data":
            data_size = min(size, len(data) - offset - 8)
        offset += 8 + size + (size & 1)
    return data_size / byte_rate


def _ogg(data: bytes) -> float | None:
    if not data.startswith(b"OggS"):
        return None
    # The first packet names the codec and its rate; the last page's granule counts samples.
    head = data[28:64]
    if head.startswith(b"OpusHead"):
        rate = OPUS_RATE
    elif head.startswith(b"\x01vorbis"):
        rate = struct.unpack_from("<I", head, 12)[0]
    else:
        return None
    last = data.rfind(b"OggS")
    granule = struct.unpack_from("<q", data, last + 6)[0]
    return granule / rate


def _iso_media(data: bytes) -> float | None:
    if data[4:8] != b"ftyp":
        return None
    moov = _box(data, 0, len(data), b"moov")
    mvhd = _box(data, *moov, b"mvhd") if moov else None
    if mvhd is None:
        return None
    start = mvhd[0]
    if data[start] == 1:  # 64-bit times and duration
        timescale, duration = struct.unpack_from(">IQ", data, start + 20)
    else:
        timescale, duration = struct.unpack_from(">II", data, start + 12)
    return duration / timescale


def _box(data: bytes, start: int, end: int, wanted: bytes) -> tuple[int, int] | None:
    """(payload start, payload end) of the first box of type `wanted` between start and end."""
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, offset)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, offset + 8)[0], 16
        elif size == 0:
            size = end - offset
        if size < header:
            return None
        if kind == wanted:
            return offset + header, min(offset + size, end)
        offset += size
    return None
