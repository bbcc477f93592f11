"""``check_rules``: the rule layer of Dual-Layer Verification for one sample."""

from __future__ import annotations

from verifier._model import Finding, Sample
from verifier._rules._calls import check_calls, compile_tools
from verifier._rules._consistency import check_consistency
from verifier._rules._dialog import check_dialog
from verifier._rules._spec_checks import duplicate_names


def check_rules(sample: Sample) -> list[Finding]:
    """Every rule-layer finding for ``sample``: spec, call, dialog and consistency checks.

    Pure and fast (no I/O; per-tool work is cached by spec hash). Returns only the findings
    it makes: the reader's (``call.unparsable``, ``sample.unreadable``, already in
    ``sample.findings``) are not repeated, and calls whose arguments could not be decoded
    are skipped. Duplicates across a dataset need state: see ``DuplicateTracker``.
    """
    tools = compile_tools(sample)
    out: list[Finding] = []
    for tool in tools.values():
        if tool.spec_findings:
            # Copies: the cached findings are shared by every sample that uses the tool.
            out.extend(
                Finding(f.code, f.message, f.layer, f.severity, f.turn, f.call, f.path)
                for f in tool.spec_findings
            )
    if len(tools) != len(sample.tools):
        out.extend(duplicate_names(sample.tools))
    out.extend(check_calls(sample, tools))
    out.extend(check_dialog(sample))
    out.extend(check_consistency(sample))
    return out
