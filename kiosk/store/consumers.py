"""The consumer cache: what the central last said about each consumer, for offline lookups.

Rows are written only from :class:`ConsumerSnapshot` (the changes feed or a direct fetch)
and read back as the same snapshot, so a lookup offline shows exactly what the central
sent. All SQL is fixed text with parameters; operator input never becomes SQL or FTS
syntax (see :func:`fts_query`).
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from pydantic import ValidationError

from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.store.db import transaction, utc_text
from kiosk.store.errors import StoreError

BATCH_SIZE = 2000
MAX_SEARCH_WORDS = 8
MAX_SEARCH_CHARS = 200
# A one-letter prefix matches a large share of all names: search it as a whole word instead.
MIN_PREFIX_CHARS = 2


@dataclass(frozen=True)
class CachedConsumer:
    """A snapshot as cached, with when this counter stored it (to show how stale it is)."""

    snapshot: ConsumerSnapshot
    cached_at: datetime


_UPSERT_CONSUMER = """
INSERT INTO consumers (
    discom, account_no, name, name_hi, address, mobile, category, load_kw, meter_type,
    division, status, snapshot, central_updated_at, cached_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (discom, account_no) DO UPDATE SET
    name = excluded.name,
    name_hi = excluded.name_hi,
    address = excluded.address,
    mobile = excluded.mobile,
    category = excluded.category,
    load_kw = excluded.load_kw,
    meter_type = excluded.meter_type,
    division = excluded.division,
    status = excluded.status,
    snapshot = excluded.snapshot,
    central_updated_at = excluded.central_updated_at,
    cached_at = excluded.cached_at
WHERE excluded.central_updated_at >= consumers.central_updated_at
"""

# Bills and consumption are written only for the snapshot the consumers row now holds, so
# an older snapshot arriving late never overwrites newer figures.
_IS_CURRENT = """
EXISTS (SELECT 1 FROM consumers
        WHERE discom = :discom AND account_no = :account_no AND central_updated_at = :updated)
"""

_UPSERT_BILL = f"""
INSERT INTO bills (
    discom, account_no, bill_no, month, units, current_paise, arrears_paise,
    surcharge_paise, issued_on, due_on
)
SELECT :discom, :account_no, :bill_no, :month, :units, :current_paise, :arrears_paise,
    :surcharge_paise, :issued_on, :due_on
WHERE {_IS_CURRENT}
ON CONFLICT (discom, account_no, bill_no) DO UPDATE SET
    month = excluded.month,
    units = excluded.units,
    current_paise = excluded.current_paise,
    arrears_paise = excluded.arrears_paise,
    surcharge_paise = excluded.surcharge_paise,
    issued_on = excluded.issued_on,
    due_on = excluded.due_on
"""

_CLEAR_CONSUMPTION = f"""
DELETE FROM consumption WHERE discom = :discom AND account_no = :account_no AND {_IS_CURRENT}
"""

_INSERT_CONSUMPTION = f"""
INSERT INTO consumption (discom, account_no, month, units)
SELECT :discom, :account_no, :month, :units
WHERE {_IS_CURRENT}
ON CONFLICT (discom, account_no, month) DO UPDATE SET units = excluded.units
"""


def _newest_per_key(snapshots: Iterable[ConsumerSnapshot]) -> list[ConsumerSnapshot]:
    newest: dict[tuple[str, str], ConsumerSnapshot] = {}
    for snap in snapshots:
        seen = newest.get(snap.key)
        if seen is None or snap.updated_at >= seen.updated_at:
            newest[snap.key] = snap
    return list(newest.values())


# 1 when the cached snapshot's bill and consumption (as SQLite renders them) are those of
# the new snapshot: their rows in bills and consumption are already right, so only the
# consumers row is written. A payment changes only the recent payments, so a sync after a
# busy day skips most of the work. Both texts go through the same SQLite rendering, so
# equal text is equal content; a cached text that is not JSON counts as changed (a
# re-sync is what repairs a damaged row).
_CHILDREN_UNCHANGED = """
SELECT CASE WHEN json_valid(snapshot) THEN
    json_extract(snapshot, '$.bill', '$.consumption')
        IS json_extract(?, '$.bill', '$.consumption')
ELSE 0 END
FROM consumers WHERE discom = ? AND account_no = ?
"""


def _write_batch(conn: sqlite3.Connection, batch: Sequence[ConsumerSnapshot], cached: str) -> int:
    consumer_rows = []
    bill_rows = []
    clear_rows = []
    month_rows = []
    for snap in batch:
        c = snap.consumer
        updated = utc_text(snap.updated_at)
        snapshot_json = snap.model_dump_json()
        consumer_rows.append(
            (
                c.discom,
                c.account_no,
                c.name,
                c.name_hi,
                c.address,
                c.mobile,
                c.category,
                str(c.load_kw),
                c.meter_type,
                c.division,
                c.status,
                snapshot_json,
                updated,
                cached,
            )
        )
        same = conn.execute(_CHILDREN_UNCHANGED, (snapshot_json, c.discom, c.account_no)).fetchone()
        if same is not None and same[0] == 1:
            continue
        key = {"discom": c.discom, "account_no": c.account_no, "updated": updated}
        if snap.bill is not None:
            b = snap.bill
            bill_rows.append(
                key
                | {
                    "bill_no": b.bill_no,
                    "month": b.month.strftime("%Y-%m"),
                    "units": b.units,
                    "current_paise": b.current_paise,
                    "arrears_paise": b.arrears_paise,
                    "surcharge_paise": b.surcharge_paise,
                    "issued_on": b.issued_on.isoformat(),
                    "due_on": b.due_on.isoformat(),
                }
            )
        clear_rows.append(key)
        month_rows.extend(key | {"month": m.month, "units": m.units} for m in snap.consumption)
    written = conn.executemany(_UPSERT_CONSUMER, consumer_rows).rowcount
    conn.executemany(_UPSERT_BILL, bill_rows)
    conn.executemany(_CLEAR_CONSUMPTION, clear_rows)
    conn.executemany(_INSERT_CONSUMPTION, month_rows)
    return written


def _batches(items: Iterable[ConsumerSnapshot], size: int) -> Iterator[list[ConsumerSnapshot]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield _newest_per_key(batch)


def upsert_snapshots(
    conn: sqlite3.Connection,
    snapshots: Iterable[ConsumerSnapshot],
    *,
    cached_at: datetime,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Store snapshots (consumer, current bill, consumption history); return how many were new
    or newer than the cached copy.

    Inside an open transaction everything joins it (the caller commits together with, say,
    the sync cursor). Otherwise each batch commits on its own, so a million-row first load
    neither holds the write lock for minutes nor grows the WAL without bound; re-running
    after an interruption is harmless. A snapshot older than the cached one is ignored.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    cached = utc_text(cached_at)
    written = 0
    own_transactions = not conn.in_transaction
    for batch in _batches(snapshots, batch_size):
        if own_transactions:
            with transaction(conn):
                written += _write_batch(conn, batch, cached)
        else:
            written += _write_batch(conn, batch, cached)
    return written


def _cached(rows: Iterable[tuple[str, str]]) -> list[CachedConsumer]:
    result = []
    for snapshot_json, cached_at in rows:
        try:
            snapshot = ConsumerSnapshot.model_validate_json(snapshot_json)
        except ValidationError as exc:
            raise StoreError(
                f"a cached consumer record is unreadable ({exc.error_count()} problems): "
                "sync the consumer cache again"
            ) from None
        result.append(CachedConsumer(snapshot, datetime.fromisoformat(cached_at)))
    return result


def get_by_account(conn: sqlite3.Connection, discom: str, account_no: str) -> CachedConsumer | None:
    """The cached consumer with this account number in this discom, if any."""
    rows = conn.execute(
        "SELECT snapshot, cached_at FROM consumers WHERE discom = ? AND account_no = ?",
        (discom, account_no),
    ).fetchall()
    found = _cached(rows)
    return found[0] if found else None


def find_by_account(conn: sqlite3.Connection, account_no: str) -> list[CachedConsumer]:
    """Every cached consumer with this account number, in any discom (ordered by discom)."""
    rows = conn.execute(
        "SELECT snapshot, cached_at FROM consumers WHERE account_no = ? ORDER BY discom",
        (account_no,),
    ).fetchall()
    return _cached(rows)


def find_by_mobile(conn: sqlite3.Connection, mobile: str) -> list[CachedConsumer]:
    """Every cached consumer registered with this mobile number (one phone, many meters)."""
    rows = conn.execute(
        "SELECT snapshot, cached_at FROM consumers WHERE mobile = ?"
        " ORDER BY discom, account_no LIMIT 100",
        (mobile,),
    ).fetchall()
    return _cached(rows)


def _is_word_char(ch: str) -> bool:
    # The same character classes as the FTS tokenizer: letters, numbers, marks, private use.
    category = unicodedata.category(ch)
    return category[0] in "LNM" or category == "Co"


def search_words(text: str) -> list[str]:
    """Split what the operator typed into words the way the search index does."""
    words: list[str] = []
    current: list[str] = []
    for ch in text[:MAX_SEARCH_CHARS]:
        if _is_word_char(ch):
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words[:MAX_SEARCH_WORDS]


def fts_query(text: str) -> str | None:
    """An FTS5 query that ANDs the words of ``text`` as quoted strings, the last as a prefix.

    Quoting makes every word a plain string to FTS5, so ``OR``, ``NEAR(``, ``*``, ``-`` or
    quotes in a name are searched for, never obeyed. ``None`` when there is no word.
    """
    words = search_words(text)
    if not words:
        return None
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    if len(words[-1]) >= MIN_PREFIX_CHARS:
        quoted[-1] += "*"
    return " ".join(quoted)


# Two cheap full-text queries instead of bm25 (whose IDF pass reads every match: tens of
# ms for a common name in a million rows): consumers with every word in a name come first,
# then the rest, each in cache order. Each query stops after the rows it may need. The
# CROSS JOIN keeps the full-text match as the outer loop: left to itself the planner may
# read every consumer of the discom and probe the match for each.
_HITS = """
    SELECT consumers_fts.rowid AS id FROM consumers_fts
    WHERE consumers_fts MATCH {match} LIMIT {limit}
"""
_HITS_IN_DISCOM = """
    SELECT consumers_fts.rowid AS id
    FROM consumers_fts CROSS JOIN consumers AS d ON d.id = consumers_fts.rowid
    WHERE consumers_fts MATCH {match} AND d.discom = :discom LIMIT {limit}
"""
_RANKED = """
WITH hits (id, tier) AS (
    SELECT id, 0 FROM ({in_names})
    UNION ALL
    SELECT id, 1 FROM ({anywhere})
)
SELECT c.snapshot, c.cached_at
FROM (
    SELECT id, min(tier) AS tier FROM hits GROUP BY id ORDER BY tier, id LIMIT :limit
) AS top
CROSS JOIN consumers AS c ON c.id = top.id
ORDER BY top.tier, top.id
"""


def _ranked(hits: str) -> str:
    # Up to `limit` rows may overlap between the tiers, so the second takes twice as many.
    return _RANKED.format(
        in_names=hits.format(match=":in_names", limit=":limit"),
        anywhere=hits.format(match=":anywhere", limit=":limit * 2"),
    )


_SEARCH = _ranked(_HITS)
_SEARCH_IN_DISCOM = _ranked(_HITS_IN_DISCOM)
MAX_SEARCH_LIMIT = 500


def search(
    conn: sqlite3.Connection, text: str, *, limit: int = 20, discom: str | None = None
) -> list[CachedConsumer]:
    """Consumers whose name (English or Hindi) or address contains every word typed.

    The last word may be unfinished (prefix match), so results follow the operator's
    typing. Consumers matched on their names come before those matched on the address
    (Sita before Sitapur); text without any letter or digit finds nothing.
    """
    query = fts_query(text)
    if query is None or limit < 1:
        return []
    params = {
        "in_names": "{name name_hi} : (" + query + ")",
        "anywhere": query,
        "limit": min(limit, MAX_SEARCH_LIMIT),
    }
    if discom is None:
        rows = conn.execute(_SEARCH, params).fetchall()
    else:
        rows = conn.execute(_SEARCH_IN_DISCOM, params | {"discom": discom}).fetchall()
    return _cached(rows)


def count(conn: sqlite3.Connection) -> int:
    """How many consumers the cache holds."""
    return int(conn.execute("SELECT count(*) FROM consumers").fetchone()[0])
