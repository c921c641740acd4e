"""One slip model for every printer: a composed slip and the store's layout, top to bottom.

:func:`slip_blocks` decides what goes on the paper and in which order (the COPY marks, the
header, the slip's own parts, the policy's terms, the footer: all the slip's own words);
the PDF renderer (``render.py``) and the ESC/POS renderer (``escpos.py``) only decide how
each block looks on their paper. So a reprint, a new layout line or a new part prints the
same on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from returns_desk.domain.slips import Barcode, QrCode, Rows, Rule, Slip, Text, Title
from returns_desk.printing.layout import Layout


class Style(StrEnum):
    """How a paragraph looks; each renderer maps it to its fonts and sizes."""

    BANNER = "banner"  # *** COPY ***: the biggest type, bold, centred
    TITLE = "title"  # the slip's title: large, bold, centred
    STORE = "store"  # the store's name at the top: a little larger, bold, centred
    CENTRED = "centred"
    BODY = "body"
    STRONG = "strong"
    FINE = "fine"  # the policy summary: smaller print


@dataclass(frozen=True, slots=True)
class Para:
    """Lines of text, each wrapped to the paper on its own."""

    lines: tuple[str, ...]
    style: Style = Style.BODY


@dataclass(frozen=True, slots=True)
class Space:
    """Blank paper, in lines of body text (fractions where the paper allows)."""

    lines: float


Block = Para | Space | Rows | Rule | Barcode | QrCode


def _copy_banner(slip: Slip) -> list[Block]:
    if not slip.is_copy:
        return []
    return [
        Para(("*** COPY ***",), Style.BANNER),
        Para((f"Reprint {slip.copy_no}: not a new transaction",), Style.CENTRED),
        Space(0.5),
    ]


def _part_blocks(part: object) -> list[Block]:
    if isinstance(part, Title):
        return [Space(0.3), Para((part.text,), Style.TITLE)]
    if isinstance(part, Text):
        return [Para(part.lines, Style.STRONG if part.strong else Style.BODY)]
    if isinstance(part, Rows | Rule):
        return [part]
    if isinstance(part, Barcode | QrCode):
        return [Space(0.5), part]
    raise TypeError(f"unknown slip part {part!r}")


def slip_blocks(slip: Slip, layout: Layout) -> list[Block]:
    """Every block of the slip, top to bottom: COPY mark, header, parts, the policy's terms,
    footer, and the COPY mark again at the bottom. The words are all the slip's own
    (``domain.slips.compose`` decides them, and which slips carry terms and a footer)."""
    blocks = _copy_banner(slip)
    if slip.header:
        blocks.append(Para(slip.header[:1], Style.STORE))
        if slip.header[1:]:
            blocks.append(Para(slip.header[1:], Style.CENTRED))
    for part in slip.parts:
        blocks += _part_blocks(part)
    if slip.policy:
        blocks += [Rule(), Para(slip.policy, Style.FINE)]
    if slip.footer:
        blocks += [Space(0.8), Para(slip.footer, Style.CENTRED)]
    return blocks + _copy_banner(slip)
