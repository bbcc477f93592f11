"""Host side of the runner's wire format: length-prefixed JSON frames on a stream socket."""

from __future__ import annotations

import json
import select
import socket
import time
from typing import Any

from sandbox._runner import HEADER, poll_recv

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
        self.sock, self.max_frame = sock, max_frame
        self.buf = bytearray()
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
        buf = self.buf
        while True:
            if len(buf) >= 4:
                (size,) = HEADER.unpack_from(buf)
                if size > self.max_frame:
                    raise ChannelClosed(f"frame of {size} bytes exceeds {self.max_frame}")
                if len(buf) >= 4 + size:
                    body = bytes(buf[4 : 4 + size])
                    del buf[: 4 + size]
                    try:
                        obj = json.loads(body)
                    except ValueError:  # UnicodeDecodeError included
                        raise ChannelClosed("the worker sent a frame that is not JSON") from None
                    if not isinstance(obj, dict):
                        raise ChannelClosed("the worker sent a frame that is not an object")
                    return obj
            try:  # pipelined replies are usually waiting already: one syscall
                chunk = self.sock.recv(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                chunk = self._spin_recv() if spin else b""
                spin = False
                if not chunk:
                    chunk = self._wait_and_recv(deadline)
            except OSError as exc:
                raise ChannelClosed(f"receive failed: {exc}") from None
            if not chunk:
                raise ChannelClosed("the worker closed the connection")
            buf += chunk

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
