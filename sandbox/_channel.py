"""Host side of the runner's wire format: length-prefixed JSON frames on a stream socket.

Frames are read by the runner's own reader (``sandbox._runner.FrameReader``, stdlib-only
as the runner must be); this side adds deadlines and the spin before a lone reply.
"""

from __future__ import annotations

import json
import select
import socket
import time
from typing import Any

from sandbox._runner import HEADER, FrameError, FrameReader, poll_recv

SPIN_S = 200e-6
"""How long ``recv(spin=True)`` polls without sleeping before it blocks. A small call is
answered within this; waking a sleeping thread costs more here than the spin (see
bench/bench_sandbox.py), and only lone calls spin, so pipelined batches never burn CPU."""
_ENCODER = json.JSONEncoder(separators=(",", ":"))


class ChannelClosed(Exception):
    """The worker closed the connection, or sent something that is not a frame."""


class ChannelTimeout(Exception):
    """No complete frame arrived before the deadline."""


class Channel:
    """One connected socket to one runner. Not thread-safe: a session owns it."""

    def __init__(self, sock: socket.socket, max_frame: int) -> None:
        self.sock, self.frames = sock, FrameReader(max_frame)
        sock.settimeout(None)  # blocking; deadlines are kept with poll(), not socket timeouts
        self.poller = select.poll()
        self.poller.register(sock, select.POLLIN)

    def send(self, *objs: dict[str, Any]) -> None:
        """Frames of ``objs``, in one write; all are encoded before anything is sent (a
        TypeError or ValueError for a value JSON cannot hold means nothing was sent)."""
        frames = [_ENCODER.encode(obj).encode() for obj in objs]
        try:
            self.sock.sendall(b"".join(HEADER.pack(len(body)) + body for body in frames))
        except OSError as exc:
            raise ChannelClosed(f"send failed: {exc}") from None

    def recv(self, deadline: float | None, spin: bool = False) -> dict[str, Any]:
        """The next frame, waiting until ``deadline`` (a ``time.monotonic()`` value);
        ``spin``: poll for up to :data:`SPIN_S` before sleeping (a lone call's reply)."""
        spinning = spin

        def receive() -> bytes:
            nonlocal spinning
            try:  # pipelined replies are usually waiting already: one syscall
                return self.sock.recv(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                chunk = self._spin_recv() if spinning else b""
                spinning = False
                return chunk or self._wait_and_recv(deadline)
            except OSError as exc:
                raise ChannelClosed(f"receive failed: {exc}") from None

        try:
            obj = self.frames.read(receive)
        except FrameError as exc:
            raise ChannelClosed(f"the worker sent {exc}") from None
        if obj is None:
            raise ChannelClosed("the worker closed the connection")
        return obj

    def _spin_recv(self) -> bytes:
        """Data that arrives within :data:`SPIN_S`, else b"" (an EOF or an error comes back
        as b"" too, and the blocking receive that follows reports it)."""
        try:
            return poll_recv(self.sock, time.perf_counter() + SPIN_S) or b""
        except OSError:
            return b""

    def _wait_and_recv(self, deadline: float | None) -> bytes:
        timeout_ms = -1
        if deadline is not None:
            timeout_ms = max(0, int((deadline - time.monotonic()) * 1000) + 1)
        if not self.poller.poll(timeout_ms):
            raise ChannelTimeout()
        try:
            return self.sock.recv(65536)
        except OSError as exc:
            raise ChannelClosed(f"receive failed: {exc}") from None

    def close(self) -> None:
        self.sock.close()
