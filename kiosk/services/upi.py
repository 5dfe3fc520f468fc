"""UPI at the counter: a dynamic QR for one payment, and the central's word that it was paid.

The operator shows (and prints) the QR of :func:`upi_request`; the consumer pays with any
UPI app; then either the operator types the 12-digit UTR the consumer's app shows, or
:func:`upi_confirmation` gets it from the central when the counter is online. Either way
the payment is then recorded with ``record_payment(..., mode="upi", utr=...)``.

Neither function needs the network: offline, or when the central does not answer, the QR
still works and the operator types the UTR.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.errors import InvalidInput
from kiosk.domain.ids import validate_utr
from kiosk.domain.upi import MAX_REFERENCE, build_upi_link
from kiosk.services.central_client import CentralClient, CentralUnavailable
from kiosk.services.counter import Counter
from kiosk.services.errors import ServiceError
from kiosk.services.recording import allocate
from kiosk.store.db import transaction

NO_PAYEE = "UPI payee is not set in the config (upi.payee_vpa)"
# Crockford's base 32: no I, L, O or U to misread when a reference is read out.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MAX_RANDOM = 6


@dataclass(frozen=True)
class UpiRequest:
    """One dynamic QR: the ``upi://pay`` link and what it asks for.

    ``registered`` says the central knows the reference, so :func:`upi_confirmation` can
    be asked; without it the operator types the UTR.
    """

    link: str
    reference: str
    amount_paise: int
    payee_vpa: str
    payee_name: str
    registered: bool = False


def upi_request(
    counter: Counter,
    discom: str,
    account_no: str,
    amount_paise: int,
    *,
    central: CentralClient | None = None,
) -> UpiRequest:
    """The QR for one UPI payment of ``amount_paise`` by this consumer.

    The reference (the link's ``tr``) is ``{counter_id}-{YYMMDD}-{seq:04d}-{random}``: the
    counter's own daily sequence makes it unique here, the random tail keeps it unique
    should the counter's database ever start again. Raises ServiceError when no payee is
    configured and InvalidInput for a bad discom, account or amount (nothing written then).
    When ``central`` is given and the counter is online the request is registered there;
    a failure to register is not an error.
    """
    settings = counter.settings.upi
    if not settings.payee_vpa or not settings.payee_name:
        raise ServiceError(NO_PAYEE)
    discom, account_no = counter.check_account(discom, account_no)
    day = counter.today()
    with transaction(counter.conn):
        # A refused link (bad amount) rolls the number back: nothing is written.
        seq = allocate(counter, day, "upi")
        reference = _reference(counter, f"{counter.counter_id}-{day:%y%m%d}-{seq:04d}")
        link = build_upi_link(
            payee_vpa=settings.payee_vpa,
            payee_name=settings.payee_name,
            amount_paise=amount_paise,
            reference=reference,
            note=f"Electricity bill {discom} {account_no}",
        )
    registered = False
    if central is not None and counter.is_online():
        try:
            central.register_upi_intent(reference, discom, account_no, amount_paise)
        except CentralUnavailable:
            pass
        else:
            registered = True
    return UpiRequest(
        link=link,
        reference=reference,
        amount_paise=amount_paise,
        payee_vpa=settings.payee_vpa,
        payee_name=" ".join(settings.payee_name.split()),
        registered=registered,
    )


def upi_confirmation(
    counter: Counter, reference: str, *, central: CentralClient | None = None
) -> str | None:
    """The UTR when the central says this counter's request ``reference`` was paid.

    None while it is pending, when the central does not know it, and whenever the counter
    is offline or the central does not answer: never raises for network trouble.
    """
    if central is None or not counter.is_online():
        return None
    try:
        intent = central.upi_intent(reference)
    except CentralUnavailable:
        return None
    if intent is None or intent.get("reference") != reference or intent["status"] != "paid":
        return None
    utr = intent.get("utr")
    try:
        return validate_utr(utr) if isinstance(utr, str) else None
    except InvalidInput:
        return None


def _reference(counter: Counter, prefix: str) -> str:
    room = min(_MAX_RANDOM, MAX_REFERENCE - len(prefix) - 1)
    if room < 1:
        return prefix  # over 9,999 QR codes in a day on a counter with a 20-character id
    tail = "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in counter.entropy(room))
    return f"{prefix}-{tail}"
