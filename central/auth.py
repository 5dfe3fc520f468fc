"""Counter tokens: who may call the central, and for which discoms.

A tokens file is TOML, one table per counter::

    [counters.CSC-LKO-0001]
    token = "a long random secret"
    discoms = ["MVVNL"]      # optional; empty or missing means every discom

Tokens are compared with :func:`hmac.compare_digest` and never shown in a repr or an error.
"""

from __future__ import annotations

import hmac
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from central.discoms import canonical_discom, load_discoms

MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class CounterAuth:
    """One counter's credentials. ``discoms`` empty means the counter may read every discom."""

    counter_id: str
    token: str = field(repr=False)
    discoms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.counter_id.strip():
            raise ValueError("counter_id must not be empty")
        if not self.token:
            raise ValueError(f"counter {self.counter_id}: token must not be empty")
        object.__setattr__(self, "discoms", tuple(self.discoms))

    def may_read(self, discom: str) -> bool:
        return not self.discoms or discom in self.discoms


class TokenFileError(Exception):
    """A tokens file cannot be used; ``str()`` is one line naming the file and the problem."""


def find_counter(tokens: Iterable[CounterAuth], presented: str) -> CounterAuth | None:
    """The counter whose token is ``presented``; every token is compared in constant time."""
    found = None
    given = presented.encode()
    for counter in tokens:
        if hmac.compare_digest(counter.token.encode(), given) and found is None:
            found = counter
    return found


def check_tokens(tokens: Mapping[str, CounterAuth]) -> dict[str, CounterAuth]:
    """Tokens keyed by counter id; raises ValueError on a key mismatch or a shared token."""
    checked: dict[str, CounterAuth] = {}
    seen: set[str] = set()
    for key, counter in tokens.items():
        if key != counter.counter_id:
            raise ValueError(f"tokens[{key!r}] holds counter {counter.counter_id!r}")
        if counter.token in seen:
            raise ValueError(f"counter {key}: its token is also another counter's token")
        seen.add(counter.token)
        checked[key] = counter
    return checked


def load_tokens(path: Path) -> dict[str, CounterAuth]:
    """Read a tokens file; raises :class:`TokenFileError` with one line on any problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TokenFileError(f"{path}: tokens file not found") from None
    except IsADirectoryError:
        raise TokenFileError(f"{path}: is a directory, not a tokens file") from None
    except OSError as exc:
        raise TokenFileError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise TokenFileError(f"{path}: is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise TokenFileError(f"{path}: not valid TOML: {exc}") from None
    counters = data.get("counters")
    if not isinstance(counters, dict) or not counters:
        raise TokenFileError(f"{path}: no [counters.<id>] table with a token")
    result: dict[str, CounterAuth] = {}
    for counter_id, entry in counters.items():
        result[counter_id] = _counter(path, counter_id, entry)
    try:
        return check_tokens(result)
    except ValueError as exc:
        raise TokenFileError(f"{path}: {exc}") from None


def _counter(path: Path, counter_id: str, entry: object) -> CounterAuth:
    where = f"{path}: counters.{counter_id}"
    if not isinstance(entry, dict):
        raise TokenFileError(f'{where}: must be a table with token = "..."')
    unknown = sorted(set(entry) - {"token", "discoms"})
    if unknown:
        raise TokenFileError(f"{where}: unknown key {unknown[0]!r} (use token and discoms)")
    token = entry.get("token")
    if not isinstance(token, str) or not token:
        raise TokenFileError(f"{where}.token: is missing: give a long random string")
    if len(token) < MIN_TOKEN_LENGTH or token != token.strip():
        raise TokenFileError(
            f"{where}.token: must be at least {MIN_TOKEN_LENGTH} characters, no spaces around"
        )
    discoms = entry.get("discoms", [])
    if not isinstance(discoms, list) or not all(isinstance(d, str) for d in discoms):
        raise TokenFileError(f"{where}.discoms: must be a list of discom codes")
    codes = []
    for code in discoms:
        known = canonical_discom(code)
        if known is None:
            raise TokenFileError(
                f"{where}.discoms: unknown discom {code!r}: use {', '.join(load_discoms())}"
            )
        codes.append(known)
    return CounterAuth(counter_id=counter_id, token=token, discoms=tuple(codes))
