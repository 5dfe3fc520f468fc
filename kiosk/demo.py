"""``kiosk --demo``: a whole counter on this machine with no config at all.

:func:`prepare_demo` gives a :class:`Demo`: settings for the demo counter, the reference
central running in a background thread on a loopback port, the counter's outage switch
(an HTTP transport to pass to ``wire_sync``), and the folder where every printed slip
appears as ``NNNN.png`` (with its ESC/POS bytes as ``NNNN.bin``)::

    demo = prepare_demo()
    counter = open_counter(demo.settings)
    wiring = wire_sync(counter, transport=demo.transport)
    ...
    demo.transport.toggle()   # the counter's network goes down (or comes back)
    ...
    wiring.close(); counter.conn.close(); demo.close()

The data folder (by default ``demo`` in the platformdirs data dir) is kept between runs:
consumers and operators are made only the first time, so payments made in one demo are
still there in the next. Delete the folder to start afresh. The demo's settings never
take ``KIOSK_...`` environment variables: a real counter's environment must not point the
demo at its database or its central.

Importing this module is cheap (the app's cold start is measured): the server, the data
generator and the PIN hashing are imported by :func:`prepare_demo`.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from platformdirs import user_data_path

from central.server import BackgroundCentral
from kiosk.config import APP_NAME, KioskSettings
from kiosk.services.network import SwitchableTransport

if TYPE_CHECKING:
    from central.db import CentralDB
    from kiosk.services.counter import Counter

DEMO_OPERATOR = "demo"
DEMO_PIN = "2580"
DEMO_SUPERVISOR = "super"
DEMO_SUPERVISOR_PIN = "1470"

DEMO_COUNTER_ID = "CSC-DEMO-01"
DEMO_COUNTER_NAME = "Demo Jan Seva Kendra"
DEMO_DISCOMS = ("MVVNL", "DVVNL", "PVVNL", "PuVVNL", "KESCO")  # kiosk/data/discoms.toml
DEFAULT_DISCOM = "MVVNL"
DEMO_VPA = "uppcl.demo@sbi"
DEMO_PAYEE = "UPPCL Demo Collections"
CENTRAL_DB = "central.db"
RECEIPTS_DIR = "receipts"
_COPY_PAGE = 2_500


def default_data_dir() -> Path:
    """Where the demo keeps its databases and receipts unless told otherwise."""
    return user_data_path(APP_NAME) / "demo"


def demo_settings(data_dir: Path, central_url: str, token: str) -> KioskSettings:
    """The demo counter: every UP discom, UPI QR on receipts, 80 mm slips as pictures."""
    data_dir = Path(data_dir)
    return KioskSettings(
        counter={
            "id": DEMO_COUNTER_ID,
            "name": DEMO_COUNTER_NAME,
            "address": "Demo Road, Lucknow",
            "discoms": list(DEMO_DISCOMS),
            "default_discom": DEFAULT_DISCOM,
        },
        operator={"default_id": DEMO_OPERATOR, "idle_lock_minutes": 10},
        central={"url": central_url, "token": token},
        storage={"data_dir": data_dir},
        printer={"kind": "file", "file_path": data_dir / RECEIPTS_DIR, "paper_mm": 80},
        receipt={"footer_lines": ["DEMO - not a real receipt"]},
        upi={"payee_vpa": DEMO_VPA, "payee_name": DEMO_PAYEE},
    )


@dataclass
class Demo:
    """A prepared demo; :meth:`close` stops its central (the folder stays)."""

    settings: KioskSettings
    central: BackgroundCentral
    transport: SwitchableTransport
    data_dir: Path
    receipts_dir: Path

    def customer_pays_upi(self, reference: str) -> str:
        """Play the customer's phone: tell the central (through its PSP stand-in) that the
        UPI request ``reference`` was paid, with a made-up UTR; returns that UTR.

        Goes straight to the central, not through the counter's transport: the customer's
        phone is on the mobile network even when the counter's link is down.
        """
        import httpx

        utr = "5" + "".join(secrets.choice("0123456789") for _ in range(11))
        token = self.settings.central.resolved_token()
        reply = httpx.post(
            f"{self.central.url}/v1/upi/intents/{reference}/paid",
            json={"utr": utr},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5.0,
        )
        reply.raise_for_status()
        return utr

    def close(self) -> None:
        """Stop the central and close the transport; safe to call twice."""
        self.central.stop()
        self.transport.close()

    def __enter__(self) -> Demo:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def prepare_demo(data_dir: Path | None = None, *, consumers: int = 3000, seed: int = 2025) -> Demo:
    """Make (first time) or reopen the demo in ``data_dir`` and start its central.

    The first time: the central's database gets ``consumers`` generated consumers (the
    same ``seed``, the same consumers), the counter's cache a copy of them, so lookups
    work before the first sync, and the demo operator and supervisor get their PINs.
    """
    from central.auth import CounterAuth
    from central.db import CentralDB

    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    receipts = folder / RECEIPTS_DIR
    receipts.mkdir(parents=True, exist_ok=True)
    central_db = CentralDB(folder / CENTRAL_DB)
    if central_db.consumer_count() == 0 and consumers > 0:
        from central.demo_data import seed_database

        seed_database(central_db, consumers, seed, datetime.now(UTC))

    # A new token every run: it lives only in this process, the central's and the counter's.
    token = secrets.token_urlsafe(32)
    central = BackgroundCentral(
        folder / CENTRAL_DB, {DEMO_COUNTER_ID: CounterAuth(DEMO_COUNTER_ID, token)}
    )
    central.start()
    try:
        settings = demo_settings(folder, central.url, token)
        _prepare_counter(settings, central_db)
    except BaseException:
        central.stop()
        raise
    return Demo(
        settings=settings,
        central=central,
        transport=SwitchableTransport(),
        data_dir=folder,
        receipts_dir=receipts,
    )


def _prepare_counter(settings: KioskSettings, central_db: CentralDB) -> None:
    from kiosk.services.runtime import open_counter

    counter = open_counter(settings)
    try:
        _fill_cache(counter.conn, central_db)
        _add_operators(counter)
    finally:
        counter.conn.close()


def _fill_cache(conn: sqlite3.Connection, central_db: CentralDB) -> None:
    """An empty consumer cache gets the central's consumers, as a first pull would."""
    from kiosk.domain.snapshot import ConsumerSnapshot
    from kiosk.store.consumers import count, upsert_snapshots

    if count(conn) > 0:
        return
    now, after = datetime.now(UTC), 0
    validate = ConsumerSnapshot.model_validate_json
    while page := central_db.changes(after, _COPY_PAGE, ()):
        upsert_snapshots(conn, [validate(snapshot) for _, snapshot in page], cached_at=now)
        after = page[-1][0]


def _add_operators(counter: Counter) -> None:
    from kiosk.services import auth
    from kiosk.services.operators import add_operator

    if auth.needs_first_supervisor(counter):
        auth.create_first_supervisor(
            counter, DEMO_SUPERVISOR, "Demo Supervisor", DEMO_SUPERVISOR_PIN
        )
    row = counter.conn.execute(
        "SELECT pin_hash FROM operators WHERE operator_id = ?", (DEMO_OPERATOR,)
    ).fetchone()
    if row is None:
        add_operator(counter, DEMO_OPERATOR, "Demo Operator", "operator")
    if row is None or not row[0]:
        auth.set_pin(counter, DEMO_OPERATOR, DEMO_PIN, by=DEMO_SUPERVISOR)
