"""The consumer card: who the consumer is, what the bill says, what is still to pay.

Each part is one line (or a short block) of "label: value" text rather than a table: in
Hindi the labels are Devanagari, whose width terminals and Rich disagree on, so nothing
is aligned in columns around them. Every word comes from the catalogue and is redrawn
on a language switch; the figures come from a :class:`Lookup` and the counter's own
records (:class:`CardDetails`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from kiosk.domain.money import format_inr
from kiosk.services.consumer_card import CardDetails, PaymentLine, ReliefHint
from kiosk.services.counter import IST
from kiosk.services.lookup import Lookup
from kiosk.widgets.consumption_chart import ConsumptionChart
from kiosk.widgets.text import Plain, TLabel, tr

Translate = Callable[..., str]

# The card's lines, top to bottom (widget ids are "card-<part>").
PARTS = (
    "name",
    "account",
    "address",
    "category",
    "connection",
    "bill",
    "due",
    "dues",
    "outstanding",
    "prepaid",
    "freshness",
    "relief",
    "payments",
)


def age_words(age: timedelta, t: Translate) -> str:
    """``3 hours``, ``1 day``, ``less than a minute``, in the screen's language."""
    seconds = max(0, int(age.total_seconds()))
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            return t(f"consumer.age_{unit}{'' if n == 1 else 's'}", n=n)
    return t("consumer.age_moment")


def freshness(lookup: Lookup, now: datetime, t: Translate) -> Text:
    """Live, or how old the cached copy is (a stale copy stands out)."""
    if lookup.source == "central":
        return Text(t("consumer.live"), style="green")
    when = f"{lookup.as_of.astimezone(IST):%d.%m.%Y %H:%M}"
    age = lookup.age(now)
    style = "bold black on yellow" if age >= timedelta(days=1) else "yellow"
    return Text(t("consumer.as_of", when=when, age=age_words(age, t)), style=style)


def month_name(day: date, t: Translate) -> str:
    return f"{t(f'consumer.month_{day.month}')} {day.year}"


def _kw(load: Decimal) -> str:
    return f"{load.normalize():f}"


def _join(t: Translate, *pieces: str) -> str:
    return t("consumer.separator").join(p for p in pieces if p)


def card_texts(
    lookup: Lookup, details: CardDetails | None, today: date, now: datetime, t: Translate
) -> dict[str, Text]:
    """The text of every part of the card (empty parts are hidden)."""
    snap = lookup.snapshot
    c, bill = snap.consumer, snap.bill
    texts: dict[str, Text] = {}

    name = Text(c.name, style="bold")
    if c.name_hi and c.name_hi != c.name:
        name.append(f"  {c.name_hi}", style="bold")
    if c.meter_type == "prepaid":
        name.append("  ")
        name.append(f" {t('consumer.prepaid_badge')} ", style="bold white on blue")
    if c.status != "active":
        name.append("  ")
        name.append(f" {t(f'consumer.status_{c.status}')} ", style="bold white on red")
    texts["name"] = name

    account = t("consumer.account", discom=c.discom, account=c.account_no)
    division = t("consumer.division", division=c.division) if c.division else ""
    texts["account"] = Text(_join(t, account, division))
    texts["address"] = Text(t("consumer.address", address=c.address))
    category = t(f"consumer.category_{c.category.replace('-', '_')}")
    texts["category"] = Text(t("consumer.category", category=category))
    texts["connection"] = Text(
        _join(
            t,
            t("consumer.load", load=_kw(c.load_kw)),
            t("consumer.meter", meter=t(f"consumer.meter_{c.meter_type}")),
        )
    )

    outstanding = details.outstanding_paise if details else lookup.outstanding_paise
    if bill is None:
        texts["bill"] = Text(t("consumer.no_bill"), style="dim")
        texts["due"] = Text("")
        texts["dues"] = Text("")
    else:
        texts["bill"] = Text(
            _join(
                t,
                t("consumer.bill", month=month_name(bill.month, t), bill_no=bill.bill_no),
                t("consumer.units", units=bill.units),
            )
        )
        due = Text(t("consumer.due_on", date=f"{bill.due_on:%d.%m.%Y}"), style="bold")
        if today > bill.due_on and outstanding > 0:
            due.append("  ")
            due.append(f" {t('consumer.overdue')} ", style="bold white on red")
        texts["due"] = due
        dues = Text()
        pieces = [
            ("consumer.current", bill.current_paise, ""),
            ("consumer.arrears", bill.arrears_paise, "bold" if bill.arrears_paise else ""),
            ("consumer.surcharge", bill.surcharge_paise, ""),
            ("consumer.total", bill.due_paise, "bold"),
        ]
        for index, (key, amount, style) in enumerate(pieces):
            if index:
                dues.append("\n")
            dues.append(t(key, amount=format_inr(amount)), style=style)
        texts["dues"] = dues
    if bill is not None or outstanding:
        if outstanding > 0:
            texts["outstanding"] = Text(
                t("consumer.outstanding", amount=format_inr(outstanding)), style="bold reverse"
            )
        else:
            texts["outstanding"] = Text(t("consumer.paid_up"), style="bold green")
    else:
        texts["outstanding"] = Text("")
    if c.meter_type == "prepaid":
        balance = snap.prepaid_balance_paise
        words = (
            t("consumer.prepaid_balance", amount=_signed_inr(balance))
            if balance is not None
            else t("consumer.prepaid_no_balance")
        )
        style = "bold white on red" if balance is not None and balance < 0 else "bold"
        texts["prepaid"] = Text(words, style=style)
    else:
        texts["prepaid"] = Text("")
    texts["freshness"] = freshness(lookup, now, t)
    texts["relief"] = relief_text(details.relief, t) if details else Text("")
    texts["payments"] = payments_text(details.payments, t) if details else Text("")
    return texts


def _signed_inr(paise: int) -> str:
    return f"-{format_inr(-paise)}" if paise < 0 else format_inr(paise)


def relief_text(hint: ReliefHint | None, t: Translate) -> Text:
    """``Relief scheme: eligible (phase 2, until 31.01.2026)`` or the first reason not,
    with ``+2 more (S)`` when the scheme screen lists more: one line, not a list."""
    if hint is None:
        return Text("")
    reason = t(f"consumer.relief_{hint.reason}", **hint.values)
    if hint.more:
        reason = f"{reason} {t('consumer.relief_more', n=hint.more)}"
    return Text(t("consumer.relief", hint=reason), style="green" if hint.eligible else "")


def payment_line(line: PaymentLine, t: Translate) -> str:
    where = t("consumer.paid_here") if line.here else ""
    purpose = "" if line.purpose == "bill" else t(f"consumer.purpose_{line.purpose}")
    return _join(
        t,
        f"{line.paid_on:%d.%m.%Y}",
        format_inr(line.amount_paise),
        t(f"consumer.mode_{line.mode}"),
        purpose,
        line.receipt_no,
        where,
    )


def payments_text(lines: tuple[PaymentLine, ...], t: Translate) -> Text:
    text = Text(t("consumer.payments_title"), style="bold")
    if not lines:
        text.append("\n" + t("consumer.no_payments"), style="dim")
    for line in lines:
        text.append("\n" + payment_line(line, t))
    return text


class ConsumerCard(Vertical):
    """The card for one lookup; :meth:`show_details` fills in the counter's own records."""

    DEFAULT_CSS = """
    ConsumerCard {
        height: auto;
    }
    ConsumerCard .card-columns {
        height: auto;
    }
    ConsumerCard .card-main {
        width: 2fr;
        height: auto;
        padding: 0 1;
    }
    ConsumerCard .card-side {
        width: 1fr;
        min-width: 30;
        height: auto;
        padding: 0 1;
        border-left: solid $secondary;
    }
    ConsumerCard .card-line {
        height: auto;
    }
    ConsumerCard .card-gap {
        margin-top: 1;
    }
    ConsumerCard .-empty {
        display: none;
    }
    """

    def __init__(self, lookup: Lookup, *, now: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lookup = lookup
        self.details: CardDetails | None = None
        self._now = now

    def compose(self) -> ComposeResult:
        gaps = {"bill", "outstanding", "freshness", "payments"}
        with Horizontal(classes="card-columns"):
            with Vertical(classes="card-main"):
                for part in PARTS:
                    classes = "card-line card-gap" if part in gaps else "card-line"
                    yield Plain(id=f"card-{part}", classes=classes)
            with Vertical(classes="card-side"):
                yield TLabel("consumer.consumption_title", classes="card-line")
                yield ConsumptionChart(self.lookup.snapshot.consumption, id="card-consumption")

    def on_mount(self) -> None:
        self.localise()

    def show_details(self, details: CardDetails) -> None:
        self.details = details
        self.localise()

    def texts(self) -> dict[str, Text]:
        now = self._now()
        today = now.astimezone(IST).date()
        return card_texts(self.lookup, self.details, today, now, lambda k, **v: tr(self, k, **v))

    def localise(self) -> None:
        for part, text in self.texts().items():
            line = self.query_one(f"#card-{part}", Static)
            line.update(text)
            line.set_class(not text.plain, "-empty")

    @property
    def text(self) -> str:
        """Everything the card says, as plain text (for tests and the screen reader)."""
        return "\n".join(t.plain for t in self.texts().values() if t.plain)
