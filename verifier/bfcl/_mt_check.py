"""BFCL's multi-turn checker, with the calls run in sandbox sessions instead of ``eval``.

Per entry, as BFCL's ``_evaluate_single_multi_turn_entry`` and ``multi_turn_checker`` do:
a result that is not a list is an ``inference_error``; a turn count other than the ground
truth's is ``force_terminated``; then turn by turn the model's decoded steps run on the
model session and the ground-truth calls on the ground-truth session, and the first turn
that fails decides: no decoded call where the ground truth has some
(``empty_turn_model_response``), an instance whose public attributes differ from the
ground truth's (``instance_state_mismatch``), or a ground-truth execution result missing
from everything the model's calls returned so far (``execution_response_mismatch``).
Turns whose ground truth is empty (the missing function or parameter turns) are run,
not checked. A backend that runs past its time limit or breaks the sandbox is a verdict
of toolproof's own (``toolproof:timeout``, ``toolproof:backend_error``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox import Outcome, Session
from verifier.bfcl._backends import CLASS_MODULES, STATELESS_CLASSES
from verifier.bfcl._check import Verdict
from verifier.bfcl._mt_decode import decode_turns, is_function_calling

EMPTY_TURN = "multi_turn:empty_turn_model_response"
STATE_MISMATCH = "multi_turn:instance_state_mismatch"
RESPONSE_MISMATCH = "multi_turn:execution_response_mismatch"
INFERENCE_ERROR = "multi_turn:inference_error"
FORCE_TERMINATED = "multi_turn:force_terminated"
TIMEOUT = "toolproof:timeout"
BACKEND_ERROR = "toolproof:backend_error"


@dataclass(frozen=True, slots=True)
class MultiTurnEntry:
    """A multi-turn question with its ground truth (a list of call strings per turn)."""

    id: str
    category: str
    initial_config: dict[str, Any]
    involved_classes: list[str]
    ground_truth: list[list[str]]
    question: list[Any] = field(default_factory=list)
    """The user's messages per turn (what ``bfcl run`` sends)."""
    missed_function: dict[str, list[str]] = field(default_factory=dict)
    """miss_func: turn index → functions held out until that turn."""

    @property
    def long_context(self) -> bool:
        """BFCL loads scenarios with long-context padding for these categories."""
        head = self.id.rsplit("_", 1)[0]
        return "long_context" in head or "composite" in head


class _Stop(Exception):
    """A sandbox outcome that ends the entry (a timeout, a crash, a backend error)."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome)
        error = outcome.error
        self.error_type = (
            TIMEOUT if error is not None and error.kind == "timeout" else BACKEND_ERROR
        )
        self.message = f"{error.kind}: {error.message}" if error else "no result"


def _call(session: Session, entry: str, args: dict[str, Any]) -> Any:
    outcome = session.call(entry, args)
    if not outcome.ok:
        raise _Stop(outcome)
    return outcome.value


def check_multi_turn(entry: MultiTurnEntry, result: Any, model: Session, truth: Session) -> Verdict:
    """BFCL's verdict on one multi-turn result; ``model`` and ``truth`` hold the backends."""
    early = shape_verdict(entry, result)
    if early is not None:
        return early
    if not all(c in CLASS_MODULES for c in entry.involved_classes):
        unknown = sorted(set(entry.involved_classes) - set(CLASS_MODULES))
        return _fail(entry, BACKEND_ERROR, f"no backend for {', '.join(unknown)}")
    turns = decode_turns(result, is_function_calling(result))
    try:
        for session, side in ((model, "model"), (truth, "ground_truth")):
            session.reset()
            _call(session, "begin", begin_args(entry, side))
        return _turns(entry, turns, model, truth)
    except _Stop as stop:
        return _fail(entry, stop.error_type, stop.message)


def shape_verdict(entry: MultiTurnEntry, result: Any) -> Verdict | None:
    """BFCL's verdict on a result that is not a list of turns of the right length."""
    if not isinstance(result, list):
        message = "Error during inference phase. Model did not output a list of model responses."
        return _fail(entry, INFERENCE_ERROR, message)
    if len(result) != len(entry.ground_truth):
        return _fail(
            entry,
            FORCE_TERMINATED,
            "Model was force-terminated during inference phase. The length of the model "
            f"result turns ({len(result)}) does not match the length of the ground truth "
            f"turns ({len(entry.ground_truth)}).",
        )
    return None


def begin_args(entry: MultiTurnEntry, side: str) -> dict[str, Any]:
    """The driver's ``begin`` arguments: the entry's scenario for one side's session."""
    return {
        "entry_id": entry.id,
        "side": side,
        "initial_config": entry.initial_config,
        "involved_classes": entry.involved_classes,
        "class_modules": {c: CLASS_MODULES[c] for c in entry.involved_classes},
        "stateless": sorted(STATELESS_CLASSES),
        "long_context": entry.long_context,
    }


def _turns(
    entry: MultiTurnEntry, turns: list[list[list[str]]], model: Session, truth: Session
) -> Verdict:
    so_far: list[str] = []  # every model result of every turn, as BFCL accumulates them
    model_digests: dict[str, str | None] = {}
    for index, (steps, expected) in enumerate(zip(turns, entry.ground_truth, strict=True)):
        if steps:
            ran = _call(model, "execute", {"steps": steps})
            so_far.extend(r for step in ran["results"] for r in step)
            model_digests = ran["digests"]
        truth_ran = _call(truth, "execute", {"steps": [expected]})
        if not expected:
            continue  # the turn where the model should not (be able to) act: run, not checked
        if not steps:
            return _fail(entry, EMPTY_TURN, f"Model response list is empty for turn {index}")
        differing = [
            c for c, d in truth_ran["digests"].items() if d is None or model_digests.get(c) != d
        ]
        if differing:
            mismatch = _call(
                model, "compare", {"states": _call(truth, "export", {"classes": differing})}
            )
            if mismatch is not None:
                return _fail(
                    entry,
                    STATE_MISMATCH,
                    f"Model instance for {mismatch['class']} does not match the state with "
                    "ground truth instance.",
                )
        missing = missing_results(truth_ran["results"][0], so_far)
        if missing:
            return _fail(
                entry,
                RESPONSE_MISMATCH,
                "Model response execution results so far does not contain all the ground "
                f"truth response execution results for turn {index}.",
            )
    return Verdict(entry.id, True, category=entry.category)


def missing_results(expected: list[str], got: list[str]) -> list[str]:
    """BFCL's ``_is_subsequence_unordered``: expected results not found (with multiplicity)."""
    pool = list(got)
    missing = []
    for item in expected:
        try:
            pool.remove(item)
        except ValueError:
            missing.append(item)
    return missing


def _fail(entry: MultiTurnEntry, error_type: str, message: str) -> Verdict:
    return Verdict(entry.id, False, error_type, [message], entry.category)
