"""What a service tells the screen when it will not (or not yet) do what was asked."""

from __future__ import annotations

from kiosk.domain.errors import InvalidInput
from kiosk.store.errors import StoreError  # a write the disk refused: screens word it

__all__ = [
    "InvalidInput",
    "NeedsConfirmation",
    "NotAllowed",
    "NotFound",
    "ServiceError",
    "StoreError",
]


class ServiceError(Exception):
    """Base: the message is a plain sentence for the operator; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NeedsConfirmation(ServiceError):
    """The action is legal but looks like a mistake; repeat it with ``confirm=True``."""

    def __init__(self, message: str, *, earlier: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.earlier = earlier


class NotAllowed(ServiceError):
    """This operator may not do this (a role check failed)."""


class NotFound(ServiceError):
    """The receipt, consumer or complaint asked for does not exist here."""
