"""Starting the counter screen: ``kiosk`` (from the config) and ``kiosk --demo``.

The app and the demo are imported here, late, so the clerk's commands (``kiosk pay``,
``kiosk sync``) never pay for loading the screen, and the screen never pays for the demo.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from kiosk.app import DemoInfo
    from kiosk.demo import Demo


def demo_info(demo: Demo) -> DemoInfo:
    """What the screen needs to know of a prepared demo (its PINs, its two switches)."""
    from kiosk.app import DemoInfo
    from kiosk.demo import DEMO_OPERATOR, DEMO_PIN, DEMO_SUPERVISOR, DEMO_SUPERVISOR_PIN

    return DemoInfo(
        operator_id=DEMO_OPERATOR,
        pin=DEMO_PIN,
        supervisor_id=DEMO_SUPERVISOR,
        supervisor_pin=DEMO_SUPERVISOR_PIN,
        toggle_outage=demo.transport.toggle,
        receipts_dir=str(demo.receipts_dir),
        customer_pays_upi=demo.customer_pays_upi,
    )


def start_counter(explicit: Path | None) -> int:
    """``kiosk [--config PATH]``: find the config, then the counter screen; 2 and plain
    lines on stderr when the config cannot be used (read, or checked behind the login)."""
    import sys

    from kiosk.config_file import ConfigError, find_config

    try:
        return run_counter(find_config(explicit))
    except ConfigError as exc:
        sys.stderr.write("".join(f"kiosk: {line}\n" for line in exc.lines))
        return 2


def run_counter(path: Path | None) -> int:
    """The counter screen for a configured counter; returns when the operator quits."""
    from kiosk.app import counter_app

    app = counter_app(path)
    app.run()
    return app.return_code or 0


def run_demo(args: argparse.Namespace, out: TextIO) -> int:
    """Prepare (or reopen) the demo folder, start its central, run the screen, stop."""
    from kiosk.app import create_app
    from kiosk.demo import prepare_demo

    data_dir: Path | None = getattr(args, "demo_dir", None)
    out.write("kiosk --demo: preparing the demo counter and its central...\n")
    out.flush()
    with prepare_demo(data_dir) as demo:
        info = demo_info(demo)
        app = create_app(demo.settings, transport=demo.transport, demo=info)
        app.run()
    out.write(
        f"kiosk --demo: data kept in {demo.data_dir}; printed receipts (PNG) in "
        f"{demo.receipts_dir}\n"
    )
    return 0
