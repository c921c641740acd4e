"""Thermal printers without hardware: a port-9100 printer on loopback and one on a serial
port (a pseudo-terminal). Each keeps every byte it receives, per connection, and answers
real-time status queries (DLE EOT 1, 2, 4) the way an Epson TM printer does."""

from __future__ import annotations

import os
import selectors
import socket
import socketserver
import struct
import threading
from dataclasses import dataclass, field

DLE_EOT = b"\x10\x04"
OK = 0x12  # the fixed bits every status byte carries


@dataclass
class Mood:
    """What the printer reports, and whether it hangs up after ``drop_after`` bytes."""

    paper_out: bool = False
    offline: bool = False
    cover_open: bool = False
    silent: bool = False  # answers no status query at all
    drop_after: int | None = None

    def answer(self, n: int) -> bytes:
        if self.silent:
            return b""
        if n == 4:
            return bytes((OK | (0x60 if self.paper_out else 0),))
        if n == 1:
            return bytes((OK | (0x08 if self.offline or self.cover_open else 0),))
        if n == 2:
            return bytes((OK | (0x04 if self.cover_open else 0),))
        return bytes((OK,))


@dataclass
class Tape:
    """The bytes of each connection, in order, and the answers given."""

    jobs: list[bytearray] = field(default_factory=list)

    def new_job(self) -> bytearray:
        self.jobs.append(bytearray())
        return self.jobs[-1]

    def feed(self, job: bytearray, data: bytes, mood: Mood) -> bytes:
        """Record ``data`` and return the answers to the status queries it completes."""
        start = max(len(job) - 2, 0)
        job += data
        answers = b""
        at = job.find(DLE_EOT, start)
        while at != -1 and at + 2 < len(job):
            answers += mood.answer(job[at + 2])
            at = job.find(DLE_EOT, at + 3)
        return answers


class NetworkPrinter(socketserver.TCPServer):
    """``with NetworkPrinter() as printer:`` a printer at ``printer.target`` (tcp://...)."""

    allow_reuse_address = True

    def __init__(self, mood: Mood | None = None) -> None:
        self.mood = mood or Mood()
        self.tape = Tape()
        super().__init__(("127.0.0.1", 0), _Connection)
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def target(self) -> str:
        return f"tcp://127.0.0.1:{self.server_address[1]}"

    @property
    def jobs(self) -> list[bytes]:
        return [bytes(job) for job in self.tape.jobs]

    def __enter__(self) -> NetworkPrinter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()


class _Connection(socketserver.BaseRequestHandler):
    server: NetworkPrinter

    def handle(self) -> None:
        mood, tape = self.server.mood, self.server.tape
        job = tape.new_job()
        while True:
            room = 4096 if mood.drop_after is None else mood.drop_after - len(job)
            if room <= 0:  # hang up hard (RST), with the rest of the slip unread
                self.request.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                return
            data = self.request.recv(room)
            if not data:
                return
            answers = tape.feed(job, data, mood)
            if answers:
                self.request.sendall(answers)


class SerialPrinter:
    """A printer on the serial device ``printer.device`` (the slave end of a pty)."""

    def __init__(self, mood: Mood | None = None) -> None:
        self.mood = mood or Mood()
        self.tape = Tape()
        self._master, self._slave = os.openpty()
        self.device = os.ttyname(self._slave)
        self._stop_r, self._stop_w = os.pipe()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def received(self) -> bytes:
        return b"".join(self.tape.jobs)

    def __enter__(self) -> SerialPrinter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        os.write(self._stop_w, b"x")
        self._thread.join()
        for fd in (self._master, self._slave, self._stop_r, self._stop_w):
            os.close(fd)

    def _serve(self) -> None:
        job = self.tape.new_job()
        with selectors.DefaultSelector() as selector:
            selector.register(self._master, selectors.EVENT_READ)
            selector.register(self._stop_r, selectors.EVENT_READ)
            while True:
                ready = {key.fd for key, _ in selector.select()}
                if self._stop_r in ready:
                    return
                answers = self.tape.feed(job, os.read(self._master, 4096), self.mood)
                if answers:
                    os.write(self._master, answers)
