"""A headless Chromium for the dashboard's browser tests: Debian's, installed when missing, driven by Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip


# What the browser tests need from Debian, by a file each package installs: the browser, and a
# colour emoji font so reactions in the screenshots are drawn, not boxes.
DEBIAN_PACKAGES = {
    "chromium": CHROMIUM,
    "fonts-noto-color-emoji": Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"),
}


def _install_browser() -> None:
    """Debian's packages, as `make bench` installs wrk; Playwright never downloads a browser here."""
    missing = [package for package, installed in DEBIAN_PACKAGES.items() if not installed.exists()]
    if not missing:
        return
    if shutil.which("apt-get") is None:
        if not CHROMIUM.exists():
            pytest.skip("no /usr/bin/chromium and no apt-get to install it")
        return  # without the emoji font, only the screenshots suffer
    # The other test worker may be installing them too: wait for its lock rather than fail.
    wait = ["-o", "DPkg::Lock::Timeout=600"]
    subprocess.run(["apt-get", *wait, "update", "-qq"], check=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", *wait, "install", "-y", "-qq", *missing], check=True, env=environment)


# Per module, not per session: Playwright's sync API keeps an event loop running in this thread
# while it is open, which would break the asyncio tests a worker runs after the browser tests.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    _install_browser()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; the test fails on anything the page logs as an error."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    opened = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    opened.on("console", on_console)
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield opened
    # Taken before closing: closing cuts the page's event stream, which the browser reports.
    seen = list(problems)
    context.close()
    assert not seen, seen
