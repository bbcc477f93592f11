"""The runner in this process: restricted compilation, the import guard, the wire format."""

from __future__ import annotations

import ast
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox import _runner
from sandbox._channel import Channel, ChannelClosed, ChannelTimeout
from sandbox._runner import HEADER, Program, Runner, RunnerError, TailBuffer, open_program


def program(source: str, restrict: bool = True, **modules: str) -> Program:
    req = {"modules": {"main": source, **modules}, "main": "main", "restrict": restrict}
    return open_program(req, TailBuffer(100))


def test_entries_state_and_reset() -> None:
    p = program("COUNT = [0]\ndef bump(by):\n    COUNT[0] = COUNT[0] + by\n    return COUNT[0]\n")
    assert p.call("bump", {"by": 2}) == 2
    assert p.call("main:bump", {"by": 3}) == 5
    p.reset()
    assert p.call("bump", {"by": 1}) == 1


def test_bundle_modules_import_each_other() -> None:
    p = program("import helper\ndef f(x):\n    return helper.double(x)\n",
                helper="def double(x):\n    return 2 * x\n")  # fmt: skip
    assert p.call("f", {"x": 21}) == 42
    assert p.call("helper:double", {"x": 2}) == 4


def test_shared_modules_run_once_per_runner_and_survive_reset() -> None:
    lib = "import random\nTOKEN = random.random()\n"
    main = (
        "import lib\nRUNS = [0]\n"
        "def token():\n    RUNS[0] = RUNS[0] + 1\n    return [lib.TOKEN, RUNS[0]]\n"
    )

    def load(shared: list[str], source: str = main) -> Program:
        req = {"modules": {"main": source, "lib": lib}, "main": "main", "shared": shared}
        return open_program(req, TailBuffer(100))

    first = load(["lib"])
    token = first.call("token", {})[0]
    assert first.call("token", {}) == [token, 2]
    first.reset()  # the bundle's own module starts over; the shared one is kept
    assert first.call("token", {}) == [token, 1]
    assert load(["lib"], main + "\n").call("token", {}) == [token, 1]  # another bundle
    assert load([]).call("token", {})[0] != token  # not shared: a module of its own
    assert load(["main"]).modules["main"] is not load(["main"]).modules["main"]


def test_a_load_naming_a_reset_entry_keeps_the_program_and_resets_it() -> None:
    """A later load of the same modules calls the entry instead of executing them again;
    other modules, or no entry named, load afresh."""
    main = (
        "import random\nTOKEN = random.random()\nSTATE = {'n': 0}\n"
        "def bump():\n    STATE['n'] = STATE['n'] + 1\n    return [TOKEN, STATE['n']]\n"
        "def clear():\n    STATE['n'] = 0\n"
    )

    def load(source: str = main, reset: str = "clear") -> Program:
        return open_program({"modules": {"main": source}, "reset": reset}, TailBuffer(100))

    first = load()
    token = first.call("bump", {})[0]
    assert first.call("bump", {}) == [token, 2]
    again = load()
    assert again is first
    assert again.call("bump", {}) == [token, 1]  # reset by the entry, not executed again
    assert load(main + "\n").call("bump", {})[0] != token  # other modules
    assert load(reset="").call("bump", {})[0] != token  # no entry: a fresh load
    broken = load(reset="missing")  # an entry that fails: executed afresh
    assert load(reset="missing") is not broken


@pytest.mark.parametrize(
    ("source", "kind", "match"),
    [
        ("def f(:\n", "compile", "SyntaxError|invalid syntax"),
        ("_secret = 1\n", "compile", 'starts with "_"'),
        ("x = ().__class__\n", "compile", 'starts with "_"'),
        ("g = (i for i in [])\nx = g.gi_frame\n", "compile", "gi_frame"),
        ("raise ValueError('at load')\n", "compile", "at load"),
        ("import a\n", "compile", "not allowed"),
    ],
)
def test_bad_bundles_fail_to_load(source: str, kind: str, match: str) -> None:
    with pytest.raises(RunnerError, match=match) as info:
        program(source)
    assert info.value.kind == kind


def test_missing_entries_and_bad_args() -> None:
    p = program("def f():\n    return 1\n")
    for entry in ("nope", "_private", "other:f"):
        with pytest.raises(RunnerError, match="no entry") as info:
            p.call(entry, {})
        assert info.value.kind == "entry"
    with pytest.raises(RunnerError, match="JSON object") as info:
        p.call("f", [1])
    assert info.value.kind == "args"


def test_allowed_modules_are_views_without_submodules_or_os_access() -> None:
    p = program(
        "import json, statistics, uuid, string, datetime, random, hashlib, re, math, decimal\n"
        "def probe(name, attr):\n"
        "    mods = {'json': json, 'statistics': statistics, 'uuid': uuid, 'string': string}\n"
        "    return getattr(mods[name], attr, 'absent')\n"
        "def use():\n"
        "    r = random.Random(7)\n"
        "    return [json.dumps({'a': 1}), round(statistics.mean([1, 2]), 1),\n"
        "            len(str(uuid.uuid4())), hashlib.sha256(b'x').hexdigest()[:4],\n"
        "            re.sub('a', 'b', 'aa'), math.floor(1.5), str(decimal.Decimal('1.10')),\n"
        "            r.randint(1, 1), datetime.date(2024, 1, 2).isoformat()]\n"
    )
    assert p.call("use", {}) == ['{"a": 1}', 1.5, 36, "2d71", "bb", 1, "1.10", 1, "2024-01-02"]
    for name, attr in [("statistics", "sys"), ("uuid", "os"), ("uuid", "getnode"),
                       ("string", "Formatter"), ("json", "decoder")]:  # fmt: skip
        assert p.call("probe", {"name": name, "attr": attr}) == "absent"


def test_dates_parse_under_restriction_but_helpers_stay_unnameable() -> None:
    """datetime.strptime imports _strptime through the bundle's import guard; bundle code
    itself still cannot import it (a name starting with "_" does not compile)."""
    parse = "    return datetime.datetime.strptime(s, '%Y-%m-%d').strftime('%A')\n"
    p = program("import datetime\ndef day(s):\n" + parse)
    assert p.call("day", {"s": "2026-11-28"}) == "Saturday"
    with pytest.raises(RunnerError) as caught:
        program("import _strptime\ndef f():\n    return 1\n")
    assert caught.value.kind == "compile"


def test_print_goes_to_the_tail_buffer() -> None:
    out = TailBuffer(10)
    p = open_program({"modules": {"m": "def f():\n    print('hello', 'world', sep='-')\n"},
                      "restrict": True}, out)  # fmt: skip
    p.call("f", {})
    assert out.take() == "llo-world\n"
    assert out.take() == ""


def test_unrestricted_mode_runs_plain_python() -> None:
    p = program("import os\ndef f():\n    return os.sep + type(1).__name__\n", restrict=False)
    assert p.call("f", {}) == "/int"


@pytest.fixture
def served() -> Iterator[Channel]:
    host, child = socket.socketpair()
    runner = Runner(child, {"output_bytes": 1000, "stdout_tail": 50})
    thread = threading.Thread(target=runner.serve, daemon=True)
    thread.start()
    channel = Channel(host, max_frame=1 << 20)
    yield channel
    channel.close()
    thread.join(5)
    child.close()


def ask(channel: Channel, req: dict[str, Any]) -> dict[str, Any]:
    channel.send(req)
    return channel.recv(None)


def test_wire_protocol_load_calls_and_errors(served: Channel) -> None:
    source = ("def ok(x):\n    print('p' * 100)\n    return x\n"
              "def nan():\n    return float('nan')\n"
              "def big():\n    return 'x' * 20000\n"
              "def obj():\n    return {1, 2}\n"
              "def oops():\n    raise KeyError('k')\n")  # fmt: skip
    assert ask(served, {"op": "ping"})["ok"]
    assert ask(served, {"op": "load", "modules": {"m": source}, "restrict": True}) == {"ok": True}
    served.send({"op": "calls", "calls": [["ok", {"x": [1]}], ["nan", {}], ["big", {}],
                                          ["obj", {}], ["oops", {}], ["ok", 3]]})  # fmt: skip
    replies = [served.recv(None) for _ in range(6)]
    assert replies[0]["value"] == [1] and replies[0]["stdout"] == "p" * 49 + "\n"
    kinds = [r["error"]["kind"] for r in replies[1:]]
    assert kinds == ["result", "output", "result", "raised", "args"]
    assert replies[4]["error"]["type"] == "KeyError"
    bad = ask(served, {"op": "load", "modules": {"m": "def f(:"}, "restrict": True})
    assert bad["error"]["kind"] == "compile"
    served.send({"op": "calls", "calls": [["f", {}]]})
    assert served.recv(None)["error"]["kind"] == "compile"


def test_channel_rejects_oversized_and_garbage_frames() -> None:
    a, b = socket.socketpair()
    channel = Channel(a, max_frame=10)
    b.sendall(HEADER.pack(11) + b"x" * 11)
    with pytest.raises(ChannelClosed, match="exceeds"):
        channel.recv(None)
    channel = Channel(a, max_frame=100)
    b.sendall(HEADER.pack(3) + b"[1]")
    with pytest.raises(ChannelClosed, match="not an object"):
        channel.recv(None)
    b.sendall(HEADER.pack(2) + b"\xff{")
    with pytest.raises(ChannelClosed, match="not JSON"):
        channel.recv(None)
    import time

    with pytest.raises(ChannelTimeout):
        channel.recv(time.monotonic() + 0.05)
    b.close()
    with pytest.raises(ChannelClosed, match="closed"):
        channel.recv(None)
    a.close()


def test_receive_waits_for_a_reply_in_pieces_and_sees_the_peer_close() -> None:
    """A reply that comes later, in pieces, is read whole; a peer that closes while the
    host waits is a closed channel."""
    import time

    a, b = socket.socketpair()
    channel = Channel(a, max_frame=100)
    frame = HEADER.pack(11) + b'{"ok":true}'

    def trickle() -> None:
        for part in (frame[:3], frame[3:8], frame[8:]):
            time.sleep(0.005)
            b.sendall(part)

    sender = threading.Thread(target=trickle)
    sender.start()
    assert channel.recv(time.monotonic() + 5) == {"ok": True}
    sender.join()
    threading.Timer(0.005, b.close).start()
    with pytest.raises(ChannelClosed, match="closed"):
        channel.recv(time.monotonic() + 5)
    a.close()


def test_runner_answers_requests_with_and_without_pauses() -> None:
    """Requests back to back and after a pause are served; the host's close ends it."""
    import time

    host, child = socket.socketpair()
    thread = threading.Thread(target=Runner(child, {}).serve, daemon=True)
    thread.start()
    channel = Channel(host, max_frame=1 << 20)
    for pause in (0.0, 0.005, 0.0):
        time.sleep(pause)
        assert ask(channel, {"op": "ping"})["ok"]
    channel.close()
    thread.join(5)
    assert not thread.is_alive()  # the host closed: the runner's receive saw it and returned
    child.close()


def test_a_request_that_is_not_a_frame_ends_the_runner() -> None:
    """Too large, or not a JSON object: the runner stops serving, the host sees it close."""
    for raw in (HEADER.pack(_runner.MAX_REQUEST + 1), HEADER.pack(3) + b"[1]",
                HEADER.pack(2) + b"\xff{"):  # fmt: skip
        host, child = socket.socketpair()
        thread = threading.Thread(target=Runner(child, {}).serve, daemon=True)
        thread.start()
        host.sendall(raw)
        thread.join(5)
        assert not thread.is_alive()
        host.close()
        child.close()


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_runner_file_imports_only_the_stdlib_and_restrictedpython() -> None:
    runner = Path(_runner.__file__)
    assert _imports(runner) - set(sys.stdlib_module_names) == {"RestrictedPython", "_harden"}
    assert _imports(runner.with_name("_harden.py")) <= set(sys.stdlib_module_names)
