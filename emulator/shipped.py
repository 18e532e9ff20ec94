"""Files the server reads from the repository's top level (fixtures/, openapi/). The wheel
carries them inside the package; a checkout, or an editable install of one, has them beside it."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_IN_WHEEL = _PACKAGE / "shipped"
_CHECKOUT = _PACKAGE.parent


def shipped_file(relative: str) -> Path:
    packaged = _IN_WHEEL / relative
    return packaged if packaged.exists() else _CHECKOUT / relative
