"""Labels whose words come from the catalogue and follow the language switch, and the
literal text widget every screen uses.

Nothing on a counter screen is markup: the catalogue carries none, and the rest is data
(typed by the operator, cached from the central, replied by it) in which ``[/]`` or ``[b``
is ordinary text. Textual parses a ``str`` given to a Static as markup and exits the whole
app on a malformed tag, so screens build their lines with :class:`Plain` (markup off) and
:class:`PlainTable` (a DataTable whose ``str`` cells stay literal) and :func:`literal`
(a Rich ``Text``, never parsed) for cells of a Rich ``Table``.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey, RowKey


def tr(node: Any, key: str, /, **values: object) -> str:
    """The text for ``key`` in the app's current language (any widget or screen)."""
    return node.app.tr(key, **values)


def literal(value: object, /, **style: Any) -> Text:
    """``value`` as shown, never read as markup (for DataTable and Rich Table cells, which
    parse a plain ``str`` and raise on ``[/]``)."""
    return value if isinstance(value, Text) else Text(str(value), **style)


class Plain(Static):
    """A Static that shows its text literally (markup off): the one to use for data."""

    def __init__(self, content: Any = "", /, *, markup: bool = False, **kwargs: Any) -> None:
        super().__init__(content, markup=markup, **kwargs)


class PlainTable(DataTable[Any]):
    """A DataTable whose ``str`` cells and labels are shown literally (DataTable reads a
    ``str`` with a ``[`` in it as Rich markup and raises on ``[/]``)."""

    def add_column(
        self, label: Any, *, width: int | None = None, key: str | None = None, default: Any = None
    ) -> ColumnKey:
        return super().add_column(literal(label), width=width, key=key, default=default)

    def add_row(
        self, *cells: Any, height: int | None = 1, key: str | None = None, label: Any = None
    ) -> RowKey:
        wrap = height != 1  # as DataTable's own formatter does for a str cell
        shown = [
            literal(cell, end="", no_wrap=not wrap) if isinstance(cell, str) else cell
            for cell in cells
        ]
        row_label = None if label is None else literal(label)
        return super().add_row(*shown, height=height, key=key, label=row_label)

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: Any,
        *,
        update_width: bool = False,
    ) -> None:
        shown = literal(value, end="") if isinstance(value, str) else value
        super().update_cell(row_key, column_key, shown, update_width=update_width)


class TLabel(Plain):
    """A static line showing catalogue text ``key``; re-read when the language changes."""

    def __init__(self, key: str, /, *, values: dict[str, object] | None = None, **kwargs: Any):
        super().__init__("", **kwargs)
        self.key = key
        self.values = values or {}

    def on_mount(self) -> None:
        self.localise()

    def set_key(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        self.localise()

    def localise(self) -> None:
        self.update(tr(self, self.key, **self.values))
