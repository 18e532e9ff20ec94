"""The Wasend SDK matrix: which public client methods the Wasend tests drive, in Python and in JS.

Computed from the tests' own text: a method counts where a test calls it on its recording client
(`sdk.<method>(` in Python, `client.<method>(` in the Node scripts), and those clients fail loudly on
any answer the SDK's models reject. `python -m tests.faces.wasend.sdk_matrix` prints the README's table.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).parent


def python_methods() -> list[str]:
    from tests.faces.wasend.conftest import sdk_methods

    return sdk_methods()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def driven() -> tuple[set[str], set[str]]:
    """(Python methods, JS methods) the tests call."""
    python = {m for f in HERE.glob("test_*.py") for m in re.findall(r"\bsdk\.([a-z_]+)\(", f.read_text())}
    node = {m for f in (HERE / "node").glob("*.cjs") for m in re.findall(r"\bclient\.([A-Za-z]+)\(", f.read_text())}
    return python, node


def table() -> str:
    python, node = driven()
    rows = ["| SDK method (Python / JS) | Python | JS |", "|---|---|---|"]
    for method in python_methods():
        camel = _camel(method).replace("QrCode", "QRCode")
        rows.append(f"| `{method}` / `{camel}` | {'yes' if method in python else '-'} | {'yes' if camel in node else '-'} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(table(), end="")
