"""The one error type the domain raises for bad input."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Bad operator or data input, with a message an operator can act on.

    ``field`` names what was wrong (``"mobile"``, ``"amount"``) so screens and the CLI
    can point at it; ``str()`` gives ``"mobile: must be 10 digits, got 9"``.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
