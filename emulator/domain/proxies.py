"""Which proxy URLs a session may use: http, https or socks5, on a public host name."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

PROXY_SCHEMES = ("http", "https", "socks5")
# Suffixes that name hosts on local or private networks, never public ones.
_PRIVATE_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".home", ".corp", ".intranet", ".private", ".test")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def proxy_url_problem(value: str) -> str | None:
    """Why `value` is refused as a proxy URL (with :attribute for the field's name), or None."""
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").rstrip(".").lower()
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return "The :attribute field must be a valid URL."
    if parts.scheme not in PROXY_SCHEMES:
        return "The :attribute field must use one of the protocols http, https, socks5."
    if not host:
        return "The :attribute field must be a valid URL."
    if _is_ip(host):
        return "The :attribute field must use a public domain name, not an IP address."
    labels = host.split(".")
    if host == "localhost" or len(labels) < 2 or host.endswith(_PRIVATE_SUFFIXES):
        return "The :attribute field must use a public domain name, not a local or private network."
    if not all(_LABEL.fullmatch(label) for label in labels) or not labels[-1].isalpha():
        return "The :attribute field must be a valid URL."
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        # Forms like 2130706433 or 0x7f.1 are still addresses to a resolver.
        return bool(re.fullmatch(r"[0-9x.]+", host))
    return True
