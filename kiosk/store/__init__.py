"""The counter's SQLite database: schema, migrations, queries."""

from kiosk.store.consumers import CachedConsumer
from kiosk.store.db import connect, open_database, transaction, utc_text
from kiosk.store.errors import SchemaTooNew, StoreError
from kiosk.store.numbers import next_number

__all__ = [
    "CachedConsumer",
    "SchemaTooNew",
    "StoreError",
    "connect",
    "next_number",
    "open_database",
    "transaction",
    "utc_text",
]
