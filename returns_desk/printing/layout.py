"""Slip layout files (receipts/layouts/*.toml): the chain's brand lines and footer, the
complaint's next steps, paper. Managers edit them; a bad file is reported with its name and
the key at fault. The store's own name and address come from the store record and the
policy's terms from the policy, never from here: one source for each of a slip's words."""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from returns_desk.resources import data_dir

PAPERS = ("thermal", "a4", "letter")


class LayoutError(ValueError):
    """A layout file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Layout:
    """The chain's text around every slip, and the paper it prints on."""

    name: str
    paper: str = "thermal"
    header: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    complaint_next_steps: tuple[str, ...] = ()


def layouts_dir() -> Path:
    return data_dir("receipts") / "layouts"


def find_layout(name: str | None = None, store_no: int | None = None) -> Path:
    """The file for ``name`` (a path, or a name in receipts/layouts); else the store's own
    ``store-<number>.toml`` if it exists; else ``default.toml``."""
    if name:
        if "\x00" in name:
            raise LayoutError(f"no slip layout {name!r}")
        path = Path(name)
        if path.suffix == ".toml" and path.is_file():
            return path
        path = layouts_dir() / f"{name}.toml"
        if not path.is_file():
            raise LayoutError(f"no slip layout {name!r} (looked for {path})")
        return path
    if store_no is not None:
        own = layouts_dir() / f"store-{store_no}.toml"
        if own.exists():
            return own
    return layouts_dir() / "default.toml"


def load_layout(name: str | None = None, store_no: int | None = None) -> Layout:
    """Read and check a layout file (see :func:`find_layout` for which one)."""
    path = find_layout(name, store_no)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LayoutError(f"{path.name}: {exc}") from exc
    except RecursionError:
        raise LayoutError(f"{path.name}: nested too deeply") from None
    if "policy_summary" in data:
        raise LayoutError(
            f"{path.name}: policy_summary is no longer read: slips print the active policy's "
            "own terms; delete the key"
        )
    unknown = set(data) - {"paper", *_TEXT_KEYS}
    if unknown:
        raise LayoutError(f"{path.name}: unknown key {sorted(unknown)[0]!r}")
    paper = data.get("paper", "thermal")
    if paper not in PAPERS:
        raise LayoutError(f"{path.name}: paper = {paper!r}; use one of {', '.join(PAPERS)}")
    return Layout(
        name=path.stem,
        paper=paper,
        **{key: _lines(path, data, key) for key in _TEXT_KEYS},
    )


_TEXT_KEYS = ("header", "footer", "complaint_next_steps")


MAX_LINES, MAX_CHARS = 40, 500


def _lines(path: Path, data: dict[str, object], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LayoutError(f"{path.name}: {key} must be a list of text lines")
    if len(value) > MAX_LINES:
        raise LayoutError(f"{path.name}: {key} has {len(value)} lines; at most {MAX_LINES}")
    for number, line in enumerate(value, start=1):
        if len(line) > MAX_CHARS:
            raise LayoutError(f"{path.name}: {key} line {number} is over {MAX_CHARS} characters")
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in line):
            raise LayoutError(
                f"{path.name}: {key} line {number} has a control character or broken text: "
                f"{line[:40]!r}"
            )
    return tuple(value)
