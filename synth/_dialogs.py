"""Multi-agent dialog generation with executed mocks.

For each attempt: pick a toolset (tools of one domain, grouped once so mocks compile
once), let the complexity controller plan the steps, then play them out: the user agent
asks, the assistant agent answers with calls or text, the tool agent (a fresh session of
the executed mock) answers each call. A call the mock rejects ends the attempt: only
dialogs whose tool turns are real, successful executions go on. Candidates are verified
in windows by the verify callable (all layers, on the records exactly as they would be
written) and only passing ones are appended to the output (``_writer``).

Each attempt's randomness comes from ``(seed, attempt)`` alone, so a resumed run writes
what one run would have, and a range of attempts played on another machine
(:meth:`DialogGenerator.verified`) is what this one would have played.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson

from mock_apis import classify_name as classify
from synth._agents import Agents
from synth._controller import PRODUCERS, ComplexityController, ToolFacts, chains
from synth._dedupe import operation
from synth._dialog import Call, Dialog, Message, get_writer
from synth._errors import GenerationFailed
from synth._pool_file import PoolEntry
from synth._protocols import ToolAgent, Verify
from synth._writer import ID_PREFIX, Attempt, DialogStats, DialogWriter, Progress
from toolspec import ToolSpec
from toolspec.errors import DatasetError, ToolproofError

#: Tools offered in one dialog (ToolACE offers a few related APIs per dialog).
TOOLSET_SIZE = 4
#: Call turns per step at most (an LLM assistant that keeps calling is cut off).
MAX_ROUNDS = 4


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

    def attempts(self, indices: Sequence[int]) -> list[dict[str, Any] | str]:
        """The attempts ``indices``: each a record, or the reason it failed."""
        if self.concurrency > 1:
            with ThreadPoolExecutor(self.concurrency) as pool:
                return list(pool.map(self._attempt, indices))
        return [self._attempt(i) for i in indices]

    def verified(self, indices: Sequence[int]) -> list[Attempt]:
        """The attempts ``indices`` with the verdict of each record (a range played on
        a cluster node: the driver keeps, in attempt order, what it writes)."""
        outcomes = self.attempts(indices)
        records = [o for o in outcomes if isinstance(o, dict)]
        verdicts = iter(self.verify(records, self.format) if records else [])
        return [o if isinstance(o, str) else (o, next(verdicts)) for o in outcomes]

    def run(
        self, out: Path, n: int, progress: Progress | None = None, max_attempts: int | None = None
    ) -> DialogStats:
        """Append verified dialogs to ``out`` until it holds ``n``; resumes a partial file."""
        writer = DialogWriter(self.verify, self.format, window=self.window)
        return writer.run(out, n, self.attempts, progress, max_attempts)

    def _attempt(self, index: int) -> dict[str, Any] | str:
        """The record of attempt ``index``, or the reason it failed."""
        try:
            return self.record(self.dialog(index))
        except GenerationFailed as exc:
            return exc.reason
        except ToolproofError as exc:  # the model or the sandbox did not answer
            return exc.code
