"""The discoms the central serves, read from the kiosk's own data file (``discoms.toml``).

The central may not import ``kiosk.datafiles``, so it reads the TOML file itself and
parses each entry with the domain's :class:`~kiosk.domain.ids.Discom` model.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from kiosk.domain.ids import Discom


@cache
def load_discoms() -> dict[str, Discom]:
    """Discom code -> Discom, in the file's order."""
    text = resources.files("kiosk.data").joinpath("discoms.toml").read_text(encoding="utf-8")
    entries = tomllib.loads(text).get("discoms", [])
    return {d.code: d for d in (Discom.model_validate(entry) for entry in entries)}


def canonical_discom(code: str) -> str | None:
    """The known discom code matching ``code`` (any letter case), else None."""
    wanted = code.strip().casefold()
    return next((known for known in load_discoms() if known.casefold() == wanted), None)
