"""Pytest fixtures around :class:`~tests.support.live_central.LiveCentral` for any test package.

Every test package gets them through ``pytest_plugins`` in tests/conftest.py.


``live_central`` is a real central on 127.0.0.1 seeded with ``LIVE_CENTRAL_SEED`` demo
consumers (seed 2025, generated at ``DEMO_NOW``), counter ``CSC-LKO-0001`` with a fresh
token, every discom; stopped after the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live_central import LiveCentral

LIVE_CENTRAL_SEED = 50


@pytest.fixture
def live_central(tmp_path: Path) -> Iterator[LiveCentral]:
    with LiveCentral(tmp_path / "central.db", seed=LIVE_CENTRAL_SEED) as central:
        yield central
