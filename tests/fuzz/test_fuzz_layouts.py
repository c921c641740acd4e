"""Slip layout files as managers (and typos) write them: a layout that prints, or a
LayoutError naming the file and key; never an unhandled exception."""

from __future__ import annotations

import json

from fuzz_strategies import toml
from hypothesis import given, settings
from hypothesis import strategies as st

from returns_desk.domain.slip_samples import sample_slips
from returns_desk.domain.slips import compose
from returns_desk.printing.layout import Layout, LayoutError, load_layout
from returns_desk.printing.render import SlipRenderError, render_pdf

KEYS = ["paper", "header", "footer", "policy_summary", "complaint_next_steps"]
LINES = st.text(max_size=80) | st.sampled_from(["", "\x00", "\ud800", "é" * 600, "[bold]x", "\t"])
VALUES = st.one_of(
    st.sampled_from(["thermal", "a4", "letter", "A4", "roll"]),
    st.lists(LINES, max_size=6),
    st.lists(LINES, min_size=41, max_size=45),
    st.integers(),
    st.booleans(),
    st.floats(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2),
)


LAYOUTS = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), VALUES, max_size=6).map(
    lambda d: "\n".join(f"{json.dumps(k)} = {toml(v)}" for k, v in d.items())
)
TEXTS = LAYOUTS | LAYOUTS.map(lambda t: t[: len(t) // 2]) | st.text(max_size=200)


def _load(tmp_path, text: str) -> Layout | None:
    path = tmp_path / "store.toml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        return load_layout(str(path))
    except LayoutError as exc:
        assert "store.toml" in str(exc)
        return None


@settings(settings.get_profile("fuzz"))
@given(text=TEXTS)
def test_layout_files_load_or_say_why(tmp_path, text):
    layout = _load(tmp_path, text)
    if layout is not None:
        assert layout.paper in ("thermal", "a4", "letter")


@settings(settings.get_profile("fuzz-db"))
@given(text=LAYOUTS)
def test_a_layout_that_loads_prints(tmp_path, text):
    layout = _load(tmp_path, text)
    if layout is None:
        return
    for data in sample_slips()[:2]:
        try:
            assert render_pdf(compose(data), layout).startswith(b"%PDF")
        except SlipRenderError as exc:
            assert str(exc)


@settings(settings.get_profile("fuzz"))
@given(name=st.text(max_size=30))
def test_a_layout_name_that_is_not_there_is_said_so(name):
    try:
        load_layout(name or None)
    except LayoutError as exc:
        assert str(exc)
