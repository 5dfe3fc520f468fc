"""The layer boundaries of ARCHITECTURE.md hold (import-linter) and the domain reads no clock."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Any call ending in one of these reads the clock, however datetime was imported.
CLOCK_CALLS = {"now", "today", "utcnow", "time_ns", "monotonic", "perf_counter", "localtime"}


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_domain_never_reads_the_clock():
    """``now`` is passed in: domain code that calls datetime.now() cannot be tested for a date."""
    offenders = []
    for path in sorted((ROOT / "kiosk" / "domain").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in CLOCK_CALLS
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_the_login_screen_loads_none_of_the_heavy_libraries() -> None:
    """The counter's cold start target rests on this: what ``kiosk`` imports before its
    login shows must not pull in pydantic, httpx, the printer stack or the data models
    (they load behind the login). A new top-level import of one of them fails here."""
    code = (
        "import sys\n"
        "import kiosk.cli, kiosk.cli.screen, kiosk.app, kiosk.screens.login\n"
        "heavy = ('pydantic', 'httpx', 'escpos', 'PIL', 'sqlite_utils', 'babel',"
        " 'kiosk.config', 'kiosk.domain.ids', 'kiosk.domain.models', 'offline_queue.engine')\n"
        "print(','.join(name for name in heavy if name in sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.strip()
    assert loaded == ""
