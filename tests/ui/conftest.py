"""Fixtures the Pilot and snapshot tests share (helpers that are not fixtures: support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.printer.connections import DummyConnection
from tests.ui.support import build_app


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
