"""Multi-agent dialog generation with executed mocks, and the verified writer.

For each attempt: pick a toolset (tools of one domain, grouped once so mocks compile
once), let the complexity controller plan the steps, then play them out: the user agent
asks, the assistant agent answers with calls or text, the tool agent (a fresh session of
the executed mock) answers each call. A call the mock rejects ends the attempt: only
dialogs whose tool turns are real, successful executions go on. Candidates are verified
in windows by the verify callable (all layers, on the records exactly as they would be
written) and only passing ones are appended to the output.

Resumable: every record's ``id`` is its attempt number; a rerun reads the output file,
keeps what is there and continues after the last attempt. Each attempt's randomness
comes from ``(seed, attempt)`` alone, so a resumed run writes what one run would have.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from mock_apis import classify_name as classify
from synth._agents import Agents
from synth._controller import PRODUCERS, ComplexityController, ToolFacts, chains
from synth._dedupe import operation
from synth._dialog import Call, Dialog, Message, get_writer
from synth._errors import GenerationFailed
from synth._pool_file import PoolEntry, append_lines, repair_tail
from synth._protocols import ToolAgent, Verify
from toolspec import ToolSpec
from toolspec.errors import DatasetError, ToolproofError

#: Tools offered in one dialog (ToolACE offers a few related APIs per dialog).
TOOLSET_SIZE = 4
#: Call turns per step at most (an LLM assistant that keeps calling is cut off).
MAX_ROUNDS = 4
ID_PREFIX = "synth-"

Progress = Callable[[int, int, int], None]


@dataclass
class DialogStats:
    """What a run did: attempts, written dialogs, failures by reason and by code."""

    resumed: int = 0
    attempts: int = 0
    verified: int = 0
    passed: int = 0
    written: int = 0
    stalled: bool = False
    failed_generation: Counter[str] = field(default_factory=Counter)
    failed_codes: Counter[str] = field(default_factory=Counter)
    domains: Counter[str] = field(default_factory=Counter)
    patterns: Counter[str] = field(default_factory=Counter)
    param_types: Counter[str] = field(default_factory=Counter)

    @property
    def pass_rate(self) -> float:
        """Share of generated dialogs that passed verification."""
        return self.passed / self.verified if self.verified else 0.0

    def count(self, record: dict[str, Any]) -> None:
        found = record.get("meta")
        meta: dict[str, Any] = found if isinstance(found, dict) else {}
        self.domains[str(meta.get("domain", "?")).split("/")[0]] += 1
        for p in meta.get("patterns") or ():
            self.patterns[str(p)] += 1
        for t in meta.get("argument_types") or ():
            self.param_types[str(t)] += 1


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}.get(type(value), "null")


def digest(dialog: Dialog) -> str:
    """What makes two dialogs the same: the tools offered, the words and the calls."""
    said = [
        (m.role, m.content, [(c.name, c.arguments) for c in m.calls])
        for m in dialog.messages
        if m.role != "tool"
    ]
    key = orjson.dumps([[t.name for t in dialog.tools], said], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(key).hexdigest()[:32]


def toolsets(
    pool: Sequence[PoolEntry], size: int = TOOLSET_SIZE
) -> list[tuple[str, list[ToolSpec]]]:
    """Toolsets of ``size`` tools (fixed: mocks compile once), each of one domain label.

    Within a label, tools of one entity stay together and each toolset of a family
    starts with a tool that returns the entity's ids (a create, search or list) when the
    family has one, so that a dialog can chain a call on what an earlier call returned.
    """
    by_domain: dict[str, list[PoolEntry]] = {}
    for entry in pool:
        by_domain.setdefault(entry.domain, []).append(entry)
    out: list[tuple[str, list[ToolSpec]]] = []
    for domain in sorted(by_domain):
        families: dict[str, list[PoolEntry]] = {}
        for entry in sorted(by_domain[domain], key=lambda e: e.name):
            families.setdefault(operation(entry.name).split(":")[1], []).append(entry)
        rest: list[PoolEntry] = []
        for family in families.values():
            makers = [e for e in family if classify(e.name)[0] in PRODUCERS]
            others = [e for e in family if e not in makers]
            while makers and others:
                chunk = [makers[0], *others[: size - 1]]
                others = others[size - 1 :]
                makers = makers[1:] + makers[:1] if others else makers[1:]
                out.append((domain, [e.spec() for e in chunk]))
            rest += makers + others
        for i in range(0, len(rest), size):
            out.append((domain, [e.spec() for e in rest[i : i + size]]))
    return out


class DialogGenerator:
    """Plays out dialogs over a pool and writes the verified ones."""

    def __init__(
        self,
        pool: Sequence[PoolEntry],
        *,
        agents: Agents,
        tool_agent: ToolAgent,
        verify: Verify,
        format: str = "openai",
        controller: ComplexityController | None = None,
        seed: int = 0,
        window: int = 64,
        concurrency: int = 1,
    ) -> None:
        if not pool:
            raise DatasetError("the pool has no tools to build dialogs from")
        self.agents, self.tool_agent, self.verify = agents, tool_agent, verify
        self.format = format
        self.writer = get_writer(format)
        self.controller = controller or ComplexityController()
        self.seed, self.window = seed, max(1, window)
        #: Dialogs of a window played at once: an LLM answers slowly; the offline
        #: generator gains nothing from threads. Attempts stay deterministic by index.
        self.concurrency = max(1, concurrency)
        self.toolsets = [(d, specs, [ToolFacts(s) for s in specs]) for d, specs in toolsets(pool)]
        self._chainable = [t for t in self.toolsets if chains(t[2])]
        self.stats = DialogStats()
        #: Digests of the dialogs written (this run's and a resumed file's), so that a
        #: resumed run does not write a dialog the file already holds.
        self._digests: set[str] = set()

    def dialog(self, index: int) -> Dialog:
        """Attempt ``index``: a finished dialog, or ``GenerationFailed`` saying why."""
        rng = random.Random(f"{self.seed}:{index}")
        first = self.controller.first_pattern(rng)
        # A dialog that starts by chaining two calls gets a toolset that can chain.
        choices = self._chainable if first == "dependent" and self._chainable else self.toolsets
        domain, specs, facts = rng.choice(choices)
        steps = self.controller.plan(facts, rng, first)
        if steps is None:
            raise GenerationFailed("no_plan", f"the toolset of {domain} cannot serve a plan")
        dialog = Dialog(f"{ID_PREFIX}{index:08d}", list(specs), domain)
        session = self.tool_agent.open(specs)
        try:
            for step in steps:
                self._play(dialog, step, specs, session, rng)
                dialog.patterns.append(step.pattern)
        finally:
            session.close()
        return dialog

    def _play(
        self, dialog: Dialog, step: Any, specs: list[ToolSpec], session: Any, rng: random.Random
    ) -> None:
        msgs = dialog.messages
        msgs.append(Message("user", self.agents.user_request(step, specs, rng)))
        rounds, asked = 0, False
        while True:
            turn = self.agents.assistant_turn(step, msgs, specs, rounds, asked, rng)
            if turn.calls:
                if rounds >= MAX_ROUNDS:
                    raise GenerationFailed("too_many_calls", "the assistant kept calling")
                calls = [Call(f"call_{len(msgs)}_{i}", n, a) for i, (n, a) in enumerate(turn.calls)]
                msgs.append(Message("assistant", calls=calls))
                for call, result in zip(calls, session.call_many(turn.calls), strict=True):
                    if not result.ok:
                        raise GenerationFailed("exec", f"`{call.name}` failed: {result.error}")
                    msgs.append(Message("tool", call=call, result=result.result))
                rounds += 1
                continue
            if turn.text is None:
                raise GenerationFailed("no_turn", "the assistant had nothing to say or call")
            msgs.append(Message("assistant", turn.text))
            if step.pattern == "clarify" and not asked and step.missing is not None:
                asked = True
                value = step.batches[0][0][1][step.missing]
                msgs.append(Message("user", self.agents.user_reply(step.missing, value, rng)))
                continue
            if step.pattern not in ("non_tool", "tool_free") and rounds == 0:
                raise GenerationFailed("no_call", "the assistant answered without calling")
            return

    def record(self, dialog: Dialog) -> dict[str, Any]:
        record = self.writer(dialog)
        types = [
            _json_type(v) for m in dialog.messages for c in m.calls for v in c.arguments.values()
        ]
        record["meta"]["argument_types"] = types
        record["meta"]["digest"] = digest(dialog)
        record["meta"]["provenance"] = {"generator": self.agents.name, "seed": self.seed}
        return record

    def run(
        self, out: Path, n: int, progress: Progress | None = None, max_attempts: int | None = None
    ) -> DialogStats:
        """Append verified dialogs to ``out`` until it holds ``n``; resumes a partial file."""
        next_index = self._resume(out)
        limit = max_attempts if max_attempts is not None else n * 20 + 100
        tried = 0
        while self.stats.written < n:
            if tried >= limit:
                self.stats.stalled = True
                break
            # The last windows shrink to what is still missing (plus a margin for failures).
            size = min(self.window, (n - self.stats.written) * 5 // 4 + 2, limit - tried)
            indices = range(next_index, next_index + size)
            next_index, tried = next_index + size, tried + size
            if self.concurrency > 1:
                with ThreadPoolExecutor(self.concurrency) as pool:
                    outcomes = list(pool.map(self._attempt, indices))
            else:
                outcomes = [self._attempt(i) for i in indices]
            batch: list[dict[str, Any]] = []
            for outcome in outcomes:
                self.stats.attempts += 1
                if isinstance(outcome, str):
                    self.stats.failed_generation[outcome] += 1
                elif outcome["meta"]["digest"] in self._digests:
                    self.stats.failed_generation["duplicate"] += 1
                else:
                    self._digests.add(outcome["meta"]["digest"])
                    batch.append(outcome)
            if batch:
                self._verify_and_write(out, batch, n)
            if progress is not None:
                progress(self.stats.written, n, self.stats.attempts)
        return self.stats

    def _attempt(self, index: int) -> dict[str, Any] | str:
        """The record of attempt ``index``, or the reason it failed."""
        try:
            return self.record(self.dialog(index))
        except GenerationFailed as exc:
            return exc.reason
        except ToolproofError as exc:  # the model or the sandbox did not answer
            return exc.code

    def _verify_and_write(self, out: Path, batch: list[dict[str, Any]], n: int) -> None:
        verdicts = self.verify(batch, self.format)
        lines: list[bytes] = []
        for record, verdict in zip(batch, verdicts, strict=True):
            self.stats.verified += 1
            if not verdict.passed:
                for code in set(verdict.codes):
                    self.stats.failed_codes[code] += 1
                continue
            self.stats.passed += 1
            if self.stats.written >= n:
                continue
            lines.append(orjson.dumps(record) + b"\n")
            self.stats.written += 1
            self.stats.count(record)
        append_lines(out, lines)

    def _resume(self, out: Path) -> int:
        """Count what ``out`` holds; the attempt to start from."""
        repair_tail(out)
        if not out.exists():
            return 0
        last = -1
        with out.open("rb") as fh:
            for number, line in enumerate(fh, start=1):
                try:
                    record = orjson.loads(line)
                    last = max(last, int(str(record["id"]).removeprefix(ID_PREFIX)))
                except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                    raise DatasetError(
                        f"{out.name}: line {number} is not a dialog this command wrote; "
                        "choose another --out to start afresh"
                    ) from None
                self.stats.written += 1
                self.stats.resumed += 1
                self.stats.count(record)
                meta = record.get("meta")
                if isinstance(meta, dict) and isinstance(meta.get("digest"), str):
                    self._digests.add(meta["digest"])
        return last + 1
