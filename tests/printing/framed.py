"""Sample slips as the desk prints them: in the default layout's brand lines and footer,
with the default policy's terms (what ``services.slips`` puts around every real slip)."""

from __future__ import annotations

from returns_desk.domain.policy import load_policy
from returns_desk.domain.slips import Frame, Slip, SlipData, compose, policy_lines
from returns_desk.printing.layout import Layout, load_layout
from returns_desk.resources import data_dir

LAYOUT = load_layout("default")
TERMS = policy_lines(load_policy(data_dir("policies") / "default.toml"))


def framed(data: SlipData, copy_no: int = 0, layout: Layout = LAYOUT) -> Slip:
    """``compose(data)`` in the frame of ``layout`` and the default policy."""
    return compose(data, copy_no=copy_no, frame=Frame(layout.header, TERMS, layout.footer))
