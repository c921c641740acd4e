"""Files the desk makes (slips, exports, their manifests) go to the person at the screen: in a
browser (``returns-desk serve``) as downloads through ``App.deliver_binary``; in a terminal
they are already saved where the message says, so nothing more is done."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path

from textual.app import App


def deliver(app: App[object], paths: Iterable[Path | None]) -> int:
    """Offer each saved file as a download when the app runs in a browser; how many."""
    if not app.is_web:
        return 0
    sent = 0
    for path in paths:
        if path is not None and path.is_file():
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            app.deliver_binary(path, mime_type=kind, name=path.name)
            sent += 1
    return sent
