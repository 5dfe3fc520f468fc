"""``python -m benchmarks``: its options parse and its table reads right (no benchmark runs
here: benchmarks are run by hand, see benchmarks/README.md)."""

from __future__ import annotations

import re

import pytest

from benchmarks.__main__ import BENCHMARKS, main, table
from benchmarks.figures import Figure


def test_help_lists_every_benchmark(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "--quick" in text
    for name in BENCHMARKS:
        assert name in text


def test_an_unknown_benchmark_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--only", "nonsense"])
    assert exit_.value.code == 2
    assert "invalid choice: 'nonsense'" in capsys.readouterr().err


def test_table_shows_value_target_ratio_and_verdict() -> None:
    figures = [
        Figure("kiosk peak RSS", "94.5 MB", "< 150 MB", True, "empty cache 93.9 MB"),
        Figure("speedup", "19.5x", ">= 20x", False),
        Figure("cache download", "3.4 s", "(no target set)", None, "2,932 consumers/s"),
    ]
    cells = [re.split(r"\s{2,}", line) for line in table(figures)]
    assert cells[0] == ["figure", "value", "target", "ratio (side by side)", "met"]
    assert cells[2] == ["kiosk peak RSS", "94.5 MB", "< 150 MB", "empty cache 93.9 MB", "met"]
    assert cells[3] == ["speedup", "19.5x", ">= 20x", "NOT met"]
    assert cells[4] == ["cache download", "3.4 s", "(no target set)", "2,932 consumers/s"]
    assert table(figures, markdown=True)[3] == "| speedup | 19.5x | >= 20x |  | NOT met |"
