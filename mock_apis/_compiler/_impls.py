"""Implementations supplied by a person or an LLM, split so that each tool fails alone.

An implementation file is Python with one top-level function per tool it implements, named
by the tool's identifier (``get_weather``; ``Market_Trends_API`` for ``Market Trends API``).
The file is cut at its top-level ``def``s and every piece is checked on its own by the
checker the caller passes (``mock_apis`` passes RestrictedPython's compiler; the default
only checks syntax, since ``synth`` may not import RestrictedPython): one function that does
not compile costs that tool its implementation, not the whole file. Code before the first
``def`` (imports, constants) is the prelude; if it does not compile, no function is used.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field

#: ``check(source, filename) -> error messages`` (empty when the code compiles).
Checker = Callable[[str, str], list[str]]
TOP_DEF = re.compile(r"^(?:@|def\s|async\s+def\s)", re.MULTILINE)
DEF_NAME = re.compile(r"^(?:async\s+)?def\s+([A-Za-z_]\w*)", re.MULTILINE)


def syntax_check(source: str, filename: str) -> list[str]:
    """The default checker: plain Python syntax."""
    try:
        ast.parse(source, filename)
    except SyntaxError as exc:
        return [f"line {exc.lineno}: {exc.msg}"]
    return []


@dataclass
class ImplSplit:
    """The usable parts of an implementation file."""

    prelude: str = ""
    functions: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    file_error: str | None = None

    def source(self) -> str:
        """The module to ship: the prelude and every function that compiled."""
        return "\n\n".join([self.prelude, *self.functions.values()]).strip() + "\n"


def split(source: str, checker: Checker, filename: str = "impl.py") -> ImplSplit:
    out = ImplSplit()
    starts = [m.start() for m in TOP_DEF.finditer(source)]
    prelude = source[: starts[0]] if starts else source
    problems = checker(prelude, filename)
    if problems:
        out.file_error = (
            f"{filename}: code before the first function does not compile: {problems[0]}"
        )
        return out
    out.prelude = prelude.strip()
    ends = [*starts[1:], len(source)]
    chunks = [source[a:b] for a, b in zip(starts, ends[: len(starts)], strict=True)]
    pending: list[str] = []
    for chunk in chunks:
        if chunk.startswith("@"):
            pending.append(chunk)  # a decorator line belongs to the def that follows it
            continue
        piece = "".join(pending) + chunk
        pending = []
        match = DEF_NAME.search(chunk)
        name = match.group(1) if match else "?"
        problems = checker(out.prelude + "\n\n" + piece, filename)
        if problems:
            out.errors[name] = problems[0]
        else:
            out.functions[name] = piece.rstrip()
    return out
