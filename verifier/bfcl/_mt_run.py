"""Multi-turn entries from BFCL's data files, checked in parallel on sandbox sessions.

Each worker thread owns two sessions of the process sandbox (the model's and the ground
truth's), both holding the driver and the backends; before each entry both are reset
(module bodies run again: no state survives from one entry to the next) and the entry's
scenario is loaded. A session that times out or crashes gets a fresh worker from the
sandbox, so one hostile entry costs only its own verdict.
"""

from __future__ import annotations

import queue
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from sandbox import Bundle, Limits, Sandbox, Session, create_sandbox
from verifier.bfcl._backends import Backends, BackendsError
from verifier.bfcl._categories import Category
from verifier.bfcl._check import Verdict
from verifier.bfcl._data import BfclDataError, answer_path, question_path
from verifier.bfcl._mt_check import BACKEND_ERROR, MultiTurnEntry, check_multi_turn

DRIVER = Path(__file__).with_name("_mt_driver.py")
"""The sandbox-side driver, shipped as the bundle's main module (never imported here)."""
LIMITS = Limits(wall_s=10.0, cpu_s=10, memory_bytes=1 << 30, output_bytes=64 << 20)
"""Per call (one turn's steps): 10 s, 1 GiB, 64 MiB of results and pickled state (the
long-context file systems are large)."""


def load_multi_turn(data_dir: Path, category: Category) -> list[MultiTurnEntry]:
    """Every entry of a multi-turn category, ground truth paired by line number."""
    questions = _lines(question_path(data_dir, category))
    answers = _lines(answer_path(data_dir, category))
    if len(questions) != len(answers):
        raise BfclDataError(
            f"{answer_path(data_dir, category)} has {len(answers)} entries but "
            f"{question_path(data_dir, category)} has {len(questions)}"
        )
    entries = []
    for (where, question), (_, answer) in zip(questions, answers, strict=True):
        truth = answer.get("ground_truth") if isinstance(answer, dict) else None
        if (
            not isinstance(question, dict)
            or not isinstance(question.get("id"), str)
            or not isinstance(question.get("initial_config"), dict)
            or not isinstance(question.get("involved_classes"), list)
            or not isinstance(truth, list)
            or not all(isinstance(t, list) and all(isinstance(c, str) for c in t) for t in truth)
        ):
            raise BfclDataError(
                f"{where}: a multi-turn entry needs 'id', 'initial_config', "
                "'involved_classes' and a ground truth of call strings per turn"
            )
        missed = question.get("missed_function")
        entries.append(
            MultiTurnEntry(
                question["id"],
                category.name,
                question["initial_config"],
                [str(c) for c in question["involved_classes"]],
                truth,
                question["question"] if isinstance(question.get("question"), list) else [],
                dict(missed) if isinstance(missed, dict) else {},
            )
        )
    return entries


def _lines(path: Path) -> list[tuple[str, Any]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BfclDataError(f"cannot read BFCL data file {path}: {exc.strerror}") from None
    out = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if line.strip():
            try:
                out.append((f"{path}:{number}", orjson.loads(line)))
            except orjson.JSONDecodeError as exc:
                raise BfclDataError(f"{path}:{number}: not valid JSON ({exc})") from None
    return out


class MultiTurnRunner:
    """Checks multi-turn results on ``workers`` pairs of sessions (a context manager).

    ``trusted`` runs backends that are not the pinned release without RestrictedPython
    (which BFCL-style backends cannot pass); the pinned release is trusted as fetched.
    """

    def __init__(
        self,
        backends: Backends,
        *,
        workers: int = 2,
        trusted: bool = False,
        limits: Limits = LIMITS,
        sandbox: Sandbox | None = None,
        backend: str = "process",
        options: Mapping[str, Any] | None = None,
    ) -> None:
        if not (backends.trusted or trusted):
            raise BackendsError(
                f"the backends at {backends.source} are not the pinned BFCL release: BFCL-style "
                "backends (private attributes, dunder methods) cannot run under "
                "RestrictedPython; pass --trusted to run them unrestricted inside the "
                "sandbox's process isolation"
            )
        modules = {"toolproof_bfcl_driver": DRIVER.read_text(), **backends.modules}
        self.bundle = Bundle(modules, main="toolproof_bfcl_driver")
        self.limits = limits
        self.workers = max(1, workers)
        # mpmath (the math backend's) is bound in for process workers; the docker image has it
        chosen = dict(options or {})
        if backend == "process":
            chosen["paths"] = backends.paths
        self.sandbox = sandbox or create_sandbox(
            backend, restrict=False, pool_size=1, limits=limits, **chosen
        )
        self._owned = sandbox is None
        self._pairs: queue.SimpleQueue[tuple[Session, Session]] = queue.SimpleQueue()
        self._open: list[Session] = []

    def check(self, items: list[tuple[MultiTurnEntry, Any]]) -> list[Verdict]:
        """One verdict per ``(entry, result)``, in order."""
        if not items:
            return []
        for _ in range(min(self.workers, len(items)) - len(self._open) // 2):
            pair = (self._session(), self._session())
            self._pairs.put(pair)
        with ThreadPoolExecutor(self.workers) as pool:
            return list(pool.map(self._one, items))

    def _session(self) -> Session:
        session = self.sandbox.session(self.bundle, self.limits)
        self._open.append(session)
        return session

    def _one(self, item: tuple[MultiTurnEntry, Any]) -> Verdict:
        entry, result = item
        model, truth = self._pairs.get()
        try:
            return check_multi_turn(entry, result, model, truth)
        except (TypeError, ValueError, KeyError, IndexError, RecursionError) as exc:
            # a reply the driver should never give (tampering, a broken backend module)
            message = f"unexpected sandbox reply: {type(exc).__name__}: {exc}"
            return Verdict(entry.id, False, BACKEND_ERROR, [message], entry.category)
        finally:
            self._pairs.put((model, truth))

    def close(self) -> None:
        for session in self._open:
            session.close()
        self._open.clear()
        if self._owned:
            self.sandbox.close()

    def __enter__(self) -> MultiTurnRunner:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()
