"""Every SQL statement the code runs is fixed text with ``?`` / ``:name`` parameters.

The test reads every ``execute`` / ``executemany`` / ``executescript`` call in kiosk/,
central/ and offline_queue/. Its SQL must be a string literal, or a module-level name bound
to one; anything assembled (f-string, ``%``, ``.format``, ``+``, a variable) must be listed
below with the reason it only ever puts fixed table / column names or fixed fragments
into the text. A new assembled statement fails here until someone has looked at it.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kiosk", "central", "offline_queue")
EXECUTE = {"execute", "executemany", "executescript"}

# (file, the SQL argument as written) -> why no value reaches the text.
REVIEWED: dict[tuple[str, str], str] = {
    (
        "kiosk/printer/spool.py",
        "f'SELECT {_COLUMNS} FROM print_jobs WHERE kind = ? AND ref = ? ORDER BY id'",
    ): "_COLUMNS is a fixed column list",
    (
        "kiosk/printer/spool.py",
        'f"SELECT {_COLUMNS} FROM print_jobs WHERE ref = ? AND copy = '
        "'original' ORDER BY id LIMIT 1\"",
    ): "_COLUMNS is a fixed column list",
    (
        "kiosk/printer/spool.py",
        "f\"SELECT {_COLUMNS} FROM print_jobs WHERE status != 'printed' ORDER BY id\"",
    ): "_COLUMNS is a fixed column list",
    ("kiosk/services/day_export.py", "_DAY_PAYMENTS"): "an f-string of fixed SQL fragments",
    ("kiosk/services/dead_letters.py", "sql"): "one of the fixed statements in _REF_TABLES",
    ("kiosk/services/receipts.py", "sql"): "fixed fragments (_LINES, _MATCHES, one of two "
    "fixed scopes); the search text and day are parameters",
    ("kiosk/services/receipts.py", "f'{_LINES} WHERE p.receipt_no = ?'"): "_LINES is fixed",
    (
        "kiosk/services/runtime.py",
        "f'UPDATE {table} SET central_no = ? WHERE event_id = ? AND central_no IS NULL'",
    ): "table comes from the fixed _CENTRAL_NUMBERS tuple",
    (
        "kiosk/services/scheme.py",
        "f'{_REGISTRATION} WHERE r.discom = ? AND r.account_no = ? AND "
        "r.scheme_code = ? ORDER BY r.id LIMIT 1'",
    ): "_REGISTRATION is a fixed SELECT",
    (
        "kiosk/services/scheme.py",
        "f'{_REGISTRATION} WHERE r.local_no = ? OR r.central_no = ? ORDER BY r.id LIMIT 1'",
    ): "_REGISTRATION is a fixed SELECT",
    (
        "kiosk/services/shifts.py",
        'f"SELECT {_SHIFT_COLUMNS} FROM shifts WHERE counter_id = ? '
        "AND status = 'open' ORDER BY id DESC LIMIT 1\"",
    ): "_SHIFT_COLUMNS is a fixed column list",
    (
        "kiosk/services/shifts.py",
        "f'SELECT {_SHIFT_COLUMNS} FROM shifts WHERE id = ? AND counter_id = ?'",
    ): "_SHIFT_COLUMNS is a fixed column list",
    ("kiosk/store/consumers.py", "_UPSERT_BILL"): "an f-string of fixed SQL fragments",
    ("kiosk/store/consumers.py", "_CLEAR_CONSUMPTION"): "an f-string of fixed SQL fragments",
    ("kiosk/store/consumers.py", "_INSERT_CONSUMPTION"): "an f-string of fixed SQL fragments",
    ("kiosk/store/consumers.py", "_SEARCH"): "fixed text; the FTS query is a parameter",
    ("kiosk/store/consumers.py", "_SEARCH_IN_DISCOM"): "fixed text; the FTS query is a parameter",
    ("kiosk/store/db.py", "f'PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}'"): "an int constant",
    ("kiosk/store/db.py", "f'PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}'"): "an int constant",
    ("kiosk/store/migrations.py", "statement"): "the fixed DDL of the migrations",
    ("kiosk/store/migrations.py", "f'PRAGMA application_id = {APPLICATION_ID}'"): "an int constant",
    ("kiosk/store/migrations.py", "f'PRAGMA user_version = {int(migration.version)}'"): "an int "
    "from the fixed MIGRATIONS (PRAGMA takes no parameters)",
    ("central/db.py", "statement"): "the fixed DDL of the central's indexes",
    (
        "central/db.py",
        "f'SELECT snapshot FROM consumers WHERE mobile = ?{where} ORDER BY discom, "
        "account_no LIMIT ?'",
    ): "_discom_filter adds only '?' marks; discoms are parameters",
    (
        "central/db.py",
        "f'SELECT seq, snapshot FROM consumers WHERE seq > ?{where} ORDER BY seq LIMIT ?'",
    ): "_discom_filter adds only '?' marks; discoms are parameters",
    ("central/ingest.py", "sql"): "_found's callers pass string literals; values go as JSON",
    ("offline_queue/outbox.py", "statement"): "the fixed DDL of the outbox",
    ("kiosk/services/purge.py", "select"): "table and columns from the fixed "
    "_PERSONAL_COLUMNS; no value in the text",
    ("kiosk/services/purge.py", "f'UPDATE {table} SET {assignments} WHERE id = ?'"): "table and "
    "columns from the fixed _PERSONAL_COLUMNS, each set to ''; the row id is a parameter",
}


def _literal_names(tree: ast.Module) -> set[str]:
    """Module-level names bound to a plain string literal."""
    names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        value = getattr(node, "value", None)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def assembled_in(source: str) -> list[tuple[int, str]]:
    """(line, SQL argument) of every call in ``source`` whose SQL is not plain literal text."""
    tree = ast.parse(source)
    literal = _literal_names(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in EXECUTE
            and node.args
        ):
            continue
        sql = node.args[0]
        if isinstance(sql, ast.Constant) and isinstance(sql.value, str):
            continue
        if isinstance(sql, ast.Name) and sql.id in literal:
            continue
        found.append((node.lineno, ast.unparse(sql)))
    return found


@cache
def assembled_sql() -> list[tuple[str, int, str]]:
    """(file, line, SQL argument) over the three packages (read once per run)."""
    found: list[tuple[str, int, str]] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            found += [(rel, *hit) for hit in assembled_in(path.read_text(encoding="utf-8"))]
    return found


def test_no_statement_is_assembled_from_values() -> None:
    unreviewed = [
        f"{file}:{line}: {sql}"
        for file, line, sql in assembled_sql()
        if (file, sql) not in REVIEWED
    ]
    assert not unreviewed, (
        "SQL assembled at run time: pass values as ? / :name parameters, or (for a fixed "
        "table or column name only) add it to REVIEWED with the reason:\n" + "\n".join(unreviewed)
    )


def test_every_reviewed_entry_still_exists() -> None:
    """A stale entry would quietly allow a new statement with the same text."""
    present = {(file, sql) for file, _line, sql in assembled_sql()}
    assert sorted(set(REVIEWED) - present) == []


def test_the_scan_catches_an_assembled_statement(tmp_path: Path) -> None:
    """The checker itself: an f-string, a %-format and a .format() call are all reported."""
    source = (
        "def f(conn, name):\n"
        "    conn.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n"
        "    conn.execute(\"SELECT * FROM t WHERE name = '%s'\" % name)\n"
        "    conn.execute(\"SELECT * FROM t WHERE name = '{}'\".format(name))\n"
        "    conn.execute('SELECT * FROM t WHERE name = ?', (name,))\n"
    )
    assert [line for line, _sql in assembled_in(source)] == [2, 3, 4]
