"""Hostile multi-turn outputs and backends: verdicts, never a crash of the run.

Model output is parsed, never evaluated: code smuggled into a call string or a function
name reaches no ``eval`` (the sandbox's evaluator knows the backends' methods and
literals only). A backend that loops, allocates without end, kills its worker or raises
costs only its entry (``toolproof:timeout``, ``toolproof:backend_error``) and the next
entry runs on a fresh worker.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox import Limits
from verifier.bfcl import Backends, MultiTurnEntry, MultiTurnRunner, load_backends

HOSTILE = """
import os

class Note:
    # no __eq__: two notes are equal only if they are the same object
    pass

class TwitterAPI:
    def __init__(self):
        self.posts = []
        self.notes = []

    def note(self):
        self.notes.append(Note())
        return "noted"

    def _load_scenario(self, scenario, long_context=False):
        self.posts = list(scenario.get("posts", []))

    def post(self, text):
        self.posts.append(text)
        return {"posted": text}

    def loop(self):
        while True:
            pass

    def hog(self):
        blocks = []
        while True:
            blocks.append(bytearray(1 << 20))

    def die(self):
        os._exit(3)

    def boom(self):
        raise ValueError("backend bug")
"""


def _entry(truth: list[list[str]], name: str = "multi_turn_base_900") -> MultiTurnEntry:
    return MultiTurnEntry(name, "multi_turn_base", {"TwitterAPI": {}}, ["TwitterAPI"], truth)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MultiTurnRunner]:
    directory = tmp_path_factory.mktemp("backends")
    (directory / "posting_api.py").write_text(HOSTILE)
    backends = load_backends(directory)
    assert not backends.trusted
    limits = Limits(wall_s=1.0, cpu_s=2, memory_bytes=256 << 20, output_bytes=1 << 20)
    with MultiTurnRunner(backends, workers=1, trusted=True, limits=limits) as runner:
        yield runner


def _check(runner: MultiTurnRunner, truth: list[list[str]], result: Any) -> tuple[Any, ...]:
    (verdict,) = runner.check([(_entry(truth), result)])
    return verdict.valid, verdict.error_type


@pytest.mark.parametrize(
    ("call", "error_type"),
    [
        ("loop()", "toolproof:timeout"),
        ("hog()", "toolproof:backend_error"),
        ("die()", "toolproof:backend_error"),
    ],
)
def test_a_backend_that_loops_hogs_or_dies_is_a_verdict(
    hostile: MultiTurnRunner, call: str, error_type: str
) -> None:
    assert _check(hostile, [[call]], [[f"[{call}]"]]) == (False, error_type)
    # the sessions recover: the next entry runs on fresh workers
    assert _check(hostile, [["post(text='hi')"]], [["[post(text='hi')]"]]) == (True, None)


def test_a_backend_that_raises_gives_bfcls_error_result(hostile: MultiTurnRunner) -> None:
    # BFCL turns an exception into the call's result text; both sides raise alike
    assert _check(hostile, [["boom()"]], [["[boom()]"]]) == (True, None)
    assert _check(hostile, [["boom()"]], [["[post(text='x')]"]]) == (
        False,
        "multi_turn:instance_state_mismatch",
    )


def test_state_compared_by_identity_is_never_equal_as_in_bfcl(hostile: MultiTurnRunner) -> None:
    # BFCL compares attributes with !=: the model's Note is not the ground truth's Note,
    # however alike they pickle; a digest shortcut must not call them equal
    assert _check(hostile, [["note()"]], [["[note()]"]]) == (
        False,
        "multi_turn:instance_state_mismatch",
    )


@pytest.mark.parametrize(
    "result",
    [
        [["[__import__('os').system('touch /tmp/toolproof-pwned')]"]],
        [[[{"post": json.dumps({"text=__import__('os').getcwd(),x": 1})}]]],
        [[[{"__import__('os').system": json.dumps({"command": "id"})}]]],
        [["[exec(source='import os')]", "[eval(source='1')]", "[post.__globals__()]"]],
        [["[post(text=open('/etc/passwd').read())]"]],
    ],
)
def test_model_output_never_reaches_eval(
    hostile: MultiTurnRunner, result: Any, tmp_path: Path
) -> None:
    valid, error_type = _check(hostile, [["post(text='hi')"]], result)
    assert not valid
    assert error_type in (
        "multi_turn:instance_state_mismatch",
        "multi_turn:empty_turn_model_response",
    )
    assert not Path("/tmp/toolproof-pwned").exists()


def test_what_the_evaluator_refuses_is_an_execution_error_text(bfcl_backends: Backends) -> None:
    calls = ["add(a=1, b=2)", "add(a=len('x'), b=2)", "kill(a=1)", "add(a=1, b=(2,", "mean()"]
    begin = {"entry_id": "x", "side": "model", "initial_config": {},
             "involved_classes": ["MathAPI"], "class_modules": {"MathAPI": "math_api"},
             "stateless": ["MathAPI"], "long_context": False}  # fmt: skip
    with (
        MultiTurnRunner(bfcl_backends, workers=1) as runner,
        runner.sandbox.session(runner.bundle, runner.limits) as session,
    ):
        assert session.call("begin", begin).ok
        outcome = session.call("execute", {"steps": [calls]})
    assert outcome.ok, outcome.error
    (results,) = outcome.value["results"]
    assert results[0] == '{"result": 3}'
    assert results[1] == "Error during execution: name 'len' is not defined"
    assert results[2] == "Error during execution: Function call kill is not allowed."
    assert results[3].startswith("Error during execution: ") and "<string>" in results[3]
    assert results[4].startswith("Error during execution: ") and "numbers" in results[4]
