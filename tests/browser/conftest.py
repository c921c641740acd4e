"""A real headless Chromium (Debian's ``chromium``) drives the desk served by
``returns-desk serve``, through playwright from PyPI launched with ``executable_path``
(playwright's own browser download is never used).

The terminal is drawn on a canvas, so tests wait on and check what the desk does (database
rows, downloaded slips), never the page's text. Each test keeps a screenshot in
``tests/artifacts/`` (ignored by git; the path is printed).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
NEEDS_CHROMIUM = pytest.mark.needs_program(
    "chromium", why="headless Chromium drives the served desk; .ci/run installs Debian's chromium"
)


def wait_for(what: str, found: Callable[[], Any], seconds: float = 60.0, page: Any = None) -> Any:
    """Poll ``found`` (a database read, the files delivered) until it returns something, or
    fail saying what. With ``page``, the browser keeps working meanwhile (playwright's sync
    API handles its events, such as a download, only while it is called)."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        result = found()
        if result:
            return result
        if page is not None:
            page.wait_for_timeout(200)
        else:
            time.sleep(0.2)
    if page is not None:
        keep_screenshot(page, "never-" + "-".join(what.split()))
    raise AssertionError(f"the served desk never {what} (waited {seconds:.0f} s)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(*args: str) -> Iterator[str]:
    """``returns-desk serve`` on a free loopback port, with this test's database and slips
    folder (from the environment); its URL, then it is stopped."""
    port = _free_port()
    command = [sys.executable, "-m", "returns_desk", "serve", "--port", str(port), *args]
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"serve{'-'.join(('', *args))}.log"  # the sessions' tracebacks land here
    with log.open("wb") as out:
        # A session of its own: textual-serve starts each browser's app as a child (through
        # a shell), and those must end with the server, not outlive the test run.
        server = subprocess.Popen(
            command, stdout=out, stderr=out, env=dict(os.environ), start_new_session=True
        )
    try:
        ends = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > ends:
                    raise AssertionError(f"returns-desk serve did not start: {command}") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        _end_group(server)
        print(f"server log: {log}")


def _end_group(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and every app it started: SIGTERM, then SIGKILL to whatever of
    its process group is left (an app in the middle of a session may not stop on SIGTERM)."""
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        server.wait(timeout=20)
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[Any]:
    """A page of a fresh headless Chromium; every file the desk delivers (the page opens its
    download address in a new tab) is kept, as the browser received it, in
    ``page.downloads``."""
    import re

    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright (a dev dependency) is not installed"
    )

    downloads: list[Path] = []
    folder = tmp_path / "downloads"
    folder.mkdir()

    def keep(route: Any) -> None:
        response = route.fetch()
        disposition = response.headers.get("content-disposition", "")
        named = re.search(r"filename=\"?([^\";]+)", disposition)
        target = folder / (named.group(1) if named else f"download-{len(downloads)}")
        target.write_bytes(response.body())
        downloads.append(target)
        route.fulfill(response=response)

    with sync_api.sync_playwright() as playwright:
        try:
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path / "chromium-profile"),
                executable_path=shutil.which("chromium"),
                headless=True,
                args=FLAGS,
                accept_downloads=True,
                viewport={"width": 1280, "height": 860},
            )
        except sync_api.Error as exc:  # installed, but cannot start here (no sandbox, no libs)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            pytest.skip(f"headless chromium cannot start here: {first[:300]}")
        context.route("**/download/**", lambda route: keep(route))
        page = context.pages[0] if context.pages else context.new_page()
        page.downloads = downloads  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()


def open_terminal(page: Any, url: str, settle_ms: int = 1500) -> None:
    """Load the page, wait for the app's first output and a moment for its first screen to
    take the keyboard (a new app process per page), then give the terminal the keyboard."""
    page.goto(url)
    page.wait_for_selector("body.-first-byte", timeout=90_000)
    page.wait_for_timeout(settle_ms)
    page.focus(".xterm-helper-textarea")


def typed(page: Any, text: str, *keys: str) -> None:
    """Type ``text`` then press ``keys``, each followed by a short pause: the terminal sends
    Enter as a bare carriage return, which the app reads as Enter only once it stands alone
    (typed straight on, the next characters would join the same field)."""
    if text:
        page.keyboard.type(text)
    for key in keys:
        page.keyboard.press(key)
        page.wait_for_timeout(400)


def log_in(page: Any, url: str, engine: Any, user: str = "cleo", pin: str = "1111") -> None:
    """Log in at a freshly loaded desk, loading it again (a new session) if the keys came
    before its log-in screen took them; done when the database records the log-in."""
    from sqlmodel import func, select

    from returns_desk.store.db import read_only
    from returns_desk.store.models import AuditEvent

    def logins() -> int:
        with read_only(engine) as session:
            query = select(func.count()).where(AuditEvent.action == "login")
            return session.exec(query.select_from(AuditEvent)).one()

    for attempt in range(1, 4):
        open_terminal(page, url, 1500 * attempt)
        typed(page, user, "Enter")
        typed(page, pin, "Enter")
        try:
            wait_for(f"logged {user} in", logins, 20, page)
            return
        except AssertionError:
            if attempt == 3:
                keep_screenshot(page, "log-in-failed")
                raise


def keep_screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


@pytest.fixture
def today_store(engine):
    """A demo store whose sales end today (the served desk decides on the local day)."""
    from returns_desk.services.journal.demo import seed_demo

    seed_demo(engine, date.today(), receipts=200)  # noqa: DTZ011 (as the served desk sees it)
    return engine
