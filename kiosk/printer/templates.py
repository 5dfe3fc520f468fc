"""Each printed slip as a ``Layout``: bilingual when Hindi can be shaped, English otherwise.

Every amount is shown in figures and in words; every slip about money carries a
verification QR (receipt number, account, amount, date-time) so an office can check a
receipt a consumer brings back without trusting the paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from kiosk.domain.errors import InvalidInput
from kiosk.domain.ids import Discom
from kiosk.domain.money import (
    amount_in_words_en,
    amount_in_words_hi,
    format_inr,
    format_rupees_ascii,
    to_decimal,
)
from kiosk.domain.upi import build_upi_link
from kiosk.printer.documents import (
    BillEstimateDoc,
    CancellationDoc,
    ComplaintDoc,
    ConnectionDoc,
    Document,
    EstimateLine,
    InstalmentPlan,
    PaymentDoc,
    PrinterTestDoc,
    ReadingDoc,
    RechargeDoc,
    SchemeDoc,
    ShiftReportDoc,
)
from kiosk.printer.layout import DOTS_PER_MM, Block, Feed, Layout, Paper, Picture, QrCode, Row, Text
from kiosk.printer.layout import Rule as Line

IST = ZoneInfo("Asia/Kolkata")

MODE_NAMES = {
    "cash": ("Cash", "नकद"),
    "upi": ("UPI", "यूपीआई"),
    "cheque": ("Cheque", "चेक"),
    "card": ("Card", "कार्ड"),
}


@dataclass(frozen=True)
class SlipContext:
    """What every slip of this counter shares (from config), and the language choice."""

    counter_id: str
    counter_name: str
    header_lines: tuple[str, ...] = ()
    footer_lines: tuple[str, ...] = ()
    discoms: Mapping[str, Discom] = field(default_factory=dict)
    upi_payee_vpa: str | None = None
    upi_payee_name: str | None = None
    hindi: bool = True


@dataclass(frozen=True)
class SyncMark:
    """Whether the central has the event yet, and its reference when it has."""

    confirmed: bool
    central_ref: str | None = None


PROVISIONAL = SyncMark(confirmed=False)
DUPLICATE_MARK = ("*** DUPLICATE ***", "*** दूसरी प्रति ***")


class _Slip:
    def __init__(self, ctx: SlipContext) -> None:
        self.ctx = ctx
        self.blocks: list[Block] = []

    def label(self, en: str, hi: str) -> str:
        return f"{en} / {hi}" if self.ctx.hindi else en

    def money(self, paise: int) -> str:
        return format_inr(paise) if self.ctx.hindi else format_rupees_ascii(paise)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def row(self, en: str, hi: str, value: str, bold: bool = False, key: bool = False) -> None:
        self.add(Row(self.label(en, hi), value, bold=bold, key=key))

    def amount(self, en: str, hi: str, paise: int, key: bool = False) -> None:
        """Figures on one row, words under it (English, then Hindi)."""
        self.row(en, hi, self.money(paise), bold=True, key=key)
        self.add(Text(_capitalised(amount_in_words_en(paise))))
        if self.ctx.hindi:
            self.add(Text(amount_in_words_hi(paise)))

    def head(
        self, title_en: str, title_hi: str, discom: str | None, marks: list[tuple[str, str]]
    ) -> None:
        ctx = self.ctx
        for line in ctx.header_lines:
            self.add(Text(line, align="center"))
        self.add(Text(ctx.counter_name, align="center", bold=True))
        self.add(Text(f"Counter {ctx.counter_id}", align="center"))
        known = ctx.discoms.get(discom or "")
        if known is not None:
            self.add(Text(known.name, align="center"))
            if ctx.hindi and known.name_hi:
                self.add(Text(known.name_hi, align="center"))
        elif discom:
            self.add(Text(discom, align="center"))
        self.add(Line("="))
        self.add(Text(title_en.upper(), align="center", bold=True, large=True))
        if ctx.hindi:
            self.add(Text(title_hi, align="center", bold=True))
        for en, hi in marks:  # English in text mode, so any reader of the bytes sees it
            self.add(Text(en, align="center", bold=True))
            if self.ctx.hindi:
                self.add(Text(hi, align="center", bold=True))
        self.add(Line())

    def sync_marks(self, sync: SyncMark, duplicate: bool) -> list[tuple[str, str]]:
        marks = []
        if duplicate:
            marks.append(DUPLICATE_MARK)
        if not sync.confirmed:
            marks.append(("PROVISIONAL (offline)", "अनंतिम (ऑफ़लाइन)"))
        return marks

    def receipt_head(
        self,
        titles: tuple[str, str],
        doc: PaymentDoc | CancellationDoc | RechargeDoc,
        sync: SyncMark,
        duplicate: bool,
        date_label: tuple[str, str] = ("Date", "दिनांक"),
    ) -> None:
        """Title and marks, then what identifies the money: receipt, when, whose account."""
        self.head(*titles, doc.discom, self.sync_marks(sync, duplicate))
        self.row("Receipt no", "रसीद सं.", doc.receipt_no, key=True)
        self.row(*date_label, _when(doc.recorded_at))
        self.row("Account", "खाता सं.", _account(doc.discom, doc.account_no), key=True)

    def sync_row(self, sync: SyncMark) -> None:
        if sync.confirmed:
            self.row("Central ref", "केंद्रीय सं.", sync.central_ref or "confirmed")
        else:
            self.add(
                Text(
                    self.label(
                        "Not yet confirmed by the central system.",
                        "केंद्रीय प्रणाली से पुष्टि बाकी है।",
                    )
                )
            )

    def foot(self) -> Layout:
        self.add(Line())
        for line in self.ctx.footer_lines:
            self.add(Text(line, align="center"))
        self.add(Text(self.label("Thank you", "धन्यवाद"), align="center"))
        return Layout(tuple(self.blocks))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _when(moment: datetime) -> str:
    return moment.astimezone(IST).strftime("%d-%m-%Y %H:%M IST")


def _account(discom: str, account_no: str | None) -> str:
    return f"{discom} {account_no}" if account_no else discom


def verification_payload(
    receipt_no: str, discom: str, account_no: str, paise: int, at: datetime
) -> str:
    """Compact text an office scanner reads: receipt, account, amount, date-time (IST)."""
    moment = at.astimezone(IST).strftime("%Y-%m-%dT%H:%M%z")
    return f"RCPT:{receipt_no};ACC:{discom}-{account_no};AMT:{to_decimal(paise):.2f};DT:{moment}"


def _verification(
    slip: _Slip, receipt_no: str, discom: str, account_no: str, paise: int, at: datetime
) -> None:
    slip.add(
        QrCode(
            verification_payload(receipt_no, discom, account_no, paise, at),
            beside=(slip.label("Verify", "सत्यापन"), receipt_no[-14:], slip.money(paise)),
            min_mm=18,
        )
    )


def _consumer(slip: _Slip, name: str, name_hi: str) -> None:
    if name:
        slip.row("Name", "नाम", name)
    if slip.ctx.hindi and name_hi:
        slip.add(Text(name_hi, align="right"))


def payment_receipt(
    doc: PaymentDoc, ctx: SlipContext, *, sync: SyncMark = PROVISIONAL, duplicate: bool = False
) -> Layout:
    slip = _Slip(ctx)
    titles = {
        "bill": ("Payment receipt", "बिजली बिल भुगतान रसीद"),
        "scheme_fee": ("Scheme fee receipt", "योजना पंजीकरण शुल्क रसीद"),
        "recharge": ("Recharge payment", "रिचार्ज भुगतान रसीद"),
    }[doc.purpose]
    slip.receipt_head(titles, doc, sync, duplicate)
    _consumer(slip, doc.consumer_name, doc.consumer_name_hi)
    if doc.bill_month:
        slip.row("Bill month", "बिल माह", doc.bill_month)
    slip.add(Line())
    slip.amount("Amount", "राशि", doc.amount_paise, key=True)
    en, hi = MODE_NAMES[doc.mode]
    slip.row("Mode", "माध्यम", slip.label(en, hi) if ctx.hindi else en)
    if doc.mode == "cash" and doc.tendered_paise is not None:
        slip.row("Tendered", "प्राप्त", slip.money(doc.tendered_paise))
        slip.row("Change", "वापसी", slip.money(doc.change_paise))
    elif doc.mode == "upi" and doc.reference:
        slip.row("UTR", "यूटीआर", doc.reference, key=True)
    elif doc.mode == "cheque":
        slip.row("Cheque no", "चेक सं.", doc.reference or "", key=True)
        if doc.cheque_bank:
            slip.row("Bank", "बैंक", doc.cheque_bank)
        if doc.cheque_date:
            slip.row("Cheque date", "चेक दिनांक", doc.cheque_date.strftime("%d-%m-%Y"))
    elif doc.mode == "card" and doc.reference:
        slip.row("Card ref", "कार्ड संदर्भ", doc.reference)
    slip.row("Operator", "संचालक", doc.operator_id)
    slip.sync_row(sync)
    if doc.balance_due_paise is not None:
        slip.amount("Balance due", "शेष देय", doc.balance_due_paise)
    slip.add(Feed())
    _verification(
        slip, doc.receipt_no, doc.discom, doc.account_no, doc.amount_paise, doc.recorded_at
    )
    if doc.balance_due_paise and ctx.upi_payee_vpa and ctx.upi_payee_name:
        link = upi_link_or_none(ctx, doc.balance_due_paise, f"{doc.receipt_no}-B", doc.account_no)
        if link:
            slip.add(Text(slip.label("Pay the balance by UPI", "शेष राशि यूपीआई से"), bold=True))
            slip.add(QrCode(link, beside=(slip.money(doc.balance_due_paise), ctx.upi_payee_name)))
    return slip.foot()


def upi_link_or_none(ctx: SlipContext, paise: int, reference: str, account_no: str) -> str | None:
    try:
        return build_upi_link(
            payee_vpa=ctx.upi_payee_vpa or "",
            payee_name=ctx.upi_payee_name or "",
            amount_paise=paise,
            reference=reference,
            note=f"Electricity {account_no}",
        )
    except InvalidInput:  # no usable payee configured: the slip simply has no UPI QR
        return None


def upi_request(
    ctx: SlipContext, *, paise: int, reference: str, discom: str, account_no: str
) -> Layout:
    """The slip a consumer scans before paying by UPI; raises when no payee is configured."""
    link = build_upi_link(
        payee_vpa=ctx.upi_payee_vpa or "",
        payee_name=ctx.upi_payee_name or "",
        amount_paise=paise,
        reference=reference,
        note=f"Electricity {account_no}",
    )
    slip = _Slip(ctx)
    slip.head("Pay by UPI", "यूपीआई से भुगतान", discom, [])
    slip.row("Account", "खाता सं.", _account(discom, account_no))
    slip.amount("Amount", "राशि", paise)
    slip.add(
        QrCode(
            link,
            beside=(
                slip.label("Scan to pay", "स्कैन करें"),
                slip.money(paise),
                ctx.upi_payee_name or "",
            ),
        )
    )
    slip.add(Text(slip.label("Show the UTR to the operator.", "यूटीआर संचालक को दिखाएँ।")))
    return slip.foot()


def cancellation_slip(
    doc: CancellationDoc, ctx: SlipContext, *, sync: SyncMark = PROVISIONAL, duplicate: bool = False
) -> Layout:
    slip = _Slip(ctx)
    titles = ("Receipt cancelled", "रसीद निरस्त")
    slip.receipt_head(titles, doc, sync, duplicate, ("Paid on", "भुगतान दिनांक"))
    slip.amount("Amount cancelled", "निरस्त राशि", doc.amount_paise, key=True)
    slip.row("Mode", "माध्यम", MODE_NAMES.get(doc.mode, (doc.mode, ""))[0])
    slip.row("Cancelled on", "निरस्त दिनांक", _when(doc.cancelled_at))
    slip.row("Supervisor", "पर्यवेक्षक", doc.cancelled_by)
    slip.add(Text(slip.label("Reason", "कारण") + ": " + doc.reason))
    slip.sync_row(sync)
    _verification(
        slip, doc.receipt_no, doc.discom, doc.account_no, doc.amount_paise, doc.cancelled_at
    )
    return slip.foot()


def complaint_ack(
    doc: ComplaintDoc, ctx: SlipContext, *, sync: SyncMark = PROVISIONAL, duplicate: bool = False
) -> Layout:
    slip = _Slip(ctx)
    slip.head("Complaint registered", "शिकायत दर्ज", doc.discom, slip.sync_marks(sync, duplicate))
    slip.row("Counter no", "काउंटर सं.", doc.local_no, key=True)
    if sync.confirmed and sync.central_ref:
        slip.row("Complaint no", "शिकायत सं.", sync.central_ref, bold=True, key=True)
    slip.row("Date", "दिनांक", _when(doc.recorded_at))
    if doc.account_no:
        slip.row("Account", "खाता सं.", _account(doc.discom, doc.account_no), key=True)
    category = COMPLAINT_CATEGORIES.get(doc.category) or (doc.category.replace("_", " "),) * 2
    _words_row(slip, "Category", "श्रेणी", category, key=True)
    slip.row("Mobile", "मोबाइल", doc.mobile_masked)
    slip.add(Text(doc.description[:200]))
    slip.row("Operator", "संचालक", doc.operator_id)
    if not sync.confirmed:
        slip.add(
            Text(
                slip.label(
                    "Quote the counter number until the complaint number is issued.",
                    "शिकायत सं. मिलने तक काउंटर सं. बताएँ।",
                )
            )
        )
    slip.add(Text(slip.label("Helpline 1912", "हेल्पलाइन 1912"), align="center", bold=True))
    return slip.foot()


CONNECTION_CATEGORIES = {
    "lmv1-rural": ("LMV-1 domestic, rural", "एलएमवी-1 घरेलू, ग्रामीण"),
    "lmv1-urban": ("LMV-1 domestic, urban", "एलएमवी-1 घरेलू, शहरी"),
    "lmv1-bpl": ("LMV-1 domestic, BPL", "एलएमवी-1 घरेलू, बीपीएल"),
    "lmv2-rural": ("LMV-2 non-domestic, rural", "एलएमवी-2 गैर-घरेलू, ग्रामीण"),
    "lmv2-urban": ("LMV-2 non-domestic, urban", "एलएमवी-2 गैर-घरेलू, शहरी"),
}
ID_PROOFS = {
    "aadhaar": ("Aadhaar", "आधार"),
    "voter_id": ("Voter ID", "मतदाता पहचान पत्र"),
    "driving_licence": ("Driving licence", "ड्राइविंग लाइसेंस"),
}


def _mask_tail(value: str) -> str:
    """Only the last four characters of an ID on paper (Aadhaar is stored masked already)."""
    if value.startswith("XXXX"):
        return value
    return "X" * max(0, len(value) - 4) + value[-4:]


def reading_ack(
    doc: ReadingDoc, ctx: SlipContext, *, sync: SyncMark = PROVISIONAL, duplicate: bool = False
) -> Layout:
    """What the consumer keeps after handing in a self reading (UPAY-style)."""
    slip = _Slip(ctx)
    slip.head(
        "Meter reading received", "मीटर रीडिंग प्राप्त", doc.discom, slip.sync_marks(sync, duplicate)
    )
    slip.row("Counter no", "काउंटर सं.", doc.local_no, key=True)
    slip.row("Date", "दिनांक", _when(doc.recorded_at))
    slip.row("Account", "खाता सं.", _account(doc.discom, doc.account_no), key=True)
    _consumer(slip, doc.consumer_name, doc.consumer_name_hi)
    slip.add(Line())
    slip.row("Reading", "रीडिंग", f"{doc.reading_kwh} kWh", bold=True, key=True)
    slip.row("Read on", "रीडिंग तिथि", doc.read_on.strftime("%d-%m-%Y"), key=True)
    if doc.previous_kwh is not None:
        slip.row("Last reading", "पिछली रीडिंग", f"{doc.previous_kwh} kWh")
    if doc.meter_change:
        slip.add(Text(slip.label("Meter changed: new meter", "मीटर बदला गया: नया मीटर"), bold=True))
    if doc.photo_attached:
        slip.row("Meter photo", "मीटर फ़ोटो", slip.label("attached", "संलग्न"))
    slip.row("Operator", "संचालक", doc.operator_id)
    slip.sync_row(sync)
    slip.add(
        Text(
            slip.label(
                "The office checks the reading before a bill is made from it.",
                "बिल बनने से पहले कार्यालय रीडिंग की जाँच करेगा।",
            )
        )
    )
    return slip.foot()


def connection_ack(
    doc: ConnectionDoc, ctx: SlipContext, *, sync: SyncMark = PROVISIONAL, duplicate: bool = False
) -> Layout:
    """The applicant's acknowledgement: the number to quote, and what was applied for."""
    slip = _Slip(ctx)
    slip.head(
        "New connection application",
        "नए बिजली कनेक्शन का आवेदन",
        None,
        slip.sync_marks(sync, duplicate),
    )
    slip.row("Counter no", "काउंटर सं.", doc.local_no, key=True)
    if sync.confirmed and sync.central_ref:
        slip.row("Application no", "आवेदन सं.", sync.central_ref, bold=True, key=True)
    slip.row("Date", "दिनांक", _when(doc.recorded_at))
    slip.row("Applicant", "आवेदक", doc.applicant_name)
    slip.add(Text(slip.label("Address", "पता") + ": " + doc.address[:200]))
    slip.row("PIN code", "पिन कोड", doc.pincode)
    en, hi = CONNECTION_CATEGORIES.get(doc.category, (doc.category, doc.category))
    slip.row("Category", "श्रेणी", slip.label(en, hi))
    slip.row("Load", "भार", f"{doc.load_kw} kW", bold=True)
    proof_en, proof_hi = ID_PROOFS.get(doc.id_proof_type, (doc.id_proof_type, doc.id_proof_type))
    slip.row("ID proof", "पहचान पत्र", slip.label(proof_en, proof_hi))
    slip.row("ID number", "पहचान सं.", _mask_tail(doc.id_proof_masked), key=True)
    slip.row("Mobile", "मोबाइल", doc.mobile_masked)
    slip.row("Operator", "संचालक", doc.operator_id)
    if not sync.confirmed:
        slip.add(
            Text(
                slip.label(
                    "Quote the counter number until the application number is issued.",
                    "आवेदन सं. मिलने तक काउंटर सं. बताएँ।",
                )
            )
        )
    slip.add(
        Text(
            slip.label(
                "The office will check the documents and the site before connecting.",
                "कनेक्शन से पहले कार्यालय दस्तावेज़ और स्थल की जाँच करेगा।",
            )
        )
    )
    return slip.foot()


COMPLAINT_CATEGORIES = {
    "no_supply": ("No supply", "बिजली नहीं आ रही"),
    "meter_fault": ("Meter fault", "मीटर ख़राब"),
    "billing": ("Wrong/excess bill", "ग़लत या ज़्यादा बिल"),
    "bill_not_received": ("Bill not received", "बिल नहीं मिला"),
    "voltage": ("Low/high voltage", "कम या ज़्यादा वोल्टेज"),
    "transformer": ("Transformer fault", "ट्रांसफ़ॉर्मर ख़राब"),
    "line_breakdown": ("Line breakdown", "लाइन टूटी"),
    "theft_report": ("Theft report", "बिजली चोरी की सूचना"),
    "disconnection_request": ("Disconnection request", "कनेक्शन काटने का अनुरोध"),
    "payment_not_credited": ("Payment not credited", "भुगतान खाते में नहीं जुड़ा"),
    "other": ("Other", "अन्य"),
}
SCHEME_CASES = {
    "normal": ("Normal", "सामान्य"),
    "never_paid": ("Never paid", "कभी भुगतान नहीं"),
    "disconnected": ("Disconnected", "कटा हुआ संयोजन"),
    "theft": ("Theft", "चोरी"),
    "rc": ("RC (recovery)", "आरसी (वसूली)"),
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_HI = (
    "जनवरी",
    "फ़रवरी",
    "मार्च",
    "अप्रैल",
    "मई",
    "जून",
    "जुलाई",
    "अगस्त",
    "सितंबर",
    "अक्टूबर",
    "नवंबर",
    "दिसंबर",
)


def _whole_rupees(paise: int) -> str:
    """``750`` or ``750.50``: a monthly amount as people say it (no ``.00``)."""
    return format_inr(paise).replace("₹", "").removesuffix(".00")


def scheme_option_words(option: str, monthly_paise: int | None) -> tuple[str, str]:
    """``Rs 750 a month`` / ``₹750 प्रति माह``, ``Lump sum`` / ``एकमुश्त``: the option
    in the words the consumer chose it by (the monthly figure from the plan itself)."""
    if option == "lump_sum":
        return "Lump sum", "एकमुश्त"
    if monthly_paise:
        amount = _whole_rupees(monthly_paise)
        return f"Rs {amount} a month", f"₹{amount} प्रति माह"
    words = option.replace("_", " ")
    return words, words


def _month_words(first: date, offset: int) -> tuple[str, str]:
    """The month ``offset`` months after ``first``: ``Jan 2026`` / ``जनवरी 2026``."""
    index = first.month - 1 + offset
    year, month = first.year + index // 12, index % 12
    return f"{MONTHS_EN[month]} {year}", f"{MONTHS_HI[month]} {year}"


def _words_row(
    slip: _Slip, en: str, hi: str, words: tuple[str, str], bold: bool = False, key: bool = False
) -> None:
    """A label and a value in words, the value's Hindi under it."""
    slip.row(en, hi, words[0], bold=bold, key=key)
    if slip.ctx.hindi and words[1] != words[0]:
        slip.add(Text(words[1], align="right"))


def scheme_ack(
    doc: SchemeDoc, ctx: SlipContext, *, sync: SyncMark = PROVISIONAL, duplicate: bool = False
) -> Layout:
    """The consumer's acknowledgement: the registration number (the central's once synced,
    the counter's marked PROVISIONAL before), the option and case in words, the money and,
    for instalments, the first and the last instalment with their months."""
    slip = _Slip(ctx)
    title_hi = doc.scheme_name_hi or "बिजली बिल राहत योजना पंजीकरण"
    slip.head("Relief scheme registration", title_hi, doc.discom, slip.sync_marks(sync, duplicate))
    slip.add(Text(doc.scheme_name, align="center"))
    if sync.confirmed and sync.central_ref:
        slip.row("Registration no", "पंजीकरण सं.", sync.central_ref, bold=True, key=True)
        slip.row("Counter ref", "काउंटर संदर्भ", doc.local_no, key=True)
    else:
        slip.row("Counter no", "काउंटर सं.", doc.local_no, bold=True, key=True)
    slip.row("Date", "दिनांक", _when(doc.recorded_at))
    slip.row("Account", "खाता सं.", _account(doc.discom, doc.account_no), key=True)
    _consumer(slip, doc.consumer_name, doc.consumer_name_hi)
    case = SCHEME_CASES.get(doc.case_type) or (doc.case_type.replace("_", " "),) * 2
    _words_row(slip, "Case", "प्रकरण", case)
    if doc.notice_no:
        slip.row("Notice no", "नोटिस सं.", doc.notice_no, key=True)
    monthly = doc.plan.monthly_paise if doc.plan is not None else None
    _words_row(slip, "Option", "विकल्प", scheme_option_words(doc.option, monthly), bold=True)
    slip.add(Line())
    if doc.case_type == "theft":
        slip.row("Revenue assessment", "राजस्व निर्धारण", slip.money(doc.principal_paise))
    else:
        slip.row("Principal dues", "मूल बकाया", slip.money(doc.principal_paise))
    slip.row("Surcharge", "सरचार्ज", slip.money(doc.surcharge_paise))
    slip.row("Surcharge waived", "सरचार्ज माफ़", slip.money(doc.waived_paise))
    slip.row("Rebate on principal", "मूल पर छूट", slip.money(doc.rebate_paise))
    if doc.compounding_fee_paise:
        slip.row("Compounding fee", "शमन शुल्क", slip.money(doc.compounding_fee_paise))
    slip.amount("Registration fee", "पंजीकरण शुल्क", doc.registration_fee_paise)
    if doc.fee_receipt_no:
        slip.row("Fee receipt", "शुल्क रसीद", doc.fee_receipt_no)
    slip.amount("Payable", "देय राशि", doc.payable_paise, key=True)
    if doc.plan is not None:
        _instalments(slip, doc.plan)
    elif doc.due_by is not None:
        slip.row("Pay by", "अंतिम तिथि", doc.due_by.strftime("%d-%m-%Y"), bold=True)
    slip.row("Operator", "संचालक", doc.operator_id)
    if not sync.confirmed:
        slip.add(
            Text(
                slip.label(
                    "Quote the counter number until the registration number is issued.",
                    "पंजीकरण सं. मिलने तक काउंटर सं. बताएँ।",
                )
            )
        )
    return slip.foot()


def _instalments(slip: _Slip, plan: InstalmentPlan) -> None:
    """How many, the first (with its month) and the last: what the consumer pays when."""
    slip.add(Line())
    slip.add(Text(slip.label("Instalment schedule", "किस्तों का ब्योरा"), bold=True))
    count = plan.count
    slip.row("Instalments", "किस्तें", str(count))
    first_paise = plan.monthly_paise if count > 1 else plan.last_paise
    if plan.first_month is not None:
        first_en, first_hi = _month_words(plan.first_month, 0)
        slip.row(f"First: {first_en}", f"पहली: {first_hi}", slip.money(first_paise))
        if count > 1:
            last_en, last_hi = _month_words(plan.first_month, count - 1)
            slip.row(f"Last: {last_en}", f"आख़िरी: {last_hi}", slip.money(plan.last_paise))
    else:
        slip.row("First instalment", "पहली किस्त", slip.money(first_paise))
        if count > 1:
            slip.row("Last instalment", "आख़िरी किस्त", slip.money(plan.last_paise))
    slip.add(
        Text(
            slip.label(
                "Each instalment is paid with that month's bill.",
                "हर किस्त उस महीने के बिल के साथ जमा करें।",
            )
        )
    )


def recharge_receipt(
    doc: RechargeDoc, ctx: SlipContext, *, sync: SyncMark = PROVISIONAL, duplicate: bool = False
) -> Layout:
    slip = _Slip(ctx)
    slip.receipt_head(("Prepaid recharge", "प्रीपेड रिचार्ज"), doc, sync, duplicate)
    if doc.consumer_name:
        slip.row("Name", "नाम", doc.consumer_name)
    if doc.meter_no:
        slip.row("Meter no", "मीटर सं.", doc.meter_no)
    slip.amount("Recharge", "रिचार्ज राशि", doc.amount_paise, key=True)
    slip.row("Mode", "माध्यम", MODE_NAMES.get(doc.mode, (doc.mode, ""))[0])
    if doc.reference:
        slip.row("Reference", "संदर्भ", doc.reference)
    slip.row("Operator", "संचालक", doc.operator_id)
    slip.sync_row(sync)
    slip.add(
        Text(
            slip.label(
                "The meter is credited when the central confirms.",
                "केंद्रीय पुष्टि के बाद मीटर में राशि जुड़ेगी।",
            )
        )
    )
    _verification(
        slip, doc.receipt_no, doc.discom, doc.account_no, doc.amount_paise, doc.recorded_at
    )
    return slip.foot()


def shift_report(doc: ShiftReportDoc, ctx: SlipContext, *, duplicate: bool = False) -> Layout:
    slip = _Slip(ctx)
    title = (
        ("X report (mid-shift)", "एक्स रिपोर्ट")
        if doc.report == "X"
        else ("Z report (shift closed)", "ज़ेड रिपोर्ट (शिफ्ट बंद)")
    )
    marks = [DUPLICATE_MARK] if duplicate else []
    slip.head(*title, None, marks)
    slip.row("Shift", "शिफ्ट", str(doc.shift_id))
    slip.row("Operator", "संचालक", doc.operator_id)
    slip.row("Opened", "आरंभ", _when(doc.opened_at))
    if doc.closed_at:
        slip.row("Closed", "समाप्त", _when(doc.closed_at))
    slip.row("Printed", "मुद्रित", _when(doc.printed_at))
    if doc.first_receipt:
        slip.row("First receipt", "पहली रसीद", doc.first_receipt)
        slip.row("Last receipt", "अंतिम रसीद", doc.last_receipt or "")
    slip.add(Line())
    total_count = sum(t.count for t in doc.totals)
    total_paise = sum(t.amount_paise for t in doc.totals)
    for t in doc.totals:
        name = MODE_NAMES.get(t.mode, (t.mode, t.mode))
        slip.add(Row(f"{slip.label(*name)} ({t.count})", slip.money(t.amount_paise)))
    slip.add(Line())
    slip.add(Row(f"{slip.label('Total', 'कुल')} ({total_count})", slip.money(total_paise), True))
    slip.add(Text(_capitalised(amount_in_words_en(total_paise))))
    if ctx.hindi:
        slip.add(Text(amount_in_words_hi(total_paise)))
    if doc.cancelled_count:
        slip.add(
            Row(
                f"{slip.label('Cancelled', 'निरस्त')} ({doc.cancelled_count})",
                slip.money(doc.cancelled_paise),
            )
        )
    slip.add(Line())
    slip.amount("Expected cash", "अपेक्षित नकद", doc.expected_cash_paise)
    if doc.report == "Z":
        if doc.counted_cash_paise is not None:
            slip.amount("Counted cash", "गिना गया नकद", doc.counted_cash_paise)
        if doc.variance_paise is not None:
            sign = "+" if doc.variance_paise > 0 else ("-" if doc.variance_paise < 0 else "")
            slip.row("Variance", "अंतर", sign + slip.money(abs(doc.variance_paise)), bold=True)
        slip.add(Feed(2))
        slip.add(Text(slip.label("Operator sign", "संचालक हस्ताक्षर") + ": ____________"))
        slip.add(Feed())
        slip.add(Text(slip.label("Supervisor sign", "पर्यवेक्षक हस्ताक्षर") + ": __________"))
    else:
        slip.add(Text(slip.label("Read-only: the shift stays open.", "शिफ्ट खुली है।")))
    return slip.foot()


ESTIMATE_MARK = ("ESTIMATE - NOT A BILL, NOT A RECEIPT", "अनुमान मात्र - यह बिल या रसीद नहीं है")
BASE_NAMES = {"energy": ("energy", "ऊर्जा"), "fixed": ("fixed", "नियत")}


def estimate_line_hi(line: EstimateLine) -> str:
    """A calculator line's words in Hindi (the figures stay as the calculator wrote them)."""
    if line.kind == "energy" and line.slab_from is not None:
        if line.slab_to is None:
            return f"ऊर्जा प्रभार {line.slab_from - 1} यूनिट से ऊपर"
        return f"ऊर्जा प्रभार {line.slab_from}-{line.slab_to} यूनिट"
    if line.kind == "fixed":
        return "नियत प्रभार"
    if line.kind == "duty":
        return "विद्युत शुल्क"
    if line.kind == "fppas":
        month = line.label.removeprefix("FPPAS").strip()
        return f"ईंधन अधिभार (FPPAS) {month}".rstrip()
    return line.label


def _estimate_detail(line: EstimateLine) -> str:
    """``100 kWh x Rs 5.50/kWh`` or ``5% x Rs. 2,050.00 (energy)``: plain ASCII, so the
    figures print as text whatever the language."""
    if line.base_paise is not None:
        parts = " + ".join(BASE_NAMES.get(part, (part, part))[0] for part in line.applies_to)
        return f"{line.rate} x {format_rupees_ascii(line.base_paise)} ({parts})"
    return f"{line.quantity} x {line.rate}"


def bill_estimate(doc: BillEstimateDoc, ctx: SlipContext) -> Layout:
    """The calculator's breakdown on paper, said to be an estimate at the top and bottom.

    Each line's English words and amount print as text (any reader of the bytes sees the
    figures), its Hindi words under them, then how it was worked out.
    """
    slip = _Slip(ctx)
    slip.head("Bill estimate", "बिल का अनुमान", doc.discom, [ESTIMATE_MARK])
    slip.row("Worked out", "गणना", _when(doc.printed_at))
    if doc.account_no:
        slip.row("Account", "खाता सं.", _account(doc.discom or "", doc.account_no), key=True)
    if doc.consumer_name:
        slip.row("Name", "नाम", doc.consumer_name)
    slip.row("Category", "श्रेणी", doc.category)
    slip.add(Text(doc.category_label, align="right"))
    if ctx.hindi and doc.category_label_hi:
        slip.add(Text(doc.category_label_hi, align="right"))
    slip.row("Load", "भार", f"{doc.load_kw} kW")
    slip.row("Units", "यूनिट", f"{doc.units} kWh", key=True)
    slip.row("Month (FPPAS)", "माह (FPPAS)", doc.month)
    slip.add(Line())
    for line in doc.lines:
        slip.add(Row(line.label, format_rupees_ascii(line.amount_paise), bold=True))
        if ctx.hindi:
            slip.add(Text(estimate_line_hi(line)))
        slip.add(Text("  " + _estimate_detail(line)))
    slip.add(Line("="))
    slip.amount("Estimated total", "अनुमानित कुल", doc.total_paise, key=True)
    slip.add(Line())
    slip.add(Text(doc.tariff_name))
    for note in doc.notes:
        slip.add(Text(f"* {note}"))
    slip.row("Operator", "संचालक", doc.operator_id)
    slip.add(Text(ESTIMATE_MARK[0], align="center", bold=True))
    slip.add(
        Text(
            slip.label(
                "Arrears, surcharge and adjustments are not included. "
                "The amount payable is the one on the discom's bill.",
                "बकाया, सरचार्ज व समायोजन इसमें शामिल नहीं हैं। देय राशि वही है जो डिस्कॉम के बिल में है।",
            )
        )
    )
    # Not slip.foot(): the counter's footer lines are written for receipts ("keep this
    # receipt"), which this is not.
    slip.add(Line())
    slip.add(Text(slip.label("Thank you", "धन्यवाद"), align="center"))
    return Layout(tuple(slip.blocks))


def width_ruler(paper: Paper) -> Image.Image:
    """Ticks every millimetre, longer every 5 and 10, across the whole printable width."""
    image = Image.new("1", (paper.dots, 40), 1)
    canvas = ImageDraw.Draw(image)
    canvas.line([(0, 0), (paper.dots - 1, 0)], fill=0)
    for mm in range(paper.dots // DOTS_PER_MM + 1):
        x = min(mm * DOTS_PER_MM, paper.dots - 1)
        length = 30 if mm % 10 == 0 else 18 if mm % 5 == 0 else 8
        canvas.line([(x, 0), (x, length)], fill=0)
    canvas.line([(paper.dots - 1, 0), (paper.dots - 1, 39)], fill=0)
    return image


def printer_test_page(doc: PrinterTestDoc, ctx: SlipContext, paper: Paper) -> Layout:
    slip = _Slip(ctx)
    slip.head("Printer test", "प्रिंटर परीक्षण", None, [])
    slip.row("Printer", "प्रिंटर", doc.printer)
    slip.row("Paper", "कागज़", f"{paper.mm} mm, {paper.dots} dots, {paper.columns} columns")
    slip.row("Printed", "मुद्रित", _when(doc.printed_at))
    slip.add(Text("English: The quick brown fox jumps over the lazy dog 0123456789"))
    if ctx.hindi:
        slip.add(Text("हिंदी: बिजली बिल भुगतान रसीद क्रमांक, श्री, क्षेत्र, द्वितीय"))
    slip.row("Rupee sign", "रुपया चिह्न", slip.money(123456750))
    slip.add(Text("".join(str(i % 10) for i in range(1, paper.columns + 1))))
    slip.add(Picture(width_ruler(paper)))
    slip.add(Text(f"^ {paper.dots // DOTS_PER_MM} mm ruler: every tick 1 mm", align="center"))
    slip.add(
        QrCode(
            f"KIOSK-TEST:{ctx.counter_id}:{paper.mm}mm",
            beside=(slip.label("Scan test", "स्कैन परीक्षण"), ctx.counter_id),
        )
    )
    return slip.foot()


def layout_for(
    doc: Document, ctx: SlipContext, paper: Paper, *, sync: SyncMark, duplicate: bool
) -> Layout:
    """The template for a document of any kind."""
    match doc:
        case PaymentDoc():
            return payment_receipt(doc, ctx, sync=sync, duplicate=duplicate)
        case CancellationDoc():
            return cancellation_slip(doc, ctx, sync=sync, duplicate=duplicate)
        case ComplaintDoc():
            return complaint_ack(doc, ctx, sync=sync, duplicate=duplicate)
        case ReadingDoc():
            return reading_ack(doc, ctx, sync=sync, duplicate=duplicate)
        case ConnectionDoc():
            return connection_ack(doc, ctx, sync=sync, duplicate=duplicate)
        case SchemeDoc():
            return scheme_ack(doc, ctx, sync=sync, duplicate=duplicate)
        case RechargeDoc():
            return recharge_receipt(doc, ctx, sync=sync, duplicate=duplicate)
        case ShiftReportDoc():
            return shift_report(doc, ctx, duplicate=duplicate)
        case PrinterTestDoc():
            return printer_test_page(doc, ctx, paper)
        case BillEstimateDoc():
            return bill_estimate(doc, ctx)
    raise TypeError(f"no template for {type(doc).__name__}")
