"""The host check every mock call passes before it is sent to a sandbox.

Whoever sends the call (the exec layer, ``toolproof mock serve``, the service's toolset
routes, synthesis's tool agent, BFCL's multi-turn approximation) goes through
``MockSession.call_many``, which asks :func:`refusal` first. The check is the rule
layer's own (``toolspec.argument_check`` on the tool's strict schema, from the manifest):
a call the rule layer rejects is refused here with the same codes and words, and never
costs a sandbox round trip. The mock runtime therefore validates nothing itself.
"""

from __future__ import annotations

from typing import Any

from mock_apis._outcome import MockOutcome
from toolspec import SchemaUnusable, argument_check

MAX_FINDINGS = 20
"""Findings a refusal carries at most (a problem+json body stays small)."""


def refusal(schema: dict[str, Any], tool: str, args: Any) -> MockOutcome | None:
    """Why the call ``tool(args)`` may not run (HTTP 422 with ``call.*`` findings), or None.

    ``schema`` is the tool's ``argument_schema``; its compiled check is cached by content,
    and found by identity first, since a bundle keeps the same schema object.
    """
    if not isinstance(args, dict):
        return MockOutcome.refused(422, "call.type_mismatch", "arguments must be a JSON object")
    try:
        check = argument_check(schema)
    except SchemaUnusable as exc:
        msg = f"the parameters of `{tool}` cannot be compiled: {exc}"
        return MockOutcome.refused(422, "spec.invalid_schema", msg)
    problems = check.problems(args, tool)
    if not problems:
        return None  # the reference validator wins over the fast one (see toolspec._checks)
    # Missing parameters first, as the mock server has always listed them: a problem's
    # ``type`` is its first finding's code (``urn:toolproof:finding:call.missing_required``).
    problems.sort(key=lambda p: p.code != "call.missing_required")
    findings = [
        {"code": p.code, "path": p.path or "", "message": p.message}
        for p in problems[:MAX_FINDINGS]
    ]
    return MockOutcome(False, None, 422, findings, rejected=True)
