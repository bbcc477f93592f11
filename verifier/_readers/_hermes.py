"""NousResearch Hermes function-calling format.

``{"conversations": [{"from": "system"|"human"|"gpt"|"tool", "value"}]}``: the tools are
inside ``<tools>...</tools>`` in the system prompt (JSON, or Python ``repr`` of it), the
assistant's calls are ``<tool_call>`` blocks in its message, and each response is a
``<tool_response>`` block in a ``tool`` message.
"""

from __future__ import annotations

import re

from verifier._model import Finding, Sample, Turn
from verifier._readers._base import not_in_format, register
from verifier._readers._calls import parse_calls
from verifier._readers._common import sample_of, text_of, tool_turns, tools_from_prompt
from verifier._readers._sharegpt import EXPECTED, conversation, record_tools, speaker_role

_CALL_BLOCK = re.compile(r"<tool_call>.*?(?:</tool_call>|\Z)", re.DOTALL)
_RESPONSE_BLOCK = re.compile(r"<tool_response>(.*?)(?:</tool_response>|\Z)", re.DOTALL)
_HERMES_FROM = frozenset({"system", "human", "gpt", "tool"})


@register
class HermesReader:
    name = "hermes"

    def detect(self, record: object) -> bool:
        conv = conversation(record)
        if not conv or not {m["from"] for m in conv} <= _HERMES_FROM:
            return False
        for m in conv:
            value = m.get("value")
            if not isinstance(value, str):
                continue
            if (m["from"] == "system" and "<tools>" in value) or (
                m["from"] == "gpt" and "<tool_call>" in value
            ):
                return True
        return any(m["from"] == "tool" for m in conv)

    def read(self, record: object, index: int) -> Sample:
        conv = conversation(record)
        if conv is None or not isinstance(record, dict):
            return not_in_format(index, self.name, record, EXPECTED)
        findings: list[Finding] = []
        turns: list[Turn] = []
        system: str | None = None
        for message in conv:
            role = message["from"]
            value = text_of(message.get("value"))
            if role == "system":
                system = system if system is not None else value
                turns.append(Turn(role="system", content=value))
            elif role == "tool":
                turns.extend(_responses(value))
            elif role == "gpt" and value is not None and "<tool_call>" in value:
                calls = parse_calls("tool_call_blocks", value, len(turns), findings, "message")
                rest = _CALL_BLOCK.sub("", value).strip()
                turns.append(Turn(role="assistant", content=rest or None, calls=calls))
            else:
                turns.append(Turn(role=speaker_role(role, findings, len(turns)), content=value))
        tools = record_tools(record, tools_from_prompt(system), "hermes")
        return sample_of(
            self.name, record, index, tools, turns, findings, {"call_syntax": "tool_call_blocks"}
        )


def _responses(value: str | None) -> list[Turn]:
    """A ``tool`` message → one turn per ``<tool_response>`` block (or the whole text)."""
    if value is None:
        return [Turn(role="tool", content=None)]
    blocks = _RESPONSE_BLOCK.findall(value)
    if not blocks:
        return tool_turns(value)
    return [Turn(role="tool", content=b.strip(), name=_response_name(b)) for b in blocks]


def _response_name(block: str) -> str | None:
    """Hermes responses are ``{"name": ..., "content": ...}``; the name pairs it with a call."""
    match = re.search(r"""["']name["']\s*:\s*["']([^"']+)["']""", block)
    return match.group(1) if match else None
