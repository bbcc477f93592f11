"""Valid example arguments for a compiled tool, generated from its parameter schema.

Used to smoke-test every tool of a bundle (each must answer a valid call with a
schema-valid response), by the benchmarks, and by anyone who needs a plausible call.
The generated arguments are checked with the tool's own argument check (the one every
call gets); optional parameters it rejects (real specs declare ``"type": "boolean"``
with ``"enum": ["True", "False"]``) are left out; when a required one is rejected, the
spec admits no valid call that the generator can find and the answer is ``None``.
"""

from __future__ import annotations

from typing import Any

from mock_apis._compiler import ToolEntry
from mock_apis._runtime import tpmock_values
from toolspec import argument_check


def example_arguments(tool: ToolEntry, seed: int = 0) -> dict[str, Any] | None:
    """Arguments that pass the tool's own argument check, or None if none is found."""
    params = tool.parameters
    args = tpmock_values.generate(params, tpmock_values.rng_for("example", seed, tool.name))
    if not isinstance(args, dict):
        return None
    check = argument_check(tool.argument_schema)
    required = set(params.get("required") or ())
    while True:
        problems = check.problems(args, tool.name)
        if not problems:
            return args
        bad = {_top(p.path) for p in problems}
        if None in bad or bad & required or not bad & set(args):
            return None
        args = {k: v for k, v in args.items() if k not in bad}


def _top(pointer: str | None) -> str | None:
    """The parameter a JSON pointer into the arguments starts at (None: the root)."""
    if not pointer:
        return None
    return pointer[1:].split("/", 1)[0].replace("~1", "/").replace("~0", "~")
