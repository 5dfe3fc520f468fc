"""The errors the store raises: plain sentences an operator or supervisor can act on."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """The counter database cannot be used as asked; the message says why in plain words."""


class SchemaTooNew(StoreError):
    """The database was migrated by a newer kiosk: opening it with older code could damage it."""

    def __init__(self, path: Path | str, found: int, known: int) -> None:
        self.path = Path(path)
        self.found = found
        self.known = known
        super().__init__(
            f"the counter database {path} was made by a newer kiosk (schema {found}, "
            f"this kiosk knows up to {known}); update kiosk before opening it"
        )
