"""Fixtures the Pilot and snapshot tests share (helpers that are not fixtures: support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.printer.connections import DummyConnection
from tests.ui.support import build_app


@pytest.fixture(autouse=True)
def quick_pin_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """PINs hashed with cheap argon2 parameters: every Pilot test makes two PINs and signs
    in, and at the counter's real cost (about 0.1 s a hash) that is minutes of CI. The
    real cost is tested in tests/services/test_auth.py."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr("kiosk.services.auth.DEFAULT_HASHER", cheap)


@pytest.fixture
def printer() -> DummyConnection:
    """The in-memory printer (no thermal printer is attached here)."""
    return DummyConnection()


@pytest.fixture
def app(tmp_path: Path, printer: DummyConnection) -> KioskApp:
    """The real app over a prepared database with the default cached consumer."""
    return build_app(tmp_path, printer=printer)


@pytest.fixture
def still_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make every other picture differ (snapshot tests use it)."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
