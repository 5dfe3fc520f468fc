"""The layer boundaries of ARCHITECTURE.md hold (import-linter) and the domain reads no clock."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOCK_READS = {("datetime", "now"), ("datetime", "today"), ("date", "today"),
               ("datetime", "utcnow"), ("time", "time"), ("time", "monotonic")}  # fmt: skip


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
                and isinstance(node.func.value, ast.Name)
                and (node.func.value.id, node.func.attr) in CLOCK_READS
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
