"""Call checks: is each call executable against the sample's own tool list?"""

from __future__ import annotations

import difflib

from verifier._model import Finding, Sample
from verifier._rules._compile import CompiledTool, compiled


def _unknown_tool(name: str, known: dict[str, CompiledTool], turn: int, call: int) -> Finding:
    if not known:
        msg = f"`{name}` is called but the sample declares no tools"
    else:
        close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        listed = ", ".join(f"`{k}`" for k in list(known)[:8])
        more = ", …" if len(known) > 8 else ""
        msg = f"`{name}` is not one of the sample's tools ({listed}{more}){hint}"
    return Finding.of("call.unknown_tool", msg, turn=turn, call=call)


def check_calls(sample: Sample, tools: dict[str, CompiledTool]) -> list[Finding]:
    """``call.*`` findings for every parsed call (unparsable ones are the reader's)."""
    out: list[Finding] = []
    for t, turn in enumerate(sample.turns):
        if not turn.calls:
            continue
        for c, call in enumerate(turn.calls):
            if call.arguments is None:
                continue
            tool = tools.get(call.name)
            if tool is None:
                out.append(_unknown_tool(call.name, tools, t, c))
                continue
            check = tool.check
            if check is None:
                continue
            try:  # ``check.is_valid`` inlined: this is the rule layer's hot path
                valid = check.fast(call.arguments)
            except (TypeError, ValueError, OverflowError):  # beyond the fast engine
                valid = False  # (an integer over 64 bits): ``problems`` asks the reference
            if not valid:
                out.extend(
                    Finding.of(p.code, p.message, turn=t, call=c, path=p.path)
                    for p in check.problems(call.arguments, call.name)
                )
    return out


def compile_tools(sample: Sample) -> dict[str, CompiledTool]:
    """Name → compiled tool for the sample's tools; the first of a duplicated name wins."""
    out: dict[str, CompiledTool] = {}
    for spec in sample.tools:
        if spec.name not in out:
            out[spec.name] = compiled(spec)
    return out
