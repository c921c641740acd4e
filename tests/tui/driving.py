"""Drive the desk with Pilot and wait on the messages its workers post: never a polling
loop, never a sleep. ``async with drive(app) as desk:`` gives the pilot and the messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from textual import events
from textual.message import Message
from textual.pilot import Pilot

from returns_desk.domain.return_reasons import ReasonCode

SIZE = (80, 24)
LIMIT = 120.0  # seconds: a guard against a hang on a loaded box, not a wait


@dataclass
class Messages:
    """Every message that reached a pump of the app, once each, in order."""

    seen: list[Message] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def hook(self, message: Message) -> None:
        if not any(m is message for m in self.seen[-8:]):  # a bubbling message, once
            self.seen.append(message)
            self.arrived.set()


@dataclass
class Desk:
    """The pilot and what the app has been told, with the waits a clerk's test needs."""

    pilot: Pilot
    messages: Messages

    @property
    def app(self):
        return self.pilot.app

    async def next(self, *kinds: type[Message]) -> Message:
        """The next message of one of ``kinds`` not waited for yet, once it is handled;
        TimeoutError if none comes within ``LIMIT`` (other messages do not reset it)."""
        deadline = asyncio.get_running_loop().time() + LIMIT
        while True:
            for message in self.messages.seen:
                if isinstance(message, kinds) and id(message) not in self.messages.used:
                    self.messages.used.add(id(message))
                    await self.pilot.pause()
                    return message
            self.messages.arrived.clear()
            left = deadline - asyncio.get_running_loop().time()
            names = " or ".join(kind.__name__ for kind in kinds)
            if left <= 0:
                raise TimeoutError(f"no {names} within {LIMIT} seconds")
            try:
                await asyncio.wait_for(self.messages.arrived.wait(), left)
            except TimeoutError:
                raise TimeoutError(f"no {names} within {LIMIT} seconds") from None

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)

    async def burst(self, text: str) -> None:
        """Keys as a barcode or badge reader types them: all queued before any is handled
        (``\\n`` is Enter, ``\\t`` is Tab)."""
        names = {"\n": ("enter", "\r"), "\t": ("tab", "\t")}
        driver = self.app._driver  # where a terminal's keys come in, as Pilot sends them
        for char in text:
            key, typed = names.get(char, (char, char))
            event = events.Key(key, typed)
            event.set_sender(self.app)
            driver.send_message(event)
        await self.pilot.pause()


@asynccontextmanager
async def drive(app, size=SIZE) -> AsyncIterator[Desk]:
    messages = Messages()
    async with app.run_test(size=size, message_hook=messages.hook) as pilot:
        yield Desk(pilot, messages)


def reason_key(reason: str) -> str:
    """The number key that picks ``reason`` in the item form."""
    return str(list(ReasonCode).index(ReasonCode(reason)) + 1)
