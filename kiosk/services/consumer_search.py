"""What the operator typed in the lookup box, and the search it leads to.

One box takes everything: an account number, a mobile number, or words of a name or
place, optionally after a discom prefix (``DVVNL:1234567890``). :func:`parse_query` decides
which without touching the database (so a typing slip is answered at once, in the screen's
language), and :func:`find_consumers` runs the search on the database thread, going to
the central for numbers when it is reachable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from kiosk.domain.errors import InvalidInput
from kiosk.domain.ids import validate_mobile
from kiosk.services.central_client import CentralClient
from kiosk.services.counter import Counter
from kiosk.services.lookup import Lookup, find_account, find_mobile, search_name
from kiosk.services.preferences import current_discom

NAME_RESULTS = 20
MAX_QUERY_CHARS = 100

# Hindi keyboards type Devanagari digits; they mean the same numbers.
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_SEPARATORS = re.compile(r"[\s\-]+")
_DIGITS = re.compile(r"\+?[0-9]+", re.ASCII)
_PREFIX = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]{1,15})\s*:(.*)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class DiscomChoice:
    code: str
    name: str
    name_hi: str
    account_lengths: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LookupSetup:
    """The discoms this counter serves (in config order) and the one to start with."""

    discoms: tuple[DiscomChoice, ...]
    current: str

    def choice(self, code: str) -> DiscomChoice:
        return next(d for d in self.discoms if d.code == code)

    def after(self, code: str) -> str:
        """The next discom in the list (F6 cycles through them)."""
        codes = [d.code for d in self.discoms]
        return codes[(codes.index(code) + 1) % len(codes)]


def lookup_setup(counter: Counter) -> LookupSetup:
    known = counter.discoms
    choices = []
    for code in counter.settings.counter.discoms:
        data = known.get(code)
        choices.append(
            DiscomChoice(
                code=code,
                name=data.name if data else code,
                name_hi=data.name_hi if data else "",
                account_lengths=tuple(data.account_lengths) if data else (10, 12),
            )
        )
    return LookupSetup(tuple(choices), current_discom(counter))


QueryKind = Literal["account", "mobile", "name", "discom"]


@dataclass(frozen=True, slots=True)
class Query:
    """A search to run. ``kind="discom"`` is a bare ``DVVNL:``: switch, search nothing."""

    kind: QueryKind
    discom: str
    value: str = ""
    # An account number that is also a valid mobile: try the mobile when no account matches.
    mobile: str | None = None
    # The discom came from a prefix: the operator chose it for this search.
    prefixed: bool = False


ProblemCode = Literal["empty", "too_long", "unknown_discom", "bad_number", "bad_characters"]


@dataclass(frozen=True, slots=True)
class QueryProblem:
    """Why the text cannot be searched; ``values`` fill the catalogue's sentence."""

    code: ProblemCode
    values: dict[str, str] = field(default_factory=dict)


def _as_mobile(text: str) -> str | None:
    try:
        return validate_mobile(text)
    except InvalidInput:
        return None


def parse_query(text: str, setup: LookupSetup, discom: str) -> Query | QueryProblem:
    """Account, mobile or name search in ``discom`` (or a prefixed one), or what is wrong.

    Digits of an account-number length for the discom are an account number (and, if they
    also make a mobile number, a mobile to try next); other digit strings must be a mobile
    number; anything with a letter is a name or place.
    """
    raw = (text or "").translate(_DEVANAGARI_DIGITS).strip()
    if not raw:
        return QueryProblem("empty")
    if len(raw) > MAX_QUERY_CHARS:
        return QueryProblem("too_long", {"limit": str(MAX_QUERY_CHARS), "typed": str(len(raw))})
    prefixed = False
    prefix = _PREFIX.match(raw)
    if prefix is not None:
        wanted = prefix.group(1)
        match = next((d.code for d in setup.discoms if d.code.lower() == wanted.lower()), None)
        if match is None:
            served = ", ".join(d.code for d in setup.discoms)
            return QueryProblem("unknown_discom", {"discom": wanted, "served": served})
        discom, raw, prefixed = match, prefix.group(2).strip(), True
        if not raw:
            return Query("discom", discom, prefixed=True)
    if any(ch.isalpha() for ch in raw):
        return Query("name", discom, " ".join(raw.split()), prefixed=prefixed)
    compact = _SEPARATORS.sub("", raw)
    if not _DIGITS.fullmatch(compact):
        return QueryProblem("bad_characters", {"typed": raw})
    lengths = setup.choice(discom).account_lengths
    if not compact.startswith("+") and len(compact) in lengths:
        return Query("account", discom, compact, _as_mobile(compact), prefixed)
    mobile = _as_mobile(compact)
    if mobile is not None:
        return Query("mobile", discom, mobile, prefixed=prefixed)
    allowed = " / ".join(str(n) for n in sorted(lengths))
    digits = len(compact.lstrip("+"))
    return QueryProblem("bad_number", {"discom": discom, "lengths": allowed, "typed": str(digits)})


@dataclass(frozen=True, slots=True)
class Found:
    """The matches, and whether a mobile search followed an account number nobody has."""

    query: Query
    matches: tuple[Lookup, ...]
    tried_mobile: bool = False


def find_consumers(
    counter: Counter, query: Query, *, central: CentralClient | None = None
) -> Found:
    """Run a parsed query. Numbers ask the central first when online; names stay local."""
    if query.kind == "account":
        hit = find_account(counter, query.discom, query.value, central=central)
        if hit is not None:
            return Found(query, (hit,))
        if query.mobile is None:
            return Found(query, ())
        return Found(query, tuple(find_mobile(counter, query.mobile, central=central)), True)
    if query.kind == "mobile":
        return Found(query, tuple(find_mobile(counter, query.value, central=central)))
    if query.kind == "name":
        return Found(query, tuple(search_name(counter, query.value, limit=NAME_RESULTS)))
    return Found(query, ())
