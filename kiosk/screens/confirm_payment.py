"""The last look before money is saved, and the warning for a second payment today.

Both are typed modals (``ModalScreen[bool]``): the payment screen pushes one with a
callback and learns True (go on) or False (back to edit). The second-payment warning takes
only an explicit Y: an operator who presses Enter twice out of habit must not collect the
same bill twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.domain.money import amount_in_words_en, amount_in_words_hi, format_inr
from kiosk.screens.confirm_y import YesOnlyDialog
from kiosk.widgets.text import Plain, TLabel, tr

_REFERENCE_LABELS = {
    "upi": "pay_confirm.utr_label",
    "cheque": "pay_confirm.cheque_label",
    "card": "pay_confirm.card_label",
}


@dataclass(frozen=True, slots=True)
class PaymentSummary:
    """What the operator checks before Enter: who, how much, how."""

    name: str
    name_hi: str
    discom: str
    account_no: str
    amount_paise: int
    mode: str
    reference: str | None = None
    tendered_paise: int | None = None
    purpose_key: str = ""  # what the money is for, when it is not the bill

    @property
    def change_paise(self) -> int:
        if self.mode != "cash" or self.tendered_paise is None:
            return 0
        return max(0, self.tendered_paise - self.amount_paise)


def amount_in_words(amount: int, language: str) -> str:
    """The amount in words in the screen's language (first letter capitalised)."""
    words = amount_in_words_hi(amount) if language == "hi" else amount_in_words_en(amount)
    return words[:1].upper() + words[1:]


def consumer_name(summary: PaymentSummary, language: str) -> str:
    return summary.name_hi if language == "hi" and summary.name_hi else summary.name


class ConfirmPayment(ModalScreen[bool]):
    """Enter saves the payment (True); Esc goes back to edit it (False)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "commit", show=False),
        Binding("escape", "back", show=False),
    ]

    def __init__(self, summary: PaymentSummary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="confirm-dialog"):
            yield TLabel("pay_confirm.title", classes="screen-title")
            yield Plain(id="confirm-consumer")
            if self.summary.purpose_key:
                yield TLabel(self.summary.purpose_key, id="confirm-purpose")
            yield Plain(id="confirm-amount", classes="confirm-amount")
            yield Plain(id="confirm-words")
            yield Plain(id="confirm-mode")
            if self.summary.mode == "cash":
                yield Plain(id="confirm-tendered")
                yield Plain(id="confirm-change", classes="confirm-amount")
            yield TLabel("pay_confirm.keys", classes="hint")

    def on_mount(self) -> None:
        self.localise()

    def localise(self) -> None:
        s = self.summary
        language = self.app.tr.language  # type: ignore[attr-defined]
        text = {
            "#confirm-consumer": tr(
                self,
                "pay_confirm.consumer",
                name=consumer_name(s, language),
                discom=s.discom,
                account=s.account_no,
            ),
            "#confirm-amount": tr(self, "pay_confirm.amount", amount=format_inr(s.amount_paise)),
            "#confirm-words": tr(
                self, "pay_confirm.words", words=amount_in_words(s.amount_paise, language)
            ),
            "#confirm-mode": self._mode_line(),
        }
        if s.mode == "cash":
            tendered = s.tendered_paise if s.tendered_paise is not None else s.amount_paise
            text["#confirm-tendered"] = tr(
                self, "pay_confirm.tendered", amount=format_inr(tendered)
            )
            text["#confirm-change"] = tr(
                self, "pay_confirm.change", amount=format_inr(s.change_paise)
            )
        for selector, words in text.items():
            self.query_one(selector, Static).update(words)

    def _mode_line(self) -> str:
        s = self.summary
        mode = tr(self, f"payment.modes.{s.mode}")
        label = _REFERENCE_LABELS.get(s.mode)
        if label and s.reference:
            return tr(
                self,
                "pay_confirm.mode_ref",
                mode=mode,
                label=tr(self, label),
                reference=s.reference,
            )
        return tr(self, "pay_confirm.mode", mode=mode)

    @property
    def text(self) -> str:
        """Everything the dialog says, for tests and screen readers."""
        return "\n".join(str(node.render()) for node in self.query(Static))

    def action_commit(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)


class ConfirmSecondPayment(YesOnlyDialog):
    """The consumer already paid today: Y takes the payment again, N or Esc does not.

    Enter is bound on purpose and does nothing but repeat the question.
    """

    DEFAULT_CSS = """
    ConfirmSecondPayment #second-dialog {
        border: solid $warning;
    }
    """
    DIALOG_ID = "second-dialog"
    EXPLAIN_ID = "second-explain"
    ASK_ID = "second-ask"
    KEYS_KEY = "pay_second.keys"
    NEED_Y_KEY = "pay_second.need_y"

    def __init__(self, earlier: tuple[str, ...]) -> None:
        super().__init__("pay_second.title", "pay_second.explain", {"receipts": ", ".join(earlier)})
        self.earlier = earlier
