"""Compile-time check of supplied implementations with RestrictedPython, tool by tool.

``synth`` may not import RestrictedPython, so the compiler takes a checker; this is the
one every path that runs bundles uses. The sandbox compiles the code again, restricted,
before it runs: this check only moves the error to compile time, per tool.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from RestrictedPython.compile import compile_restricted_exec

from mock_apis import MockBundle, compile as compile_specs
from toolspec import ToolSpec


def restricted_check(source: str, filename: str) -> list[str]:
    """RestrictedPython's errors for ``source`` (empty when it compiles)."""
    try:
        result = compile_restricted_exec(source, filename=filename)
    except (SyntaxError, ValueError, TypeError) as exc:
        return [str(exc)]
    return list(result.errors)


def compile_toolset(
    specs: Iterable[ToolSpec],
    *,
    impl_source: str | None = None,
    seed: int = 0,
    cache_dir: Path | None = None,
) -> MockBundle:
    """``compile`` with supplied implementations checked by RestrictedPython."""
    return compile_specs(
        specs, seed=seed, impl_source=impl_source, impl_checker=restricted_check,
        cache_dir=cache_dir,
    )  # fmt: skip
