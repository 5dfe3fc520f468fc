"""Deterministic demo consumers for the central (and for benchmarks): same seed, same data.

Faker (``hi_IN`` names and places, ``en_IN`` streets) is slow, so it is used once to fill
small seeded pools; each consumer is then combined from the pools with one
``random.Random(seed)``, which makes a million snapshots cheap. Names come in Devanagari
(``name_hi``) with a Latin transliteration of the same name (``name``).

The mix: all five UPPCL discoms (or the ones asked for), urban and rural, LMV-1
(rural / urban / BPL) and LMV-2, postpaid and prepaid (prepaid balances, some negative),
arrears and surcharge on some, 12 months of consumption, and LMV-1 consumers of 1-2 kW
with arrears, who are eligible for the relief scheme.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate, islice
from math import gcd
from pathlib import Path
from typing import Any

from faker import Faker

from central.clock import IST, wire_time
from central.db import CentralDB
from central.discoms import load_discoms
from central.translit import to_latin
from kiosk.domain.snapshot import ConsumerSnapshot

ACCOUNT_SPACE = 9_000_000_000  # 10-digit numbers 1000000000 .. 9999999999
ACCOUNT_STEP = 7_919_000_011  # coprime with ACCOUNT_SPACE: index -> account is one-to-one
POOL_SIZE = 3000
NOISE_SIZE = 4096

DISCOM_WEIGHTS = {"MVVNL": 24, "DVVNL": 23, "PVVNL": 25, "PuVVNL": 24, "KESCO": 4}
DISTRICTS = {
    "MVVNL": (
        "Lucknow", "Barabanki", "Sitapur", "Hardoi", "Raebareli", "Lakhimpur Kheri",
        "Bahraich", "Gonda", "Ayodhya", "Sultanpur", "Bareilly", "Shahjahanpur",
    ),
    "DVVNL": (
        "Agra", "Mathura", "Aligarh", "Firozabad", "Etawah", "Mainpuri", "Jhansi",
        "Banda", "Hathras", "Kanpur Dehat",
    ),
    "PVVNL": (
        "Meerut", "Ghaziabad", "Gautam Buddh Nagar", "Saharanpur", "Muzaffarnagar",
        "Moradabad", "Bulandshahr", "Bijnor", "Rampur", "Baghpat",
    ),
    "PuVVNL": (
        "Varanasi", "Prayagraj", "Gorakhpur", "Azamgarh", "Mirzapur", "Jaunpur",
        "Ghazipur", "Ballia", "Basti", "Deoria",
    ),
    "KESCO": ("Kanpur Nagar",),
}  # fmt: skip
OTHER_DISTRICTS = ("District One", "District Two", "District Three")
SHOPS = (
    ("General Store", "जनरल स्टोर"),
    ("Kirana Store", "किराना स्टोर"),
    ("Medical Store", "मेडिकल स्टोर"),
    ("Dhaba", "ढाबा"),
    ("Atta Chakki", "आटा चक्की"),
    ("Electricals", "इलेक्ट्रिकल्स"),
    ("Sweets", "मिष्ठान भंडार"),
)
# Rough paise per kWh, fixed paise per kW per month: demo bills, not the tariff.
RATES = {
    "lmv1-bpl": (300, 5000),
    "lmv1-rural": (420, 9000),
    "lmv1-urban": (590, 11000),
    "lmv2-rural": (550, 30000),
    "lmv2-urban": (790, 33000),
}
BASE_UNITS = {
    "lmv1-bpl": (30, 100),
    "lmv1-rural": (60, 160),
    "lmv1-urban": (90, 220),
    "lmv2-rural": (80, 200),
    "lmv2-urban": (150, 450),
}
# Month 1..12: summer and monsoon (fans, coolers, pumps) use more.
SEASON = (0.8, 0.75, 0.85, 1.1, 1.35, 1.45, 1.4, 1.3, 1.2, 1.0, 0.85, 0.8)
LMV1_LOADS = ("1", "1", "1", "2", "2", "2", "1.5", "3", "3", "4", "5")
LMV2_LOADS = ("0.5", "1", "1", "2", "3", "5", "10")
PAY_MODES = ("cash", "cash", "cash", "upi", "upi", "online", "online", "cheque")


@dataclass(frozen=True)
class Pools:
    """Seeded samples from Faker: (Devanagari, Latin) names and Latin places."""

    male: tuple[tuple[str, str], ...]
    female: tuple[tuple[str, str], ...]
    surnames: tuple[tuple[str, str], ...]
    villages: tuple[str, ...]
    streets: tuple[str, ...]


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip() and " " not in v.strip()))


def _paired(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """(Devanagari, Latin) pairs; a name the transliteration cannot fully read is dropped."""
    pairs = ((hi, to_latin(hi)) for hi in _unique(values))
    return tuple((hi, latin) for hi, latin in pairs if latin.isascii() and latin.isalpha())


@lru_cache(maxsize=4)
def build_pools(seed: int, size: int = POOL_SIZE) -> Pools:
    """Names and places drawn once from Faker, seeded: the same seed gives the same pools."""
    hindi = Faker("hi_IN")
    hindi.seed_instance(seed)
    english = Faker("en_IN")
    english.seed_instance(seed)
    return Pools(
        male=_paired([hindi.first_name_male() for _ in range(size)]),
        female=_paired([hindi.first_name_female() for _ in range(size)]),
        surnames=_paired([hindi.last_name() for _ in range(size)]),
        villages=tuple(
            dict.fromkeys(
                latin
                for latin in (to_latin(hindi.city_name()) for _ in range(size // 3))
                if latin.isascii()
            )
        ),
        streets=tuple(dict.fromkeys(english.street_name() for _ in range(size // 3))),
    )


def _months_back(day: date, count: int) -> list[date]:
    """The first days of the ``count`` months before ``day``'s month, oldest first."""
    year, month = day.year, day.month
    months = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(date(year, month, 1))
    return months[::-1]


def generate_records(
    count: int, *, seed: int = 2025, now: datetime, discoms: Sequence[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Demo consumer snapshots as JSON-ready dicts (exactly ``ConsumerSnapshot`` dumped).

    The first ``n`` records do not depend on ``count``: asking for more only adds records.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if count < 0:
        raise ValueError("count must not be negative")
    codes = list(discoms) if discoms else list(load_discoms())
    if not codes:
        raise ValueError("discoms must name at least one discom")
    pools = build_pools(seed)
    rng = random.Random(seed)
    cumulative = list(accumulate(DISCOM_WEIGHTS.get(code, 20) for code in codes))
    total = cumulative[-1]
    today = now.astimezone(IST).date()
    months = _months_back(today, 12)
    month_texts = [m.strftime("%Y-%m") for m in months]
    seasons = [SEASON[m.month - 1] for m in months]
    bill_month = months[-1]
    issued_on = date(today.year, today.month, min(5, today.day))
    due_on = issued_on + timedelta(days=15)
    updated_at = wire_time(now)
    offset = rng.randrange(ACCOUNT_SPACE)
    assert gcd(ACCOUNT_STEP, ACCOUNT_SPACE) == 1
    # Month-to-month wobble of consumption, drawn once: each consumer reads 12 in a row.
    noise = [0.85 + 0.3 * rng.random() for _ in range(NOISE_SIZE + 12)]
    recent_mobiles: list[str] = []
    for index in range(count):
        account_no = str(1_000_000_000 + (index * ACCOUNT_STEP + offset) % ACCOUNT_SPACE)
        discom = codes[bisect(cumulative, rng.random() * total)]
        yield _record(
            rng,
            pools,
            account_no=account_no,
            discom=discom,
            month_texts=month_texts,
            seasons=seasons,
            noise=noise,
            bill=(bill_month, issued_on, due_on),
            updated_at=updated_at,
            recent_mobiles=recent_mobiles,
        )


def _record(
    rng: random.Random,
    pools: Pools,
    *,
    account_no: str,
    discom: str,
    month_texts: list[str],
    seasons: list[float],
    noise: list[float],
    bill: tuple[date, date, date],
    updated_at: str,
    recent_mobiles: list[str],
) -> dict[str, Any]:
    random_ = rng.random
    districts = DISTRICTS.get(discom, OTHER_DISTRICTS)
    district = districts[int(random_() * len(districts))]
    urban = random_() < (0.95 if discom == "KESCO" else 0.4)
    roll = random_()
    if urban:
        category = "lmv1-urban" if roll < 0.75 else "lmv2-urban" if roll < 0.95 else "lmv1-bpl"
    else:
        category = "lmv1-rural" if roll < 0.7 else "lmv1-bpl" if roll < 0.85 else "lmv2-rural"
    domestic = category.startswith("lmv1")
    if category == "lmv1-bpl":
        load = "1"
    else:
        loads = LMV1_LOADS if domestic else LMV2_LOADS
        load = loads[int(random_() * len(loads))]
    prepaid = random_() < (0.25 if urban else 0.1)

    surname_hi, surname = pools.surnames[int(random_() * len(pools.surnames))]
    if not domestic and random_() < 0.5:
        shop, shop_hi = SHOPS[int(random_() * len(SHOPS))]
        name, name_hi = f"{surname} {shop}", f"{surname_hi} {shop_hi}"
    else:
        firsts = pools.male if random_() < 0.6 else pools.female
        first_hi, first = firsts[int(random_() * len(firsts))]
        name, name_hi = f"{first} {surname}", f"{first_hi} {surname_hi}"
    if urban:
        street = pools.streets[int(random_() * len(pools.streets))]
        house = f"{1 + int(random_() * 600)}/{1 + int(random_() * 250)}"
        address = f"H.No. {house}, {street}, {district}"
        division = f"{district} Urban"
    else:
        village = pools.villages[int(random_() * len(pools.villages))]
        address = f"Vill. {village}, Post {surname}pur, {district}"
        division = f"{district} Rural"

    mobile = None
    if random_() < 0.92:
        if recent_mobiles and random_() < 0.03:
            mobile = recent_mobiles[int(random_() * len(recent_mobiles))]
        else:
            mobile = f"{6 + int(random_() * 4)}{int(random_() * 1_000_000_000):09d}"
            recent_mobiles.append(mobile)
            if len(recent_mobiles) > 64:
                del recent_mobiles[0]

    low, high = BASE_UNITS[category]
    base = (low + random_() * (high - low)) * min(float(load), 4.0) ** 0.5
    start = int(random_() * NOISE_SIZE)
    consumption = [
        {"month": month, "units": int(base * season * wobble)}
        for month, season, wobble in zip(
            month_texts, seasons, noise[start : start + 12], strict=True
        )
    ]

    status = "active"
    bill_record = None
    recent: list[dict[str, Any]] = []
    balance = None
    if prepaid:
        balance = int((random_() * 3500 - 500) * 100)  # Rs -500 .. Rs 3000, some negative
    else:
        bill_month, issued_on, due_on = bill
        units = consumption[-1]["units"]
        rate, fixed_per_kw = RATES[category]
        energy = units * rate
        current = energy + int(fixed_per_kw * float(load)) + energy * 5 // 100
        arrears = surcharge = 0
        if random_() < 0.3:
            arrears = (500 + int(random_() * random_() * 60_000)) * 100
            surcharge = int(arrears * (0.05 + random_() * 0.3))
            roll = random_()
            status = "disconnected" if roll < 0.08 else "rc" if roll < 0.12 else "active"
        bill_record = {
            "account_no": account_no,
            "bill_no": f"{bill_month:%Y%m}{account_no}",
            "month": bill_month.isoformat(),
            "units": units,
            "current_paise": current,
            "arrears_paise": arrears,
            "surcharge_paise": surcharge,
            "issued_on": issued_on.isoformat(),
            "due_on": due_on.isoformat(),
        }
        paid_months = int(random_() * (2 if arrears else 4))
        for back in range(paid_months):
            month = month_texts[-1 - back]
            paid_on = f"{month}-{10 + int(random_() * 15):02d}"
            mode = PAY_MODES[int(random_() * len(PAY_MODES))]
            stamp = paid_on.replace("-", "")
            receipt = (
                f"{discom}-ONL-{stamp}-{int(random_() * 1_000_000):06d}"
                if mode == "online"
                else f"CSC-{district[:3].upper()}-{1 + int(random_() * 40):04d}-{stamp}-"
                f"{1 + int(random_() * 300):05d}"
            )
            amount = max(100, int(current * (0.9 + random_() * 0.2)))
            recent.append(
                {"receipt_no": receipt, "paid_on": paid_on, "amount_paise": amount, "mode": mode}
            )

    return {
        "consumer": {
            "account_no": account_no,
            "discom": discom,
            "name": name,
            "name_hi": name_hi,
            "address": address,
            "mobile": mobile,
            "category": category,
            "load_kw": load,
            "meter_type": "prepaid" if prepaid else "postpaid",
            "division": division,
            "status": status,
        },
        "bill": bill_record,
        "consumption": consumption,
        "recent_payments": recent,
        "prepaid_balance_paise": balance,
        "updated_at": updated_at,
    }


def generate_snapshots(
    count: int, *, seed: int = 2025, now: datetime, discoms: Sequence[str] | None = None
) -> Iterator[ConsumerSnapshot]:
    """Demo consumers as validated :class:`ConsumerSnapshot` models (same seed, same data)."""
    validate = ConsumerSnapshot.model_validate
    for record in generate_records(count, seed=seed, now=now, discoms=discoms):
        yield validate(record)


def seed_database(
    db: CentralDB | Path,
    count: int,
    seed: int,
    now: datetime,
    *,
    discoms: Sequence[str] | None = None,
    chunk: int = 20_000,
) -> int:
    """Add ``count`` demo consumers to the central's database in bulk; returns the count."""
    central = db if isinstance(db, CentralDB) else CentralDB(Path(db))
    records = generate_records(count, seed=seed, now=now, discoms=discoms)
    return central.bulk_load(iter(lambda: list(islice(records, chunk)), []))
