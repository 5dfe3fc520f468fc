"""Read an ESC/POS byte stream back into lines and raster images.

The preview is drawn from the bytes themselves, not from the layout, so it shows exactly
what the printer is sent; tests use the same reading to pull images and text out of a job.
Only the commands this project emits (and a few harmless neighbours) are understood; an
unknown command raises, so a renderer change cannot slip past the preview unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A


class UnknownCommand(ValueError):
    pass


@dataclass(frozen=True)
class Style:
    align: str = "left"
    bold: bool = False
    double_width: bool = False
    double_height: bool = False


@dataclass(frozen=True)
class TextLine:
    text: str
    style: Style


@dataclass(frozen=True)
class Raster:
    image: Image.Image


@dataclass(frozen=True)
class Cut:
    pass


Element = TextLine | Raster | Cut


@dataclass
class _State:
    style: Style = field(default_factory=Style)
    pending: bytearray = field(default_factory=bytearray)
    out: list[Element] = field(default_factory=list)

    def flush(self, force: bool = False) -> None:
        if self.pending or force:
            self.out.append(TextLine(self.pending.decode("ascii", "replace"), self.style))
            self.pending = bytearray()

    def restyle(self, **changes: object) -> None:
        self.style = Style(**{**self.style.__dict__, **changes})


_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
# Commands with a fixed number of parameter bytes that do not change what the preview shows.
_SKIP_ESC = {ord("-"): 1, ord("M"): 1, ord("t"): 1, ord("3"): 1, ord("{"): 1, ord("2"): 0}
_SKIP_GS = {ord("B"): 1, ord("b"): 1}


def _raster(data: bytes, i: int) -> tuple[Raster, int]:
    """``GS v 0 m xL xH yL yH d...``: row-major, 1 = black, MSB first."""
    width_bytes = data[i + 4] | data[i + 5] << 8
    height = data[i + 6] | data[i + 7] << 8
    start = i + 8
    end = start + width_bytes * height
    if end > len(data):
        raise UnknownCommand(f"raster image cut short at byte {i}")
    bits = bytes(b ^ 0xFF for b in data[start:end])  # PIL "1": 1 = white
    image = Image.frombytes("1", (width_bytes * 8, height), bits)
    return Raster(image), end


def decode(data: bytes) -> list[Element]:
    state = _State()
    i = 0
    while i < len(data):
        b = data[i]
        if b == LF:
            state.flush(force=True)
            i += 1
        elif 32 <= b < 127 or b >= 128:
            state.pending.append(b)
            i += 1
        elif b == ESC:
            cmd = data[i + 1]
            if cmd == ord("@"):
                state.flush()
                state.style = Style()
                i += 2
            elif cmd == ord("a"):
                state.restyle(align=_ALIGN.get(data[i + 2], "left"))
                i += 3
            elif cmd == ord("E"):
                state.restyle(bold=bool(data[i + 2] & 1))
                i += 3
            elif cmd == ord("!"):
                n = data[i + 2]
                state.restyle(
                    bold=bool(n & 0x08), double_height=bool(n & 0x10), double_width=bool(n & 0x20)
                )
                i += 3
            elif cmd == ord("d"):
                state.flush()
                for _ in range(data[i + 2]):
                    state.flush(force=True)
                i += 3
            elif cmd in _SKIP_ESC:
                i += 2 + _SKIP_ESC[cmd]
            else:
                raise UnknownCommand(f"ESC {cmd:#04x} at byte {i}")
        elif b == GS:
            cmd = data[i + 1]
            if cmd == ord("!"):
                n = data[i + 2]
                state.restyle(double_width=bool(n & 0xF0), double_height=bool(n & 0x0F))
                i += 3
            elif cmd == ord("v") and data[i + 2] in (0, ord("0")):
                state.flush()
                raster, i = _raster(data, i)
                state.out.append(raster)
            elif cmd == ord("V"):
                state.flush()
                m = data[i + 2]
                i += 4 if m in (65, 66, ord("A"), ord("B")) else 3
                state.out.append(Cut())
            elif cmd in _SKIP_GS:
                i += 2 + _SKIP_GS[cmd]
            else:
                raise UnknownCommand(f"GS {cmd:#04x} at byte {i}")
        elif b == DLE and i + 2 < len(data) and data[i + 1] == 0x04:
            i += 3  # a real-time status query
        else:
            raise UnknownCommand(f"control byte {b:#04x} at byte {i}")
    state.flush()
    return state.out


def rasters(data: bytes) -> list[Image.Image]:
    return [e.image for e in decode(data) if isinstance(e, Raster)]


def text_of(data: bytes) -> str:
    """The text-mode lines, joined; images are left out."""
    return "\n".join(e.text for e in decode(data) if isinstance(e, TextLine))
