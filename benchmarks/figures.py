"""One row of the benchmark table, as each script's ``run(quick)`` hands it back.

The scripts keep printing their own detailed output from ``main()``; ``run`` returns the
headline figures so ``python -m benchmarks`` can put every benchmark in one table.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Figure:
    """A measured figure against its target; ``ratio`` is the side-by-side comparison
    (peer or baseline) where the target is one, ``met`` None where there is no target."""

    name: str
    value: str
    target: str
    met: bool | None
    ratio: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        return cls(**data)


def ms(seconds: float) -> str:
    """Seconds as milliseconds, three significant digits below 100 ms."""
    return f"{seconds * 1e3:.3g} ms" if seconds < 0.1 else f"{seconds * 1e3:,.0f} ms"
