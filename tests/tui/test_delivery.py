"""Files the desk writes go to a browser as downloads (``returns-desk serve``); in a terminal
they stay where they were saved and nothing more happens."""

from __future__ import annotations

from textual.app import App

from returns_desk.tui.delivery import deliver


class Served(App[None]):
    """An app as textual-serve runs it: ``is_web``, and what it delivered."""

    is_web = True  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str, str]] = []

    def deliver_binary(self, path_or_file, *, name=None, mime_type=None, **kw):  # type: ignore[override]
        self.sent.append((str(path_or_file), name, mime_type))
        return "key"


def test_a_browser_downloads_each_saved_file_with_its_name_and_type(tmp_path):
    slip = tmp_path / "return-RT-0000001.pdf"
    slip.write_bytes(b"%PDF-1.4")
    manifest = tmp_path / "log.csv.manifest.json"
    manifest.write_text("{}")
    app = Served()
    assert deliver(app, [slip, None, tmp_path / "never-written.pdf", manifest]) == 2
    assert app.sent == [
        (str(slip), "return-RT-0000001.pdf", "application/pdf"),
        (str(manifest), "log.csv.manifest.json", "application/json"),
    ]


def test_in_a_terminal_nothing_is_delivered(tmp_path):
    slip = tmp_path / "return-RT-0000001.pdf"
    slip.write_bytes(b"%PDF-1.4")
    assert deliver(App(), [slip]) == 0
