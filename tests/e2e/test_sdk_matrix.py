"""The README's SDK matrix is the one the suite's claims give, and it leaves no method out."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.e2e.node_sdk import node_sdk_modules
from tests.e2e.sdk_matrix import NODE_PUBLIC_METHODS, claims, sdks, table

README = Path(__file__).resolve().parents[2] / "README.md"
# The client's prototype, less what is plumbing rather than API.
NODE_PROTOTYPE = """
const { createWasender } = require("wasenderapi");
const plumbing = new Set(["constructor", "parseRateLimitHeaders", "request"]);
const names = Object.getOwnPropertyNames(Object.getPrototypeOf(createWasender("unused")));
console.log(JSON.stringify(names.filter((name) => !plumbing.has(name) && !name.endsWith("Internal"))));
"""


def test_the_readme_matrix_is_current() -> None:
    text = README.read_text()
    begin, end = "<!-- sdk-matrix:begin -->\n", "<!-- sdk-matrix:end -->"
    assert text[text.index(begin) + len(begin) : text.index(end)] == table()


def test_every_public_method_of_both_sdks_is_driven() -> None:
    claimed = claims()
    for sdk in sdks():
        assert [m for m in sdk.public_methods if m not in claimed[sdk.key]] == [], sdk.package


def test_no_test_claims_a_method_the_sdk_does_not_have() -> None:
    public = {sdk.key: set(sdk.public_methods) for sdk in sdks()}
    claimed = claims()
    assert {key: set(methods) - public[key] for key, methods in claimed.items()} == {key: set() for key in claimed}


def test_the_node_method_list_is_the_installed_sdks() -> None:
    modules = node_sdk_modules()
    listed = subprocess.run(
        ["node", "-e", NODE_PROTOTYPE], capture_output=True, text=True, timeout=60, env={**os.environ, "NODE_PATH": str(modules)}
    )
    assert listed.returncode == 0, listed.stderr
    assert sorted(json.loads(listed.stdout)) == sorted(NODE_PUBLIC_METHODS)
