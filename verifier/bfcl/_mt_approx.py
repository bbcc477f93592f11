"""Multi-turn checking without BFCL's backends: an approximation on compiled mocks.

When ``toolproof bfcl backends fetch`` has not run (no network, say), the multi-turn
categories still get checked, on toolproof's compiled stateful mocks of the entries'
function docs instead of BFCL's backends: per turn, the model's decoded calls run on one
mock session and the ground truth's on another, and the first failing turn decides, with
BFCL's checks and error types: an empty turn, the records the calls created, changed or
deleted differing between the sessions (``instance_state_mismatch``), a ground-truth
result missing from the model's results so far (``execution_response_mismatch``).

It is an approximation, and every output says so: mocks do not load the entry's initial
state (a file system's files, an account's balance), their answers are generated, not
computed, and only what the mock runtime can see as a change (a create, an update, a
cancel, a delete) counts as state. Identical call sequences get identical answers.
"""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from mock_apis import MockRunner, MockSession, compile_toolset
from toolspec import ToolSpec, import_tools
from toolspec.errors import ToolproofError
from verifier.bfcl._backends import CLASS_MODULES
from verifier.bfcl._check import Verdict
from verifier.bfcl._mt_check import (
    EMPTY_TURN,
    RESPONSE_MISMATCH,
    STATE_MISMATCH,
    MultiTurnEntry,
    missing_results,
    shape_verdict,
)
from verifier.bfcl._mt_decode import decode_turns, is_function_calling

DOCS = Path(__file__).parent / "data" / "multi_turn_func_doc"
APPROXIMATION = (
    "approximation: BFCL's backends are not here (`toolproof bfcl backends fetch`), so the "
    "calls ran on compiled mocks of the function docs, without the entries' initial state"
)


@cache
def _specs(module: str) -> tuple[ToolSpec, ...]:
    lines = (DOCS / f"{module}.json").read_text(encoding="utf-8").splitlines()
    return tuple(import_tools([json.loads(line) for line in lines if line.strip()]))


class ApproxMultiTurnRunner:
    """``check`` as :class:`MultiTurnRunner` has it, on compiled mocks run in-process
    (compiled-from-spec code only: nothing from the results is executed)."""

    def __init__(self) -> None:
        self.runner = MockRunner("inprocess")

    def check(self, items: list[tuple[MultiTurnEntry, Any]]) -> list[Verdict]:
        return [self._one(entry, result) for entry, result in items]

    def _one(self, entry: MultiTurnEntry, result: Any) -> Verdict:
        early = shape_verdict(entry, result)
        if early is not None:
            return replace(early, approximation=True)
        specs = [s for c in entry.involved_classes if c in CLASS_MODULES
                 for s in _specs(CLASS_MODULES[c])]  # fmt: skip
        bundle = compile_toolset(specs)
        params = {s.name: list(s.parameters.get("properties") or {}) for s in specs}
        turns = decode_turns(result, is_function_calling(result))
        with self.runner.session(bundle) as model, self.runner.session(bundle) as truth:
            so_far: list[str] = []
            for index, (steps, expected) in enumerate(zip(turns, entry.ground_truth, strict=True)):
                so_far += [_run(model, call, params) for step in steps for call in step]
                truth_results = [_run(truth, call, params) for call in expected]
                if not expected:
                    continue
                if not steps:
                    return _fail(
                        entry, EMPTY_TURN, f"Model response list is empty for turn {index}"
                    )
                if model.state().result != truth.state().result:
                    return _fail(entry, STATE_MISMATCH, "Model mock state does not match the "
                                 f"ground truth's after turn {index}.")  # fmt: skip
                if missing_results(truth_results, so_far):
                    return _fail(entry, RESPONSE_MISMATCH, "Model response execution results so "
                                 "far do not contain all the ground truth response execution "
                                 f"results for turn {index}.")  # fmt: skip
        return Verdict(entry.id, True, category=entry.category, approximation=True)

    def close(self) -> None:
        self.runner.close()

    def __enter__(self) -> ApproxMultiTurnRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _run(session: MockSession, call: str, params: dict[str, list[str]]) -> str:
    """One call string on the session, its answer as BFCL compares answers (a string)."""
    try:
        name, args = _parse(call, params)
    except (SyntaxError, ValueError) as exc:
        return f"Error during execution: {exc}"
    try:
        outcome = session.call(name, args)
    except ToolproofError as exc:
        return f"Error during execution: {exc.message}"
    if outcome.ok:
        return json.dumps(outcome.result, sort_keys=True, default=str)
    return "Error during execution: " + "; ".join(f["message"] for f in outcome.findings)


def _parse(call: str, params: dict[str, list[str]]) -> tuple[str, dict[str, Any]]:
    """``name(a, b=1)`` → its name and arguments (positional ones take the doc's order);
    literals only: the string is parsed, never evaluated."""
    node = ast.parse(call.strip(), mode="eval").body
    if not isinstance(node, ast.Call):
        raise ValueError(f"not a call: {call[:80]}")
    name = ast.unparse(node.func)
    order = params.get(name, [])
    args = {order[i]: ast.literal_eval(a) for i, a in enumerate(node.args) if i < len(order)}
    args.update({k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg})
    return name, args


def _fail(entry: MultiTurnEntry, error_type: str, message: str) -> Verdict:
    return Verdict(entry.id, False, error_type, [message], entry.category, approximation=True)
