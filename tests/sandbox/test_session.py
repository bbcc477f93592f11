"""Conformance: every backend keeps state, contains bad input, and replaces broken workers."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import pytest

from sandbox import Bundle, Limits, Sandbox, SessionClosedError, create_sandbox

Opener = Callable[..., Sandbox]

STORE = Bundle.from_source(
    "ORDERS = {}\n"
    "def create(item):\n"
    "    oid = 'o' + str(len(ORDERS) + 1)\n"
    "    ORDERS[oid] = {'id': oid, 'item': item}\n"
    "    return ORDERS[oid]\n"
    "def get(id):\n"
    "    return ORDERS.get(id)\n"
    "def spin():\n"
    "    while True:\n"
    "        pass\n"
    "def hog():\n"
    "    return len('x' * (1024 * 1024 * 1024))\n"
    "def obj():\n"
    "    return {1, 2}\n"
    "def shout(n):\n"
    "    for i in range(n):\n"
    "        print('line', i)\n"
    "    return n\n",
    name="store",
)


def test_state_lives_until_reset(backend: Sandbox) -> None:
    with backend.session(STORE) as s:
        assert s.call("create", {"item": "tea"}).value == {"id": "o1", "item": "tea"}
        got = s.call("get", {"id": "o1"})
        assert got.ok and got.value["item"] == "tea" and got.error is None
        assert got.duration_ms > 0 and "cpu_ms" in got.resources
        s.reset()
        assert s.call("get", {"id": "o1"}).value is None
        batch = s.call_many([("create", {"item": str(i)}) for i in range(50)])
        assert [o.value["id"] for o in batch] == [f"o{i}" for i in range(1, 51)]
        assert s.call("store:get", {"id": "o50"}).value == {"id": "o50", "item": "49"}


def test_sessions_never_share_a_worker(backend: Sandbox) -> None:
    with backend.session(STORE) as a:
        a.call("create", {"item": "tea"})
        with backend.session(STORE) as b:
            assert b.call("get", {"id": "o1"}).value is None
            assert a.worker is not b.worker  # type: ignore[attr-defined]


def test_rebind_keeps_the_worker_and_starts_state_empty(backend: Sandbox) -> None:
    other = Bundle.from_source("def hello(name):\n    return 'hi ' + name\n", name="other")
    with backend.session(STORE) as s:
        s.call("create", {"item": "tea"})
        worker = getattr(s, "worker", None)
        s.rebind(other)
        assert s.call("hello", {"name": "ada"}).value == "hi ada"
        assert s.call("create", {"item": "x"}).error.kind == "entry"  # type: ignore[union-attr]
        assert getattr(s, "worker", None) is worker
        s.rebind(STORE)
        assert s.call("get", {"id": "o1"}).value is None
        broken = Bundle.from_source("def f(:\n", name="broken")
        s.rebind(broken)
        assert s.call("f", {}).error.kind == "compile"  # type: ignore[union-attr]
        s.rebind(STORE)
        assert s.call("create", {"item": "tea"}).ok


def test_rebind_reuses_shared_modules_on_the_worker(backend: Sandbox) -> None:
    lib = "import random\nTOKEN = random.random()\n"
    main = "import lib\ndef token():\n    return lib.TOKEN\n"
    one = Bundle({"main": main, "lib": lib}, "main", shared=frozenset({"lib"}))
    two = Bundle({"main": main + "\n", "lib": lib}, "main", shared=frozenset({"lib"}))
    with backend.session(one) as s:
        token = s.call("token", {}).value
        s.rebind(two)
        assert s.call("token", {}).value == token
        s.rebind(Bundle({"main": main, "lib": lib}, "main"))  # not shared: its own copy
        assert s.call("token", {}).value != token
    with pytest.raises(ValueError, match="shared"):
        Bundle({"main": main, "lib": lib}, "main", shared=frozenset({"main"}))


@pytest.mark.parametrize("reset", ["", "clear"])
def test_call_each_answers_as_rebind_and_call_many_would(backend: Sandbox, reset: str) -> None:
    """With a reset entry, loads go quiet (no reply when they work) and a worker resets a
    program it holds: the answers are the same, a failed load's and a first call's that
    costs the worker included (that job runs again step by step)."""
    other = Bundle.from_source("def hello(name):\n    return 'hi ' + name\n", name="other")
    broken = Bundle.from_source("def f(:\n", name="broken")
    if reset:  # what a reset entry must do: restore the state a fresh load has
        store = Bundle.from_source(STORE.modules["store"] + "def clear():\n    ORDERS.clear()\n",
                                   name="store")  # fmt: skip
    else:
        store = STORE
    store, other, broken = (dataclasses.replace(b, reset=reset) for b in (store, other, broken))
    jobs = [
        (store, [("create", {"item": "tea"}), ("get", {"id": "o1"})]),
        (other, [("hello", {"name": "ada"}), ("create", {"item": "x"})]),
        (broken, [("f", {})]),  # a load that fails: its calls get the compile error
        (store, [("get", {"id": "o1"}), ("create", {"item": "c"})]),  # state starts empty
        (store, [("spin", {}), ("create", {"item": "d"})]),  # a call that costs the worker
        (other, []),
        (store, [("get", [1]), ("create", {"item": "e"})]),  # not sendable as planned
    ]
    with backend.session(store, Limits(wall_s=0.5)) as s:
        got = s.call_each(jobs)
        values = [[o.value if o.ok else o.error.kind for o in outcomes] for outcomes in got]  # type: ignore[union-attr]
        assert values == [
            [{"id": "o1", "item": "tea"}, {"id": "o1", "item": "tea"}],
            ["hi ada", "entry"],
            ["compile"],
            [None, {"id": "o1", "item": "c"}],
            ["timeout", {"id": "o1", "item": "d"}],  # the rest on a fresh worker
            [],
            ["args", {"id": "o1", "item": "e"}],
        ]
        assert s.bundle is store and s.call("get", {"id": "o1"}).value["item"] == "e"


def test_call_each_later_answers_in_any_order_and_before_other_uses(backend: Sandbox) -> None:
    """Jobs are written at once and their replies read when asked, in whatever order the
    caller asks; any other use of the session reads the replies sent before it first."""
    first = [(STORE, [("create", {"item": "a"})]), (STORE, [("create", {"item": "b"})])]
    second = [(STORE, [("spin", {}), ("create", {"item": "c"})])]  # costs the worker
    third = [(STORE, [("create", {"item": "d"})])]
    with backend.session(STORE, Limits(wall_s=0.5)) as s:
        one, two = s.call_each_later(first), s.call_each_later(second)
        three = s.call_each_later(third)
        assert s.call("create", {"item": "e"}).value == {"id": "o2", "item": "e"}
        got = [[o.value if o.ok else o.error.kind for o in job] for job in two()]  # type: ignore[union-attr]
        assert got == [["timeout", {"id": "o1", "item": "c"}]]
        assert [[o.value for o in job] for job in three()] == [[{"id": "o1", "item": "d"}]]
        assert [[o.value["item"] for o in job] for job in one()] == [["a"], ["b"]]
        assert one() == one()  # asked again: the same answers


@pytest.mark.parametrize("timeout", [0, -1, math.nan, math.inf])
def test_bad_input_is_an_outcome(backend: Sandbox, timeout: float) -> None:
    with backend.session(STORE) as s:
        outcomes = s.call_many(
            [("nope", {}), ("get", [1]), ("get", "x"), ("obj", {}), ("get", {"id": {1, 2}})]
        )
        kinds = [o.error.kind for o in outcomes if o.error]
        assert kinds == ["entry", "args", "args", "result", "args"]
        assert "known: ['create', 'get'" in outcomes[0].error.message  # type: ignore[union-attr]
        bad = s.call("get", {"id": "o1"}, timeout=timeout)
        assert bad.error is not None and bad.error.kind == "args" and "timeout" in bad.error.message
        assert s.call("create", {"item": "ok"}).ok


@pytest.mark.parametrize(
    ("source", "match"),
    [
        ("def f(:\n", "SyntaxError|invalid syntax"),
        ("import os\n", "not allowed"),
        ("x = 1 / 0\n", "ZeroDivisionError"),
    ],
)
def test_a_bundle_that_does_not_load_fails_every_call(
    backend: Sandbox, source: str, match: str
) -> None:
    with backend.session(Bundle.from_source(source)) as s:
        for outcome in s.call_many([("f", {}), ("g", {})]):
            assert outcome.error is not None and outcome.error.kind == "compile"
            assert outcome.error.message
        s.reset()
        assert s.call("f", {}).error.kind == "compile"  # type: ignore[union-attr]
    with backend.session(STORE) as s:
        assert s.call("create", {"item": "after"}).ok


def test_timeout_replaces_the_worker_and_the_session_goes_on(backend: Sandbox) -> None:
    with backend.session(STORE) as s:
        s.call("create", {"item": "tea"})
        before = s.worker  # type: ignore[attr-defined]
        out = s.call_many([("spin", {}), ("create", {"item": "x"})], timeout=0.3)
        assert out[0].error is not None and out[0].error.kind == "timeout"
        assert out[0].resources["replaced"] and 250 < out[0].duration_ms < 5000
        assert out[1].ok and out[1].value["id"] == "o1"  # fresh worker: state starts over
        assert s.worker is not before  # type: ignore[attr-defined]


def test_memory_limit_is_contained(backend: Sandbox) -> None:
    with backend.session(STORE) as s:
        out = s.call("hog", {})
        assert out.error is not None and out.error.kind in ("memory", "crash"), out
        assert out.replaced_worker
        assert s.call("create", {"item": "ok"}).ok


def test_printed_output_keeps_only_the_tail(backend: Sandbox) -> None:
    with backend.session(STORE, Limits(wall_s=5, stdout_tail=100)) as s:
        out = s.call("shout", {"n": 20000})
        assert out.ok and out.value == 20000
        assert out.stdout_tail.endswith("line 19999\n") and len(out.stdout_tail) == 100


def test_module_body_that_never_finishes(backend: Sandbox) -> None:
    with backend.session(Bundle.from_source("while True:\n    pass\n"), Limits(wall_s=0.5)) as s:
        out = s.call("f", {})
        assert out.error is not None and out.error.kind == "timeout"
    with backend.session(STORE) as s:
        assert s.call("create", {"item": "after"}).ok


def test_closed_sandbox_refuses_calls(backend: Sandbox, opener: Opener) -> None:
    sandbox = opener(backend.name, pool_size=0)
    session = sandbox.session(STORE)
    assert session.call("create", {"item": "tea"}).ok
    sandbox.close()
    with pytest.raises(SessionClosedError):
        session.call("get", {"id": "o1"})
    with pytest.raises(SessionClosedError):
        session.reset()


def test_preloaded_modules_are_compiled_before_a_session_leases_the_worker() -> None:
    runtime = "def twice(x):\n    return 2 * x\n"
    with create_sandbox("process", pool_size=1, preload={"rt": runtime, "bad": "def (:"}) as sb:
        bundle = Bundle({"m": "import rt\ndef f(x):\n    return rt.twice(x)\n", "rt": runtime}, "m")
        with sb.session(bundle) as s:
            assert s.call("f", {"x": 21}).value == 42
        with sb.session(Bundle({"bad": "def (:"})) as s:
            assert s.call("f", {}).error.kind == "compile"  # type: ignore[union-attr]


def test_held_sources_go_by_digest_and_a_dropped_one_is_sent_whole() -> None:
    runtime = "def twice(x):\n    return 2 * x\n"
    with create_sandbox("process", pool_size=1, preload={"rt": runtime}) as sb:
        bundle = Bundle({"m": "import rt\ndef f(x):\n    return rt.twice(x)\n", "rt": runtime}, "m")
        with sb.session(bundle) as s:
            primed = s.primed  # type: ignore[attr-defined]  # what the first load sent by digest
            assert bundle.digests["rt"] in primed and bundle.digests["m"] not in primed
            sent = s._load_request()["modules"]  # type: ignore[attr-defined]
            assert sent == {name: {"sha256": d} for name, d in bundle.digests.items()}
            assert s.call("f", {"x": 21}).value == 42
            other = Bundle({"n": "def g():\n    return 'new'\n"}, "n")
            s.held.add(other.digests["n"])  # type: ignore[attr-defined]  # it never had it
            s.rebind(other)
            assert s.call("g", {}).value == "new"  # refused as stale, then sent whole


def test_a_rebind_waits_for_a_call_it_can_send(backend: Sandbox) -> None:
    other = Bundle.from_source("def hello(name):\n    return 'hi ' + name\n", name="other")
    with backend.session(STORE) as s:
        s.call("create", {"item": "tea"})
        s.rebind(other)
        bad = s.call_many([("hello", {"name": {1, 2}})])  # not JSON: nothing was sent
        assert bad[0].error is not None and bad[0].error.kind == "args"
        assert s.call("hello", {"name": "ada"}).value == "hi ada"  # the rebind went with it
        s.reset()
        s.rebind(STORE)
        assert s.call("get", {"id": "o1"}).value is None
