"""``sample.inconsistent``: parts of one sample that disagree, and samples seen twice.

Within a sample:
- the system prompt lists tools (readers that found such a list put its names in
  ``sample.meta["system_tools"]``) that differ from the sample's tool list;
- a tool response names, in its JSON body, another *declared* tool than the call it answers
  (ToolACE observations are ``[{"name": "Market Trends API", "results": …}]``); only names
  of the sample's own tools count, so an ordinary ``"name"`` field in a result does not.

Across a dataset, ``DuplicateTracker`` remembers a 16-byte BLAKE2b digest of each
sample's canonical content (tools and turns, without call ids, which generators renumber)
and reports a repeat. Memory is bounded: past ``max_entries`` the oldest digests are
forgotten, so a repeat further apart than that goes unnoticed.
"""

from __future__ import annotations

import hashlib
from array import array
from typing import Any

import orjson

from verifier._model import Finding, Sample

_RESULT_KEYS = ("results", "result", "response", "output", "content", "data")


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [
        item["name"]
        for item in items
        if isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and any(k in item for k in _RESULT_KEYS)
    ]


def _response_names(sample: Sample, tool_names: set[str]) -> list[Finding]:
    out: list[Finding] = []
    last_calls: list[str] = []
    for t, turn in enumerate(sample.turns):
        if turn.role == "assistant":
            last_calls = [c.name for c in turn.calls]
            continue
        content = turn.content
        if turn.role != "tool" or not content or '"name"' not in content:
            continue
        try:
            named = _names(orjson.loads(content))
        except orjson.JSONDecodeError:
            continue
        for name in named:
            if name in tool_names and last_calls and name not in last_calls:
                called = ", ".join(f"`{n}`" for n in last_calls)
                out.append(
                    Finding.of(
                        "sample.inconsistent",
                        f"the tool response says it comes from `{name}`, but the call it "
                        f"answers is to {called}",
                        turn=t,
                    )
                )
    return out


def _system_list(sample: Sample, tool_names: set[str]) -> list[Finding]:
    listed = sample.meta.get("system_tools")
    if not isinstance(listed, list) or not sample.tools:
        return []
    in_prompt = {n for n in listed if isinstance(n, str)}
    only_prompt = sorted(in_prompt - tool_names)
    only_tools = sorted(tool_names - in_prompt)
    if not only_prompt and not only_tools:
        return []
    parts = []
    if only_prompt:
        parts.append(
            "the system prompt lists "
            + ", ".join(f"`{n}`" for n in only_prompt)
            + " which the tool list lacks"
        )
    if only_tools:
        parts.append(
            "the tool list has "
            + ", ".join(f"`{n}`" for n in only_tools)
            + " which the system prompt does not list"
        )
    return [Finding.of("sample.inconsistent", "; ".join(parts))]


def check_consistency(sample: Sample) -> list[Finding]:
    """Disagreements inside one sample (duplicates across samples: ``DuplicateTracker``)."""
    names = {t.name for t in sample.tools}
    return _system_list(sample, names) + _response_names(sample, names)


def content_digest(sample: Sample) -> int:
    """64-bit fingerprint of what makes two samples the same training example.

    Two different samples share one with probability ~n²/2⁶⁵ (3·10⁻⁸ for a million).
    """
    body = (
        [(t.name, t.description, t.parameters) for t in sample.tools],
        [
            (t.role, t.content, [(c.name, c.arguments) for c in t.calls], t.name)
            for t in sample.turns
        ],
    )
    try:
        data = orjson.dumps(body, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except TypeError:  # values orjson cannot encode (e.g. integers beyond 64 bits)
        data = repr(body).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


class DuplicateTracker:
    """Reports a sample whose content was already seen in this dataset, in flat memory.

    Fingerprints and first indexes live in two ``array('q')`` open-addressing tables, 16
    bytes a slot at most half full, so a million distinct samples cost 32 MB (a Python
    dict of digests would cost ~10 times that). After ``max_entries`` distinct samples
    new ones are no longer remembered: repeats of the first ``max_entries`` are still
    found; that bound keeps memory flat on a dataset of any size.
    """

    def __init__(self, max_entries: int = 1_000_000) -> None:
        self.max_entries = max_entries
        self._count = 0
        self._mask = 15  # grows by doubling: a one-sample request allocates next to nothing
        self._keys = array("q", bytes(8 * (self._mask + 1)))
        self._first = array("q", bytes(8 * (self._mask + 1)))
        #: The first sample, fingerprinted only when a second one comes: a dataset of one
        #: sample (most ``POST /v1/verify`` requests) can have no repeat, and its digest
        #: costs about a tenth of verifying it.
        self._pending: Sample | None = None
        self._started = False

    def check(self, sample: Sample) -> Finding | None:
        """A ``sample.inconsistent`` finding if an earlier sample had the same content."""
        if not self._started:
            self._started, self._pending = True, sample
            return None
        self._remember_pending()
        return self.seen(content_digest(sample), sample.index)

    def seen(self, digest: int, index: int) -> Finding | None:
        """:meth:`check` of sample ``index`` by its :func:`content_digest`, computed where
        the sample was verified (a node of a cluster): the samples need not travel."""
        self._started = True
        self._remember_pending()
        fp = digest or 1  # 0 marks an empty slot
        slot = self._slot(fp)
        if self._keys[slot] == fp:
            return Finding.of(
                "sample.inconsistent",
                f"this sample duplicates record {self._first[slot]}",
            )
        self._remember(slot, fp, index)
        return None

    def _remember_pending(self) -> None:
        if self._pending is not None:
            first, self._pending = self._pending, None
            fp = content_digest(first) or 1
            self._remember(self._slot(fp), fp, first.index)

    def _remember(self, slot: int, fp: int, index: int) -> None:
        if self._count < self.max_entries:
            self._keys[slot], self._first[slot] = fp, index
            self._count += 1
            if 2 * self._count > self._mask:
                self._grow()

    def _slot(self, fp: int) -> int:
        """The slot holding ``fp``, else the empty slot where it belongs (linear probing)."""
        mask, keys = self._mask, self._keys
        slot = fp & mask
        while keys[slot] != 0 and keys[slot] != fp:
            slot = (slot + 1) & mask
        return slot

    def _grow(self) -> None:
        keys, first = self._keys, self._first
        self._mask = 2 * self._mask + 1
        self._keys = array("q", bytes(8 * (self._mask + 1)))
        self._first = array("q", bytes(8 * (self._mask + 1)))
        for fp, index in zip(keys, first, strict=True):
            if fp != 0:
                slot = self._slot(fp)
                self._keys[slot], self._first[slot] = fp, index

    def __len__(self) -> int:
        return self._count + (self._pending is not None and self.max_entries > 0)
