"""Host side of the runner's wire format: length-prefixed JSON frames on a stream socket.

Frames are read by the runner's own reader (``sandbox._runner.FrameReader``, stdlib-only
as the runner must be); this side adds deadlines.

Neither side busy-polls for the other's next message. Both did (the host 200 µs for a
lone call's reply, the runner 100 µs for the next request), which pays only while each
side has a core of its own: interleaved rounds of 400 lone calls on the 2-core machine
shared with other work (load ~7) gave a round trip p50 of 339 µs with both spins (each
spin kept the other side off the core it waited for), 32-33 µs with either one alone or
none; the spins won ~9 µs only at the quietest moments (23 against 32 µs).
"""

from __future__ import annotations

import json
import select
import socket
import time
from typing import Any

from sandbox._runner import HEADER, FrameError, FrameReader

_ENCODER = json.JSONEncoder(separators=(",", ":"))


def encode_frames(*objs: dict[str, Any]) -> bytes:
    """The wire bytes of ``objs``; TypeError or ValueError for a value JSON cannot hold."""
    frames = [_ENCODER.encode(obj).encode() for obj in objs]
    return b"".join(HEADER.pack(len(body)) + body for body in frames)


class ChannelClosed(Exception):
    """The worker closed the connection, or sent something that is not a frame."""


class ChannelTimeout(Exception):
    """No complete frame arrived before the deadline."""


class Channel:
    """One connected socket to one runner. Not thread-safe: a session owns it."""

    def __init__(self, sock: socket.socket, max_frame: int) -> None:
        self.sock, self.frames = sock, FrameReader(max_frame)
        # bytes one write may hold and never wait for the peer to read (a quarter of the
        # send buffer: the kernel also counts its own overhead per buffer against it)
        self.room = sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) // 4
        sock.settimeout(None)  # blocking; deadlines are kept with poll(), not socket timeouts
        self.poller = select.poll()
        self.poller.register(sock, select.POLLIN)

    def send(self, *objs: dict[str, Any]) -> None:
        """Frames of ``objs``, in one write; all are encoded before anything is sent (a
        TypeError or ValueError for a value JSON cannot hold means nothing was sent)."""
        self.send_encoded(encode_frames(*objs))

    def send_encoded(self, data: bytes) -> None:
        """Frames already encoded by :func:`encode_frames`, in one write."""
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise ChannelClosed(f"send failed: {exc}") from None

    def recv(self, deadline: float | None) -> dict[str, Any]:
        """The next frame, waiting until ``deadline`` (a ``time.monotonic()`` value)."""

        def receive() -> bytes:
            try:  # pipelined replies are usually waiting already: one syscall
                return self.sock.recv(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return self._wait_and_recv(deadline)
            except OSError as exc:
                raise ChannelClosed(f"receive failed: {exc}") from None

        try:
            obj = self.frames.read(receive)
        except FrameError as exc:
            raise ChannelClosed(f"the worker sent {exc}") from None
        if obj is None:
            raise ChannelClosed("the worker closed the connection")
        return obj

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
