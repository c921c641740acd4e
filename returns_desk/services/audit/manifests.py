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
from returns_desk.store.db import retrying, unit_of_work

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


@retrying
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


def exported_file(manifest_path: Path) -> Path:
    """The file a manifest describes: beside it, its name without ``.manifest.json``."""
    name = manifest_path.name
    suffix = ".manifest.json"
    if name.endswith(suffix):
        return manifest_path.with_name(name[: -len(suffix)])
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return manifest_path.with_name(str(manifest["file"]))


def export_problem(engine: Engine, manifest_path: Path) -> str | None:
    """What is wrong with an export against its manifest and the trail, or None.

    The file must hash to the manifest's SHA-256, and the audit event the manifest names
    as the head must be this export's own event recording that same SHA-256: so an edited
    file is noticed, and so is an edited file with an edited manifest.
    """
    from returns_desk.store.db import read_only
    from returns_desk.store.models import AuditEvent

    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        expected, head = str(manifest["sha256"]), manifest["audit_chain_head"]
        path = exported_file(manifest_path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"{manifest_path}: not an export manifest ({exc})"
    if not path.is_file():
        return f"{path}: the exported file is missing"
    actual = sha256_of(path)
    if actual != expected:
        return (
            f"{path} was changed after it was exported: its SHA-256 is {actual[:16]}…, "
            f"the manifest says {expected[:16]}…"
        )
    with read_only(engine) as session:
        event = session.get(AuditEvent, int(head["seq"]))
    recorded = json.loads(event.details).get("sha256") if event is not None else None
    if recorded != expected:
        return (
            f"{manifest_path}: the audit trail's event {head['seq']} does not record this "
            "export's SHA-256; the manifest or the file is not the one exported"
        )
    return None
