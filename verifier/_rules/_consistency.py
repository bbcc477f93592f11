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
from collections import OrderedDict
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


def content_digest(sample: Sample) -> bytes:
    """16-byte digest of what makes two samples the same training example."""
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
    return hashlib.blake2b(data, digest_size=16).digest()


class DuplicateTracker:
    """Reports a sample whose content was already seen in this dataset (bounded memory).

    The pipeline calls ``check`` once per sample, in input order; about 120 bytes per
    remembered sample, so the default bound keeps it near 120 MB at most.
    """

    def __init__(self, max_entries: int = 1_000_000) -> None:
        self.max_entries = max_entries
        self._seen: OrderedDict[bytes, tuple[int, str]] = OrderedDict()

    def check(self, sample: Sample) -> Finding | None:
        """A ``sample.inconsistent`` finding if an earlier sample had the same content."""
        digest = content_digest(sample)
        first = self._seen.get(digest)
        if first is not None:
            index, ident = first
            return Finding.of(
                "sample.inconsistent",
                f"this sample duplicates record {index} (id {ident!r})",
            )
        self._seen[digest] = (sample.index, sample.id)
        if len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)
        return None

    def __len__(self) -> int:
        return len(self._seen)
