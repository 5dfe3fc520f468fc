"""Fixtures: a live central over loopback (real uvicorn) and an in-process TestClient.

Other test packages can use the same server: ``from tests.support.live_central import
LiveCentral``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

with warnings.catch_warnings():
    # Starlette 1.x warns that its TestClient will move to httpx2; the API stays the same.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from central.app import create_app
from central.auth import CounterAuth
from central.demo_data import generate_snapshots, seed_database
from kiosk.domain.snapshot import ConsumerSnapshot
from tests.central.factories import COUNTER, DEMO_NOW, OTHER_COUNTER
from tests.support.live_central import LiveCentral

DEMO_COUNT = 80
TOKEN = "token-for-counter-lko-0001"
OTHER_TOKEN = "token-for-counter-agr-0002"
TOKENS = {
    COUNTER: CounterAuth(COUNTER, TOKEN),
    OTHER_COUNTER: CounterAuth(OTHER_COUNTER, OTHER_TOKEN, ("DVVNL",)),
}


@pytest.fixture(scope="session")
def demo_snapshots() -> list[ConsumerSnapshot]:
    """The consumers every central fixture is seeded with (seed 2025, DEMO_NOW)."""
    return list(generate_snapshots(DEMO_COUNT, seed=2025, now=DEMO_NOW))


@pytest.fixture
def live_central(tmp_path: Path) -> Iterator[LiveCentral]:
    """A real central (uvicorn thread, 127.0.0.1) seeded with the demo consumers."""
    central = LiveCentral(
        tmp_path / "central.db", counter_id=COUNTER, token=TOKEN, seed=DEMO_COUNT,
        seed_now=DEMO_NOW,
    )  # fmt: skip
    central.add_counter(OTHER_COUNTER, OTHER_TOKEN, ("DVVNL",))
    with central:
        yield central


@pytest.fixture
def http(live_central: LiveCentral) -> Iterator[httpx.Client]:
    """An httpx client to the live central, authenticated as COUNTER."""
    with live_central.client() as client:
        yield client


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    """The app in-process (Starlette TestClient), seeded, with no Authorization header."""
    db_path = tmp_path / "central.db"
    seed_database(db_path, DEMO_COUNT, 2025, DEMO_NOW)
    with TestClient(create_app(db_path, TOKENS), raise_server_exceptions=True) as client:
        yield client


@pytest.fixture
def api(app_client: TestClient) -> TestClient:
    """The in-process app, authenticated as COUNTER."""
    app_client.headers["Authorization"] = f"Bearer {TOKEN}"
    return app_client
