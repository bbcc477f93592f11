"""OpenAI chat format: ``{"messages": [...], "tools": [...]}``.

Assistant messages carry ``tool_calls`` (``{"id", "function": {"name", "arguments"}}`` with
the arguments as a JSON string) and ``tool`` messages answer them by ``tool_call_id``. The
legacy form is also read: ``function_call`` on the assistant message, ``function`` role for
the response, and ``functions`` instead of ``tools``.
"""

from __future__ import annotations

from typing import Any

from verifier._model import Finding, Role, Sample, ToolCall, Turn
from verifier._readers._base import not_in_format, register
from verifier._readers._calls import decode_arguments
from verifier._readers._common import sample_of, text_of, tool_turns
from verifier._readers._tools import tools_from_value

_ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
}
EXPECTED = "'messages': a list of {'role', 'content'} messages"


def _messages(record: object) -> list[dict[str, Any]] | None:
    if not isinstance(record, dict):
        return None
    messages = record.get("messages")
    if not isinstance(messages, list) or not all(
        isinstance(m, dict) and isinstance(m.get("role"), str) for m in messages
    ):
        return None
    return messages


@register
class OpenAIReader:
    name = "openai"

    def detect(self, record: object) -> bool:
        return bool(_messages(record))

    def read(self, record: object, index: int) -> Sample:
        messages = _messages(record)
        if messages is None or not isinstance(record, dict):
            return not_in_format(index, self.name, record, EXPECTED)
        findings: list[Finding] = []
        turns: list[Turn] = []
        for message in messages:
            role = message["role"]
            content = text_of(message.get("content"))
            if role in ("tool", "function"):
                name = message.get("name")
                call_id = message.get("tool_call_id")
                turns.extend(
                    tool_turns(
                        content,
                        name if isinstance(name, str) else None,
                        call_id if isinstance(call_id, str) else None,
                    )
                )
            elif role == "assistant":
                calls = _calls(message, len(turns), findings)
                turns.append(Turn(role="assistant", content=content or None, calls=calls))
            else:
                mapped = _ROLES.get(role)
                if mapped is None:
                    findings.append(
                        Finding.of(
                            "dialog.structure",
                            f"turn {len(turns)}: unknown role {role!r}; read as the user",
                            turn=len(turns),
                        )
                    )
                turns.append(Turn(role=mapped or "user", content=content))
        if "tools" in record:
            tools = tools_from_value(record["tools"], "openai")
        else:
            tools = tools_from_value(record.get("functions"), "function")
        return sample_of(
            self.name, record, index, tools, turns, findings, {"call_syntax": "openai"}
        )


def _calls(message: dict[str, Any], turn: int, findings: list[Finding]) -> list[ToolCall]:
    raw_calls = message.get("tool_calls")
    legacy = message.get("function_call")
    if raw_calls is None and isinstance(legacy, dict):
        raw_calls = [{"function": legacy}]
    if raw_calls is None:
        return []
    if not isinstance(raw_calls, list):
        findings.append(
            Finding.of("call.unparsable", f"turn {turn}: 'tool_calls' is not a list", turn=turn)
        )
        return []
    calls: list[ToolCall] = []
    for i, raw in enumerate(raw_calls):
        fn = raw.get("function") if isinstance(raw, dict) else None
        name = fn.get("name") if isinstance(fn, dict) else None
        if not isinstance(fn, dict) or not isinstance(name, str):
            findings.append(
                Finding.of(
                    "call.unparsable",
                    f"turn {turn}: call {i} has no function name",
                    turn=turn,
                    call=i,
                )
            )
            continue
        call_id = raw.get("id")
        arguments = decode_arguments(name, fn.get("arguments"), turn, len(calls), findings)
        calls.append(ToolCall(name, arguments, call_id if isinstance(call_id, str) else None))
    return calls
