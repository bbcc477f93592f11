"""Valid example arguments for a compiled tool, generated from its parameter schema.

Used to smoke-test every tool of a bundle (each must answer a valid call with a
schema-valid response), by the benchmarks, and by anyone who needs a plausible call.
Optional parameters whose generated value would not validate (real specs declare
``"type": "boolean"`` with ``"enum": ["True", "False"]``) are left out; when a required
one cannot be satisfied, the spec admits no valid call and the answer is ``None``.
"""

from __future__ import annotations

from typing import Any

from mock_apis._compiler import ToolEntry
from mock_apis._runtime import tpmock_check, tpmock_values


def example_arguments(tool: ToolEntry, seed: int = 0) -> dict[str, Any] | None:
    """Arguments that pass the tool's own validation, or None if no call can."""
    params = tool.parameters
    rng = tpmock_values.rng_for("example", seed, tool.name)
    full = tpmock_values.generate(params, rng, "", None, 0, tpmock_check.conforms)
    if not isinstance(full, dict):
        return None
    props = params.get("properties") or {}
    required = set(params.get("required") or ())
    args = {
        key: value
        for key, value in full.items()
        if key in required or tpmock_check.conforms(value, props.get(key, {}))
    }
    return args if not tpmock_check.validate(params, args) else None
