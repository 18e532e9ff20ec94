from __future__ import annotations

import pytest

from emulator.domain.proxies import proxy_url_problem


@pytest.mark.parametrize(
    "url",
    ["http://proxy.example.com:8080", "https://u:p@gate.provider.io", "socks5://proxy.example.co.uk:1080"],
)
def test_public_proxies_are_accepted(url: str) -> None:
    assert proxy_url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://proxy.example.com", "protocols"),
        ("socks4://proxy.example.com", "protocols"),
        ("http://192.168.1.10:3128", "IP address"),
        ("http://[2001:db8::1]:3128", "IP address"),
        ("http://2130706433", "IP address"),
        ("http://localhost:3128", "private network"),
        ("http://squid.internal", "private network"),
        ("http://printer.local", "private network"),
        ("http://intranet", "private network"),
        ("http://bad_host!.com", "valid URL"),
        ("http://proxy.example.com:99999", "valid URL"),
        ("http://", "valid URL"),
    ],
)
def test_refused_proxies_say_why(url: str, why: str) -> None:
    problem = proxy_url_problem(url)
    assert problem is not None and why in problem
