"""Per-tool work done once per tool content: spec findings and the argument check.

A dataset repeats the same few hundred tools across many thousand samples, so everything
that depends only on the spec lives here behind a bounded LRU keyed by the spec's content
(``cache_key``: what ``spec_hash`` covers, plus the hints). The argument check itself is
the shared one (``toolspec.tool_check``: the strict schema, draft 2020-12 validators, the
format checkers), which the mocks apply to every call they are sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from toolspec import ArgumentCheck, ContentCache, ToolSpec, tool_check
from verifier._model import Finding
from verifier._rules._spec_checks import unclear_findings


@dataclass(frozen=True, slots=True)
class CompiledTool:
    """What the rule layer needs about one tool; ``check`` is None for an invalid schema."""

    name: str
    spec_findings: tuple[Finding, ...]
    check: ArgumentCheck | None


def compile_tool(spec: ToolSpec) -> CompiledTool:
    """Check and compile one tool (uncached; use ``compiled``)."""
    check = tool_check(spec.name, spec.parameters, spec.hints)
    if isinstance(check, str):
        findings = (Finding.of("spec.invalid_schema", check), *unclear_findings(spec))
        return CompiledTool(spec.name, findings, None)
    return CompiledTool(spec.name, tuple(unclear_findings(spec)), check)


def cache_key(spec: ToolSpec) -> bytes:
    """What a compiled tool depends on: the spec content ``spec_hash`` covers, plus hints.

    The encoded content itself rather than ``spec_hash``: hints change the compiled
    schema but not the hash, and a sha256 over sorted keys costs more than the whole
    rule check of a cached tool (a different key order only costs a second compile).
    """
    try:
        return orjson.dumps((spec.name, spec.description, spec.parameters, spec.hints))
    except TypeError:  # content orjson cannot encode (e.g. integers beyond 64 bits)
        return repr((spec.spec_hash, sorted(spec.hints.items()))).encode()


CACHE_SIZE = 4096
"""Compiled tools kept; a dataset with more distinct tools recompiles the least recent."""

_CACHE: ContentCache[ToolSpec, CompiledTool] = ContentCache(CACHE_SIZE, cache_key, compile_tool)


def compiled(spec: ToolSpec) -> CompiledTool:
    """The compiled tool for ``spec``, from the cache when the same content was seen."""
    return _CACHE.get(spec)


def clear_cache() -> None:
    """Forget compiled tools (tests and long-lived services changing many specs)."""
    _CACHE.clear()
