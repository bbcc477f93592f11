"""API pool self-evolution: seeds in, a pool of checked, distinct, executable tools out.

Each round asks the proposer for new APIs of one leaf of the domain tree (speciation),
variants of pool tools (adaptation) and mixes of two pool tools (evolution). Every
candidate is imported (any dialect), then must pass the spec checks (the rule layer's,
passed in), be new (``Deduper``) and compile to a working mock (passed in) before it is
appended to the pool file with its domain and provenance. Rejections are counted by
reason, never raised: proposals are hostile input.

Resumable: the pool file is read back (entries seed the deduplicator) and the domain
tree and round counter live in a small state file beside it (``POOL.state.json``).
"""

from __future__ import annotations

import random
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from synth._dedupe import Deduper, text_words
from synth._offline_pool import OfflineProposer
from synth._pool_file import PoolEntry, append_lines, read_pool, repair_tail
from synth._propose import DomainTree, Proposer, classify
from synth._protocols import SpecCheck
from toolspec import ToolSpec, import_tool
from toolspec.errors import SpecError, ToolproofError

#: Tool names every chat API accepts (OpenAI's rule).
NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
#: A spec check's problem that starts with a finding code (``spec.unclear: …``) is
#: counted under that code.
_CODE = re.compile(r"^([a-z_]+\.[a-z_.]+): ")
#: Rounds in a row without a new tool before the builder stops short of the target.
STALL_ROUNDS = 3
#: Pool tools adapted and evolved per round (a proposer may say otherwise: ``per_round``).
PER_ROUND = 8
#: Origins of the tools that are adapted and evolved.
PARENTS = frozenset(("seed", "speciation"))

Progress = Callable[[int, int], None]


@dataclass
class PoolStats:
    """What a build did: accepted tools by origin, rejections by reason, the pool's shape."""

    size: int = 0
    resumed: int = 0
    rounds: int = 0
    stalled: bool = False
    accepted: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    domains: Counter[str] = field(default_factory=Counter)
    #: Tools per ``domain/sub-domain`` label.
    labels: Counter[str] = field(default_factory=Counter)
    param_types: Counter[str] = field(default_factory=Counter)
    #: The domain tree the pool was grown over.
    tree: DomainTree = field(default_factory=dict)

    def reject(self, reason: str, example: str) -> None:
        self.rejected[reason] += 1
        self.examples.setdefault(reason, example)

    def count(self, entry: PoolEntry) -> None:
        self.size += 1
        self.domains[entry.domain.split("/")[0]] += 1
        self.labels[entry.domain] += 1
        for ptype in param_types(entry.parameters):
            self.param_types[ptype] += 1


Request = Callable[[], list[Any]]


def _answer(request: Request) -> tuple[list[Any], str | None]:
    """The proposer's answer, or why there is none: a failed request (bad JSON, no
    answer from the model) is a rejection, not the end of the run."""
    try:
        answer = request()
    except ToolproofError as exc:
        return [], exc.message
    return (answer if isinstance(answer, list) else []), None


def param_types(schema: Any) -> list[str]:
    """The type of every parameter, nested ones included (``array``, ``object``…)."""
    out: list[str] = []
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict):
        return out
    for sub in props.values():
        if not isinstance(sub, dict):
            continue
        kind = sub.get("type", "any")
        out.append("enum" if "enum" in sub else kind if isinstance(kind, str) else "union")
        if kind == "object":
            out.extend(param_types(sub))
    return out


class PoolBuilder:
    """Grows a pool file to ``target`` tools with one proposer and the two checks."""

    def __init__(
        self,
        proposer: Proposer,
        *,
        spec_check: SpecCheck,
        compile_check: SpecCheck,
        seed: int = 0,
        concurrency: int = 1,
    ) -> None:
        self.proposer = proposer
        #: Requests of one round in flight at once (an LLM answers slowly; templates
        #: gain nothing from threads).
        self.concurrency = max(1, concurrency)
        self.spec_check = spec_check
        self.compile_check = compile_check
        self.seed = seed
        self.deduper = Deduper()
        self.pool: list[PoolEntry] = []
        self.stats = PoolStats()
        #: Pool entries by domain label (speciation examples, evolution partners).
        self._by_domain: dict[str, list[PoolEntry]] = {}
        #: Position in the pool of the next tool to adapt and evolve.
        self._cursor = 0

    def build(
        self,
        seeds: Sequence[tuple[ToolSpec, str]],
        out: Path,
        target: int,
        progress: Progress | None = None,
    ) -> PoolStats:
        """Seeds (spec, where it came from) first, then rounds until ``target`` or a stall."""
        repair_tail(out)
        state_path = out.with_name(out.name + ".state.json")
        resumed = read_pool(out) if out.exists() else []
        # Rare words first in the near-duplicate index: document frequencies over the
        # seeds and the resumed pool (fixed for the run, which is all the filter needs).
        frequency: Counter[str] = Counter()
        for spec in [s for s, _ in seeds] + [e.spec() for e in resumed]:
            frequency.update(text_words(spec))
        self.deduper = Deduper(
            self.deduper.threshold, rank=lambda w: (frequency[w], zlib.crc32(w.encode()))
        )
        for entry in resumed:
            self.pool.append(entry)
            self._by_domain.setdefault(entry.domain, []).append(entry)
            self.deduper.add(entry.spec())
            self.stats.count(entry)
        self.stats.resumed = len(self.pool)
        state = _load_state(state_path)
        round_no = state.get("round", 0) if isinstance(state.get("round"), int) else 0
        cursor = state.get("cursor")
        self._cursor = cursor if isinstance(cursor, int) and cursor >= 0 else 0
        start = state.get("start") if isinstance(state.get("start"), int) else None
        tree = _tree(state.get("tree")) or self._domain_tree(seeds)
        self.stats.tree = tree
        for spec, source in seeds:
            if len(self.pool) >= target:
                break
            self._consider(spec, out, tree, {"origin": "seed", "source": source})
        leaves = [(d, leaf) for d, ls in tree.items() for leaf in ls or ["misc"]]
        idle = 0
        while len(self.pool) < target and idle < STALL_ROUNDS:
            before = len(self.pool)
            # A round sees the pool as it was when the round began; the state file says
            # so, and a resumed run replays an interrupted round over that same pool.
            if start is None or start > len(self.pool):
                start = len(self.pool)
            state_path.write_bytes(
                orjson.dumps(
                    {"tree": tree, "round": round_no, "start": start, "cursor": self._cursor}
                )
            )
            self._round(round_no, leaves, self.pool[:start], tree, out, target)
            if len(self.pool) >= target:
                break
            round_no, start = round_no + 1, None
            self.stats.rounds += 1
            if progress is not None:
                progress(len(self.pool), target)
            idle = idle + 1 if len(self.pool) == before else 0
        if progress is not None:
            progress(len(self.pool), target)
        self.stats.stalled = len(self.pool) < target
        return self.stats

    def _domain_tree(self, seeds: Sequence[tuple[ToolSpec, str]]) -> DomainTree:
        """The proposer's tree; the built-in one when its answer is unusable."""
        labelled = [PoolEntry.of(s, "", {}) for s, _ in seeds]
        try:
            tree = self.proposer.domain_tree(labelled)
        except ToolproofError as exc:
            self.stats.reject("no_answer", f"domain tree: {exc.message}")
            tree = {}
        return tree or OfflineProposer().domain_tree(labelled)

    def _round(
        self,
        r: int,
        leaves: list[tuple[str, str]],
        base: list[PoolEntry],
        tree: DomainTree,
        out: Path,
        target: int,
    ) -> None:
        """One round of requests; each has its own rng, so answers do not depend on the
        order in which concurrent requests finish."""
        domain, leaf = leaves[r % len(leaves)]
        label = f"{domain}/{leaf}"
        examples = self._by_domain.get(label, [])[:3]
        jobs: list[tuple[str, str | None, str | None, Request]] = []

        def own(k: int) -> random.Random:
            return random.Random(f"{self.seed}:{r}:{k}")

        # A leaf is speciated once per pass over the tree; later passes ask again only
        # for a model (templates would repeat themselves).
        if r < len(leaves) or self.proposer.name != "offline":
            jobs.append(
                (
                    "speciation",
                    None,
                    label,
                    partial(self.proposer.speciate, domain, leaf, examples, own(0)),
                )
            )
        # Parents are seed and speciated tools only, each adapted and evolved once, in
        # pool order: a derived tool is never derived from again (no stacked changes).
        parents = [e for e in base[self._cursor :] if e.provenance.get("origin") in PARENTS]
        per_round = int(getattr(self.proposer, "per_round", PER_ROUND))
        chosen = parents[:per_round]
        self._cursor = (
            base.index(chosen[-1], self._cursor) + 1 if len(chosen) == per_round else len(base)
        )
        rng = random.Random(f"{self.seed}:{r}")
        for k, entry in enumerate(chosen, start=1):
            kin = self._by_domain.get(entry.domain, [])
            other = rng.choice(kin) if len(kin) > 1 else entry
            jobs.append(
                (
                    "adaptation",
                    entry.name,
                    entry.domain,
                    partial(self.proposer.adapt, entry, own(2 * k)),
                )
            )
            jobs.append(
                (
                    "evolution",
                    entry.name,
                    entry.domain,
                    partial(self.proposer.evolve, entry, other, own(2 * k + 1)),
                )
            )
        requests = [job[3] for job in jobs]
        if self.concurrency > 1:
            with ThreadPoolExecutor(self.concurrency) as pool:
                answers = list(pool.map(_answer, requests))
        else:
            answers = [_answer(request) for request in requests]
        for (origin, parent, domain_label, _), (candidates, error) in zip(
            jobs, answers, strict=True
        ):
            if error is not None:
                self.stats.reject("no_answer", error)
            for raw in candidates:
                if len(self.pool) >= target:
                    return
                spec = self._import(raw)
                if spec is None:
                    continue
                provenance: dict[str, Any] = {
                    "origin": origin,
                    "generator": self.proposer.name,
                    "round": r,
                }
                if parent is not None:
                    provenance["parent"] = parent
                self._consider(spec, out, tree, provenance, domain_label)

    def _import(self, raw: Any) -> ToolSpec | None:
        if isinstance(raw, dict):
            raw = {k: v for k, v in raw.items() if k not in ("domain", "provenance")}
        try:
            spec = import_tool(raw)
        except (SpecError, RecursionError, TypeError, ValueError) as exc:
            self.stats.reject("invalid", str(exc)[:200])
            return None
        return ToolSpec(
            name=spec.name,
            description=spec.description,
            parameters=spec.parameters,
            output_schema=spec.output_schema,
        )

    def _consider(
        self,
        spec: ToolSpec,
        out: Path,
        tree: DomainTree,
        provenance: dict[str, Any],
        domain: str | None = None,
    ) -> bool:
        if not NAME.match(spec.name):
            self.stats.reject("invalid", f"`{spec.name[:80]}` is not a usable tool name")
            return False
        problems = self.spec_check(spec)
        if problems:
            code = _CODE.match(problems[0])
            reason = code.group(1) if code else "spec_check"
            self.stats.reject(reason, f"`{spec.name}`: {problems[0]}")
            return False
        dup = self.deduper.reason(spec)
        if dup is not None:
            self.stats.reject("duplicate", f"`{spec.name}`: {dup}")
            return False
        problems = self.compile_check(spec)
        if problems:
            self.stats.reject("compile", f"`{spec.name}`: {problems[0]}")
            return False
        label = domain or classify(spec.name, spec.description, tree)
        entry = PoolEntry.of(spec, label, provenance)
        append_lines(out, [entry.line()])
        self.pool.append(entry)
        self._by_domain.setdefault(label, []).append(entry)
        self.deduper.add(spec)
        self.stats.count(entry)
        self.stats.accepted[str(provenance["origin"])] += 1
        return True


def _tree(value: Any) -> DomainTree | None:
    """A domain tree read back from the state file, or None when it is not one."""
    if not isinstance(value, dict) or not value:
        return None
    tree: DomainTree = {}
    for domain, leaves in value.items():
        if not isinstance(leaves, list) or not all(isinstance(x, str) for x in leaves):
            return None
        tree[str(domain)] = leaves
    return tree


def _load_state(path: Path) -> dict[str, Any]:
    try:
        state = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return state if isinstance(state, dict) else {}
