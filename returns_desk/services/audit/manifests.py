"""What every export leaves beside its file: ``FILE.manifest.json`` and the file's SHA-256.

Both the exchange-log export (``exports``) and the complaint export (``complaint_export``)
use these, so an auditor checks either kind of file the same way: the file is written under
a temporary name, its export is audited (the event records the file's checksum), and only
then does it appear under its own name, with the manifest naming the chain head after that
event.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from returns_desk.services import audit
from returns_desk.store.db import unit_of_work

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor


@dataclass(frozen=True)
class ExportResult:
    """What was written: the file, its manifest, and the manifest's content."""

    path: Path
    manifest_path: Path
    manifest: dict[str, Any]

    @property
    def rows(self) -> int:
        return int(self.manifest["rows"])


def partial_name(path: Path) -> Path:
    """The temporary name a file is written under until it is complete."""
    return path.with_name(path.name + ".partial")


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(out: Path, manifest: dict[str, Any]) -> Path:
    """Write ``FILE.manifest.json`` beside ``out`` under a temporary name, then rename it."""
    path = out.with_name(out.name + ".manifest.json")
    partial = partial_name(path)
    try:
        partial.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def publish(
    engine: Engine,
    actor: Actor,
    partial: Path,
    out: Path,
    action: str,
    entity: str,
    details: dict[str, Any],
    unmask: bool,
    generated_at: datetime,
) -> ExportResult:
    """Audit a complete export, then move ``partial`` to ``out`` and write its manifest.

    The event is ``action`` (plus ``.unmasked`` when ``unmask``) on ``entity``; ``details``
    carry at least the file's ``rows`` and ``sha256`` and open the manifest. The caller
    removes ``partial`` if anything here fails.
    """
    with unit_of_work(engine) as session:
        event = audit.append(
            session,
            actor=actor.username,
            action=action + (".unmasked" if unmask else ""),
            entity=entity,
            entity_id=out.name,
            register=actor.register,
            details=details,
        )
    os.replace(partial, out)
    manifest = {
        **details,
        "customer_details": "unmasked" if unmask else "masked",
        "audit_chain_head": {"seq": event.seq, "hash": event.hash},
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "generated_by": actor.username,
        "generator": f"returns-desk {version('returns-desk')}",
    }
    return ExportResult(out, write_manifest(out, manifest), manifest)
