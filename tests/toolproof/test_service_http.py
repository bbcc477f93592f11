"""The coalescing transport under uvicorn's protocol: one write per response, nothing
held past the loop step that wrote it, nothing lost on close."""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

import httpx

from tests.toolproof.live import uvicorn_thread
from toolproof.service._http import HOLD_BYTES, CoalescingTransport, HttpToolsProtocol


class Recorder:
    """The real transport's part: records what reaches the socket."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed, "written after close"
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else default


def run(scenario: Any) -> Recorder:
    recorder = Recorder()

    async def main() -> None:
        transport = CoalescingTransport(recorder, asyncio.get_running_loop())  # type: ignore[arg-type]
        await scenario(transport, recorder)

    asyncio.run(main())
    return recorder


def test_writes_of_one_step_leave_as_one() -> None:
    async def scenario(t: CoalescingTransport, r: Recorder) -> None:
        t.write(b"HTTP/1.1 200 OK\r\n\r\n")
        t.write(b"body")
        assert r.writes == []  # still in this step
        await asyncio.sleep(0)
        assert r.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]

    run(scenario)


def test_a_streamed_response_leaves_step_by_step() -> None:
    async def scenario(t: CoalescingTransport, r: Recorder) -> None:
        t.write(b"head")
        await asyncio.sleep(0)
        t.write(b"chunk 1")
        await asyncio.sleep(0.01)
        assert r.writes == [b"head", b"chunk 1"]

    run(scenario)


def test_a_large_write_is_not_held() -> None:
    big = b"x" * (HOLD_BYTES + 1)

    async def scenario(t: CoalescingTransport, r: Recorder) -> None:
        t.write(b"head")
        t.write(big)
        assert r.writes == [b"head" + big]  # at once, before the step ends
        await asyncio.sleep(0)
        assert len(r.writes) == 1  # and the scheduled flush has nothing left

    run(scenario)


def test_close_sends_what_is_held_first_and_later_writes_are_dropped() -> None:
    async def scenario(t: CoalescingTransport, r: Recorder) -> None:
        t.write(b"last words")
        t.close()
        assert r.writes == [b"last words"] and r.closed
        t.write(b"too late")
        await asyncio.sleep(0)
        assert r.writes == [b"last words"]

    run(scenario)


def test_writelines_and_write_eof_keep_the_order() -> None:
    class EofRecorder(Recorder):
        def write_eof(self) -> None:
            self.writes.append(b"<eof>")

    recorder = EofRecorder()

    async def main() -> None:
        t = CoalescingTransport(recorder, asyncio.get_running_loop())  # type: ignore[arg-type]
        t.write(b"a")
        t.writelines([b"b", b"c"])
        t.write_eof()

    asyncio.run(main())
    assert recorder.writes == [b"abc", b"<eof>"]


def test_other_attributes_are_the_real_transports() -> None:
    async def scenario(t: CoalescingTransport, r: Recorder) -> None:
        assert t.get_extra_info("peername") == ("127.0.0.1", 1)
        assert t.is_closing() is False

    run(scenario)


def test_uvicorn_with_the_protocol_answers_and_streams() -> None:
    """A real uvicorn server on loopback with the protocol: plain answers on one
    connection, a streamed one whose first chunk arrives before the app finishes, and
    ``Expect: 100-continue`` from a client that sends its body only after the interim
    answer (held, it would never come)."""
    release = threading.Event()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["path"] == "/stream":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"first\n", "more_body": True})
            while not release.is_set():
                await asyncio.sleep(0.01)
            await send({"type": "http.response.body", "body": b"second\n"})
            return
        headers = [(b"content-length", str(len(body) + 5).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"echo:" + body})

    try:
        with uvicorn_thread(app, http=HttpToolsProtocol, lifespan="off") as url:
            _plain_and_streamed(url, release)
            _expect_continue(url)
    finally:
        release.set()


def _plain_and_streamed(url: str, release: threading.Event) -> None:
    with httpx.Client(timeout=10) as client:
        for _ in range(3):  # keep-alive: the same connection answers again
            r = client.post(url + "/echo", content=b"ping")
            assert (r.status_code, r.content) == (200, b"echo:ping")
        with client.stream("GET", url + "/stream") as stream:
            lines = stream.iter_lines()
            assert next(lines) == "first"  # before the app is released
            release.set()
            assert next(lines) == "second"


def _expect_continue(url: str) -> None:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"
        )
        assert raw.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n")
        raw.sendall(b"pong")
        answer = b""
        while not answer.endswith(b"echo:pong"):
            chunk = raw.recv(4096)
            assert chunk, answer
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")


def test_any_sequence_of_writes_arrives_whole_and_in_order() -> None:
    """Property: whatever the writes and loop steps, the socket gets every byte once, in
    order, in at most one write per step unless a step holds more than ``HOLD_BYTES``."""
    from hypothesis import given, settings, strategies as st

    step = st.lists(st.binary(min_size=0, max_size=HOLD_BYTES // 2), max_size=5)

    @settings(max_examples=60, deadline=None)
    @given(st.lists(step, max_size=6))
    def check(steps: list[list[bytes]]) -> None:
        recorder = Recorder()
        writes_per_step: list[int] = []

        async def main() -> None:
            t = CoalescingTransport(recorder, asyncio.get_running_loop())  # type: ignore[arg-type]
            for chunks in steps:
                before = len(recorder.writes)
                for chunk in chunks:
                    t.write(chunk)
                await asyncio.sleep(0)  # the step ends: what it held goes out
                writes_per_step.append(len(recorder.writes) - before)
            t.close()

        asyncio.run(main())
        sent = [c for chunks in steps for c in chunks]
        assert b"".join(recorder.writes) == b"".join(sent)
        for chunks, n in zip(steps, writes_per_step, strict=True):
            if sum(map(len, chunks)) <= HOLD_BYTES:
                assert n <= 1

    check()
