"""Start a return at the kiosk: find the sale (receipt code, or loyalty id and the day),
choose what comes back and why, and get the code to bring to the desk.

The policy pre-checks each line when the customer asks for the code: approved, the code and
its slip (QR and Code128; a download in a browser) are shown; declined, the reasons are, and
nothing is held.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static

from returns_desk.domain.decision import Settlement
from returns_desk.domain.policy.model import Condition
from returns_desk.domain.return_reasons import ReasonCode
from returns_desk.tui.kiosk_messages import KioskRefused, PreReturnStarted, SaleFound
from returns_desk.tui.screens.kiosk import KioskPage

if TYPE_CHECKING:
    from returns_desk.domain.receipt import Receipt
    from returns_desk.services.prereturns.start import Started

CONDITIONS = (Condition.UNOPENED, Condition.OPENED, Condition.DEFECTIVE)
OUTCOMES = (("Money back", Settlement.REFUND), ("Store credit", Settlement.STORE_CREDIT),
            ("Exchange", Settlement.EXCHANGE))  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """What the customer typed to find their sale."""

    receipt_code: str = ""
    loyalty_id: str = ""
    day: str = ""


class StartReturnScreen(KioskPage):
    """Find the sale, pick lines (Enter adds one more of a line), reason, wish; F9 asks."""

    BINDINGS = [Binding("f9", "request", "Get my code", id="kiosk-request")]

    def __init__(self) -> None:
        super().__init__()
        self.receipt: Receipt | None = None
        self.wanted: dict[int, int] = {}  # line number -> how many come back
        self.started: Started | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="kiosk-page"):
            yield Static("Start a return", classes="title")
            yield Label("Receipt code (scan the barcode or type it)")
            yield Input(placeholder="e.g. 101-02-0000123-4", id="receipt")
            yield Label("No receipt? Your loyalty id and the day you bought it")
            with Horizontal(classes="form-row"):
                yield Input(placeholder="loyalty id", id="loyalty")
                yield Input(placeholder="YYYY-MM-DD", id="day")
            yield Button("Find my purchase", id="find")
            yield Static("", id="find-result")
            yield DataTable(id="kiosk-lines", cursor_type="row")
            with Horizontal(classes="form-row"):
                yield Select(
                    [(r.words, r.value) for r in ReasonCode if r is not ReasonCode.OTHER],
                    value=ReasonCode.CHANGED_MIND.value,
                    id="reason",
                    allow_blank=False,
                )
                yield Select(
                    [(c.value, c) for c in CONDITIONS],
                    value=Condition.UNOPENED,
                    id="condition",
                    allow_blank=False,
                )
                yield Select(OUTCOMES, value=Settlement.REFUND, id="outcome", allow_blank=False)
            yield Button("Get my return code (F9)", id="request", variant="primary")
            yield Static("", id="request-result")
        yield Footer(compact=True)  # fmt: skip

    def on_mount(self) -> None:
        table = self.query_one("#kiosk-lines", DataTable)
        table.add_columns("Line", "Item", "Can return", "Bring back")
        table.display = False
        self.query_one("#receipt", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "request":
            return bool(self.receipt and any(self.wanted.values())) and self.started is None
        return True

    # ---------------------------------------------------------------- finding the sale

    @on(Input.Submitted, "#receipt")
    @on(Input.Submitted, "#day")
    @on(Button.Pressed, "#find")
    def _find(self) -> None:
        finding = Finding(
            self.query_one("#receipt", Input).value,
            self.query_one("#loyalty", Input).value,
            self.query_one("#day", Input).value,
        )
        self.say("#find-result", "looking ...")
        self._look_up(finding)

    @on(Input.Submitted, "#loyalty")
    def _to_day(self) -> None:
        self.query_one("#day", Input).focus()

    @work(thread=True, exclusive=True, group="find")
    def _look_up(self, finding: Finding) -> None:
        from returns_desk.domain.prereturn import PreReturnError
        from returns_desk.services.prereturns.customer import find_for_customer

        app = self.app
        try:
            actor = app.kiosk()  # type: ignore[attr-defined]  (waits for the database)
            receipt = find_for_customer(
                app.engine, actor, finding.receipt_code, finding.loyalty_id, finding.day,  # type: ignore[attr-defined]
            )  # fmt: skip
        except (PreReturnError, RuntimeError) as exc:
            self.post_message(KioskRefused(str(exc), "#find-result"))
            return
        self.post_message(SaleFound(receipt))

    @on(SaleFound)
    def _found(self, message: SaleFound) -> None:
        receipt = message.receipt
        self.receipt, self.wanted, self.started = receipt, {}, None
        self.say(
            "#find-result",
            f"Bought {receipt.sold_at:%Y-%m-%d}. Highlight an item and press Enter once for "
            "each one you bring back (once more past the last: none).",
        )
        self._render_lines()
        table = self.query_one("#kiosk-lines", DataTable)
        table.display = True
        table.focus()
        self.refresh_bindings()

    def _render_lines(self) -> None:
        assert self.receipt is not None
        table = self.query_one("#kiosk-lines", DataTable)
        row = table.cursor_row
        table.clear()
        for line in self.receipt.lines:
            table.add_row(str(line.line_no), line.description, str(line.returnable_qty),
                          str(self.wanted.get(line.line_no, 0)), key=str(line.line_no))  # fmt: skip
        table.move_cursor(row=row)

    @on(DataTable.RowSelected, "#kiosk-lines")
    def _one_more(self, event: DataTable.RowSelected) -> None:
        """Enter on an item: one more of it comes back (past all of it: none)."""
        if self.receipt is None or self.started is not None:
            return
        line = self.receipt.line(int(str(event.row_key.value)))
        count = self.wanted.get(line.line_no, 0) + 1
        self.wanted[line.line_no] = 0 if count > line.returnable_qty else count
        self._render_lines()
        self.refresh_bindings()

    # ---------------------------------------------------------------- asking for the code

    @on(Button.Pressed, "#request")
    def action_request(self) -> None:
        from returns_desk.services.prereturns.start import PickedLine, PreReturnRequest

        if self.receipt is None or not any(self.wanted.values()) or self.started is not None:
            self.say("#request-result", "Find your purchase and choose what you bring back.", True)
            return
        reason = str(self.query_one("#reason", Select).value)
        condition = self.query_one("#condition", Select).value
        outcome = self.query_one("#outcome", Select).value
        assert isinstance(condition, Condition) and isinstance(outcome, Settlement)
        lines = tuple(
            PickedLine(number, qty, reason, condition=condition)
            for number, qty in sorted(self.wanted.items())
            if qty
        )
        channel = "browser" if self.app.is_web else "kiosk"
        self.say("#request-result", "checking with the store's return policy ...")
        self._request(PreReturnRequest(self.receipt.code, lines, outcome, channel))

    @work(thread=True, exclusive=True, group="request")
    def _request(self, request: object) -> None:
        from returns_desk.domain.prereturn import PreReturnError
        from returns_desk.services.prereturns.slip import print_code_slip
        from returns_desk.services.prereturns.start import PreReturnRequest, start_prereturn

        assert isinstance(request, PreReturnRequest)
        app = self.app
        try:
            actor = app.kiosk()  # type: ignore[attr-defined]
            started = start_prereturn(app.engine, actor, request, app.today())  # type: ignore[attr-defined]
        except (PreReturnError, PermissionError, RuntimeError) as exc:
            self.post_message(KioskRefused(str(exc), "#request-result"))
            return
        path = None
        if started.code is not None:
            path = print_code_slip(app.engine, actor, started).path  # type: ignore[attr-defined]
        self.post_message(PreReturnStarted(started, path))

    @on(PreReturnStarted)
    def _started(self, message: PreReturnStarted) -> None:
        started = self.started = message.started
        self.refresh_bindings()
        lines = "\n".join(
            f"  {line.qty} x {line.description}: "
            + ("OK" if line.outcome.value != "deny" else "not accepted")
            + (f" ({line.reasons[0]})" if line.reasons and line.outcome.value != "approve" else "")
            for line in started.lines
        )
        if started.code is None:
            self.say("#request-result", "Sorry: the store's return policy does not take this "
                     f"back.\n{lines}\nNothing is held. Esc to start again.", True)  # fmt: skip
            return
        self.say("#request-result", f"Your return code: {started.code.pretty}\n{lines}\n"
                 f"Bring the items and this code (or the slip's QR code) to the returns desk by "
                 f"{started.expires_at:%Y-%m-%d}. Your slip is printing"
                 + (" and downloading." if self.app.is_web else "."))  # fmt: skip
        self.app.deliver(message.slip)  # type: ignore[attr-defined]
