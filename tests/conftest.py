"""Shared test settings: hypothesis without deadlines (CI machines are slow and shared)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "kiosk", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=200
)
settings.register_profile("ci", parent=settings.get_profile("kiosk"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "kiosk")
pytest_plugins = ["tests.support.fixtures"]  # the live central fixture for every package
