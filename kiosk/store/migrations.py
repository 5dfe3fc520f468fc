"""Versioned schema migrations, recorded in ``PRAGMA user_version``.

Each migration runs in its own ``BEGIN IMMEDIATE`` transaction together with the version
bump, so a power cut mid-migration leaves the previous version intact and the next start
simply tries again. Migrations only ever go forward: a database made by a newer kiosk is
refused (:class:`SchemaTooNew`) rather than guessed at.

Conventions of the schema: money is INTEGER paise guarded by CHECK constraints (a float or
text amount is refused, not converted); timestamps are ISO 8601 UTC text (see
:func:`kiosk.store.db.utc_text`); days are ``YYYY-MM-DD`` and months ``YYYY-MM``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.store.errors import SchemaTooNew, StoreError
from offline_queue import outbox

# PRAGMA application_id marks the file as a kiosk counter database ("KIOS" in ASCII), so a
# stray SQLite file from another program is refused instead of having tables added to it.
APPLICATION_ID = 0x4B494F53


def _is_integer(column: str) -> str:
    return f"typeof({column}) = 'integer'"


def _money(column: str, *, positive: bool = False, nullable: bool = False) -> str:
    """A CHECK that keeps a money column whole paise (never REAL or TEXT) and in range."""
    bound = "> 0" if positive else ">= 0"
    check = f"({_is_integer(column)} AND {column} {bound})"
    return f"CHECK ({column} IS NULL OR {check})" if nullable else f"CHECK {check}"


_AADHAAR_MASKED = "id_proof_type <> 'aadhaar' OR id_proof_ref GLOB 'XXXX XXXX [0-9][0-9][0-9][0-9]'"
_ID_PROOF_TYPES = "id_proof_type IN ('aadhaar', 'voter_id', 'driving_licence')"

_V1_CONSUMERS = (
    """
    CREATE TABLE consumers (
        id INTEGER PRIMARY KEY,
        discom TEXT NOT NULL,
        account_no TEXT NOT NULL,
        name TEXT NOT NULL,
        name_hi TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL,
        mobile TEXT,
        category TEXT NOT NULL,
        load_kw TEXT NOT NULL,
        meter_type TEXT NOT NULL CHECK (meter_type IN ('prepaid', 'postpaid')),
        division TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('active', 'disconnected', 'rc')),
        snapshot TEXT NOT NULL,
        central_updated_at TEXT NOT NULL,
        cached_at TEXT NOT NULL,
        UNIQUE (discom, account_no)
    )
    """,
    "CREATE INDEX consumers_account_no ON consumers (account_no)",
    "CREATE INDEX consumers_mobile ON consumers (mobile)",
    # External content: the text lives once, in consumers; the triggers keep the index in step.
    # The categories option keeps Devanagari vowel signs (M*) inside words.
    """
    CREATE VIRTUAL TABLE consumers_fts USING fts5 (
        name, name_hi, address,
        content = 'consumers', content_rowid = 'id',
        tokenize = "unicode61 remove_diacritics 2 categories 'L* N* M* Co'",
        prefix = '2 3'
    )
    """,
    """
    CREATE TRIGGER consumers_fts_insert AFTER INSERT ON consumers BEGIN
        INSERT INTO consumers_fts (rowid, name, name_hi, address)
        VALUES (new.id, new.name, new.name_hi, new.address);
    END
    """,
    """
    CREATE TRIGGER consumers_fts_delete AFTER DELETE ON consumers BEGIN
        INSERT INTO consumers_fts (consumers_fts, rowid, name, name_hi, address)
        VALUES ('delete', old.id, old.name, old.name_hi, old.address);
    END
    """,
    # Only when the searchable text changed: a re-sync of unchanged consumers stays cheap.
    """
    CREATE TRIGGER consumers_fts_update AFTER UPDATE OF id, name, name_hi, address ON consumers
    WHEN old.id IS NOT new.id OR old.name IS NOT new.name
        OR old.name_hi IS NOT new.name_hi OR old.address IS NOT new.address
    BEGIN
        INSERT INTO consumers_fts (consumers_fts, rowid, name, name_hi, address)
        VALUES ('delete', old.id, old.name, old.name_hi, old.address);
        INSERT INTO consumers_fts (rowid, name, name_hi, address)
        VALUES (new.id, new.name, new.name_hi, new.address);
    END
    """,
    f"""
    CREATE TABLE bills (
        discom TEXT NOT NULL,
        account_no TEXT NOT NULL,
        bill_no TEXT NOT NULL,
        month TEXT NOT NULL,
        units INTEGER NOT NULL CHECK ({_is_integer("units")} AND units >= 0),
        current_paise INTEGER NOT NULL {_money("current_paise")},
        arrears_paise INTEGER NOT NULL DEFAULT 0 {_money("arrears_paise")},
        surcharge_paise INTEGER NOT NULL DEFAULT 0 {_money("surcharge_paise")},
        issued_on TEXT NOT NULL,
        due_on TEXT NOT NULL,
        PRIMARY KEY (discom, account_no, bill_no)
    )
    """,
    f"""
    CREATE TABLE consumption (
        discom TEXT NOT NULL,
        account_no TEXT NOT NULL,
        month TEXT NOT NULL,
        units INTEGER NOT NULL CHECK ({_is_integer("units")} AND units >= 0),
        PRIMARY KEY (discom, account_no, month)
    )
    """,
)

_V1_COUNTER = (
    """
    CREATE TABLE operators (
        operator_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
        pin_hash TEXT,  -- NULL until the operator sets a PIN
        failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
        locked_until TEXT,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL
    )
    """,
    f"""
    CREATE TABLE shifts (
        id INTEGER PRIMARY KEY,
        counter_id TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        expected_cash_paise INTEGER {_money("expected_cash_paise", nullable=True)},
        counted_cash_paise INTEGER {_money("counted_cash_paise", nullable=True)},
        variance_paise INTEGER
            CHECK (variance_paise IS NULL OR {_is_integer("variance_paise")}),
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        CHECK (status = 'open' OR closed_at IS NOT NULL)
    )
    """,
    # One open shift per counter: a second "open shift" is a bug, not a state.
    "CREATE UNIQUE INDEX shifts_one_open ON shifts (counter_id) WHERE status = 'open'",
    f"""
    CREATE TABLE payments (
        id INTEGER PRIMARY KEY,
        receipt_no TEXT NOT NULL UNIQUE,
        event_id TEXT NOT NULL UNIQUE,
        counter_id TEXT NOT NULL,
        shift_id INTEGER REFERENCES shifts (id),
        operator_id TEXT NOT NULL,
        discom TEXT NOT NULL,
        account_no TEXT NOT NULL,
        bill_no TEXT,
        amount_paise INTEGER NOT NULL {_money("amount_paise", positive=True)},
        mode TEXT NOT NULL CHECK (mode IN ('cash', 'upi', 'cheque', 'card')),
        reference TEXT,
        details TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(details)),
        tendered_paise INTEGER {_money("tendered_paise", nullable=True)},
        change_paise INTEGER NOT NULL DEFAULT 0 {_money("change_paise")},
        purpose TEXT NOT NULL DEFAULT 'bill'
            CHECK (purpose IN ('bill', 'scheme_fee', 'recharge')),
        recorded_at TEXT NOT NULL,
        day TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
        cancelled_at TEXT,
        cancel_reason TEXT,
        cancelled_by TEXT,
        cancel_event_id TEXT,
        CHECK (tendered_paise IS NULL
            OR (mode = 'cash' AND change_paise = tendered_paise - amount_paise)),
        CHECK (tendered_paise IS NOT NULL OR change_paise = 0),
        CHECK ((status = 'active' AND cancelled_at IS NULL)
            OR (status = 'cancelled' AND cancelled_at IS NOT NULL
                AND cancel_reason IS NOT NULL AND cancelled_by IS NOT NULL))
    )
    """,
    # Every index here is one more page each payment's commit writes and syncs: keep only
    # those a query uses (no query looks payments up by counter and day yet; the day-close
    # report that does should add its index in its own migration).
    "CREATE INDEX payments_by_consumer_day ON payments (discom, account_no, day)",
    # A UTR is unique to one UPI transfer: finding it again must not scan every payment.
    "CREATE INDEX payments_by_reference ON payments (reference) WHERE reference IS NOT NULL",
    # Partial: only a cancelled payment has one, so recording a payment writes no entry here.
    "CREATE UNIQUE INDEX payments_cancel_event ON payments (cancel_event_id)"
    " WHERE cancel_event_id IS NOT NULL",
    # Collected money is never deleted or rewritten: a wrong receipt is cancelled, and a
    # cancellation is final.
    """
    CREATE TRIGGER payments_never_deleted BEFORE DELETE ON payments BEGIN
        SELECT RAISE(ABORT, 'payments are never deleted: cancel the receipt instead');
    END
    """,
    """
    CREATE TRIGGER payments_money_fixed BEFORE UPDATE OF
        receipt_no, event_id, counter_id, discom, account_no, amount_paise, mode,
        tendered_paise, change_paise, purpose, recorded_at, day
    ON payments
    WHEN old.receipt_no IS NOT new.receipt_no OR old.event_id IS NOT new.event_id
        OR old.counter_id IS NOT new.counter_id OR old.discom IS NOT new.discom
        OR old.account_no IS NOT new.account_no OR old.amount_paise IS NOT new.amount_paise
        OR old.mode IS NOT new.mode OR old.tendered_paise IS NOT new.tendered_paise
        OR old.change_paise IS NOT new.change_paise OR old.purpose IS NOT new.purpose
        OR old.recorded_at IS NOT new.recorded_at OR old.day IS NOT new.day
    BEGIN
        SELECT RAISE(ABORT, 'a recorded payment cannot be changed: cancel the receipt instead');
    END
    """,
    """
    CREATE TRIGGER payments_cancel_final BEFORE UPDATE OF status ON payments
    WHEN old.status = 'cancelled' AND new.status <> 'cancelled'
    BEGIN
        SELECT RAISE(ABORT, 'a cancelled receipt stays cancelled');
    END
    """,
    """
    CREATE TABLE number_sequences (
        counter_id TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        last_seq INTEGER NOT NULL CHECK (last_seq > 0),
        PRIMARY KEY (counter_id, day, kind)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE complaints (
        id INTEGER PRIMARY KEY,
        local_no TEXT NOT NULL UNIQUE,
        event_id TEXT NOT NULL UNIQUE,
        discom TEXT NOT NULL,
        account_no TEXT,
        category TEXT NOT NULL,
        description TEXT NOT NULL,
        mobile TEXT NOT NULL,
        location TEXT NOT NULL DEFAULT '',
        landmark TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open'
            CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
        central_no TEXT,
        operator_id TEXT NOT NULL
    )
    """,
    f"""
    CREATE TABLE scheme_registrations (
        id INTEGER PRIMARY KEY,
        local_no TEXT NOT NULL UNIQUE,
        event_id TEXT NOT NULL UNIQUE,
        discom TEXT NOT NULL,
        account_no TEXT NOT NULL,
        scheme_code TEXT NOT NULL,
        case_type TEXT NOT NULL,
        option TEXT NOT NULL,
        id_proof_type TEXT NOT NULL CHECK ({_ID_PROOF_TYPES}),
        id_proof_ref TEXT NOT NULL CHECK ({_AADHAAR_MASKED}),
        mobile TEXT NOT NULL,
        notice_no TEXT,
        fee_paise INTEGER NOT NULL {_money("fee_paise")},
        payable_paise INTEGER NOT NULL {_money("payable_paise")},
        registered_on TEXT NOT NULL,
        fee_receipt_no TEXT REFERENCES payments (receipt_no),
        central_no TEXT,
        operator_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    )
    """,
    f"""
    CREATE TABLE recharges (
        id INTEGER PRIMARY KEY,
        receipt_no TEXT NOT NULL UNIQUE REFERENCES payments (receipt_no),
        event_id TEXT NOT NULL UNIQUE,
        discom TEXT NOT NULL,
        account_no TEXT NOT NULL,
        meter_no TEXT NOT NULL DEFAULT '',
        amount_paise INTEGER NOT NULL {_money("amount_paise", positive=True)},
        recorded_at TEXT NOT NULL
    )
    """,
    f"""
    CREATE TABLE meter_readings (
        id INTEGER PRIMARY KEY,
        local_no TEXT NOT NULL UNIQUE,
        event_id TEXT NOT NULL UNIQUE,
        discom TEXT NOT NULL,
        account_no TEXT NOT NULL,
        reading_kwh INTEGER NOT NULL CHECK ({_is_integer("reading_kwh")} AND reading_kwh >= 0),
        read_on TEXT NOT NULL,
        photo_sha256 TEXT CHECK (photo_sha256 IS NULL OR length(photo_sha256) = 64),
        meter_change INTEGER NOT NULL DEFAULT 0 CHECK (meter_change IN (0, 1)),
        recorded_at TEXT NOT NULL,
        operator_id TEXT NOT NULL
    )
    """,
    f"""
    CREATE TABLE connection_requests (
        id INTEGER PRIMARY KEY,
        local_no TEXT NOT NULL UNIQUE,
        event_id TEXT NOT NULL UNIQUE,
        applicant_name TEXT NOT NULL,
        mobile TEXT NOT NULL,
        address TEXT NOT NULL,
        pincode TEXT NOT NULL,
        category TEXT NOT NULL,
        load_kw TEXT NOT NULL,
        id_proof_type TEXT NOT NULL CHECK ({_ID_PROOF_TYPES}),
        id_proof_ref TEXT NOT NULL CHECK ({_AADHAAR_MASKED}),
        recorded_at TEXT NOT NULL,
        central_no TEXT,
        operator_id TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE print_jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        copy TEXT NOT NULL DEFAULT 'original' CHECK (copy IN ('original', 'duplicate')),
        body BLOB NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'printed', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error TEXT,
        created_at TEXT NOT NULL,
        printed_at TEXT
    )
    """,
    # Only jobs still to print (or waiting for the operator) are indexed: printed ones drop
    # out, so the spool's scan stays small and a payment's commit touches fewer pages.
    "CREATE INDEX print_jobs_unprinted ON print_jobs (id) WHERE status != 'printed'",
    "CREATE INDEX print_jobs_by_ref ON print_jobs (ref)",
    """
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        operator_id TEXT,
        action TEXT NOT NULL,
        ref TEXT,
        detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
        prev_hash TEXT,
        hash TEXT
    )
    """,
    # The audit trail is append-only.
    """
    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END
    """,
    """
    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END
    """,
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)",
)


def _v1(conn: sqlite3.Connection) -> None:
    """The first schema: consumer cache, counter records, print spool, audit, outbox."""
    for statement in (*_V1_CONSUMERS, *_V1_COUNTER):
        conn.execute(statement)
    outbox.install(conn)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


@dataclass(frozen=True)
class Migration:
    version: int
    why: str
    apply: Callable[[sqlite3.Connection], None]


def _v2(conn: sqlite3.Connection) -> None:
    """Payments by shift: the X and Z reports total one shift's payments without reading
    every payment the counter ever took (one more index page per payment's commit)."""
    conn.execute("CREATE INDEX payments_by_shift ON payments (shift_id)")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "consumer cache, counter records, print spool, audit log, outbox", _v1),
    Migration(2, "index payments by shift for the X and Z reports", _v2),
)
LATEST = MIGRATIONS[-1].version


def _database_path(conn: sqlite3.Connection) -> str:
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return file or ":memory:"
    return ":memory:"


def schema_version(conn: sqlite3.Connection) -> int:
    """The version recorded in the file, after checking the file is a kiosk database."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if version == 0:
        has_tables = conn.execute("SELECT 1 FROM sqlite_schema LIMIT 1").fetchone()
        if app_id not in (0, APPLICATION_ID) or has_tables:
            raise StoreError(f"{_database_path(conn)} is not a kiosk database")
    elif app_id != APPLICATION_ID:
        raise StoreError(f"{_database_path(conn)} is not a kiosk database")
    if version > LATEST:
        raise SchemaTooNew(_database_path(conn), version, LATEST)
    return version


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to :data:`LATEST`; return the version. Safe to call again.

    The version is read again inside each migration's write lock, so two processes
    starting together never apply the same migration twice.
    """
    if conn.in_transaction:
        raise StoreError("migrate() needs a connection with no open transaction")
    version = schema_version(conn)
    for migration in MIGRATIONS:
        if migration.version <= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = schema_version(conn)
            if migration.version > version:
                migration.apply(conn)
                conn.execute(f"PRAGMA user_version = {int(migration.version)}")
                version = migration.version
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return version
