"""The complaint-handling configuration the desk runs on (``policies/complaints/sla.toml``)."""

from __future__ import annotations

from functools import cache

from returns_desk.domain.complaint_sla import SlaConfig, load_sla
from returns_desk.resources import data_dir


@cache
def sla_config() -> SlaConfig:
    """The shipped complaint-handling configuration (read once)."""
    return load_sla(data_dir("policies") / "complaints" / "sla.toml")
