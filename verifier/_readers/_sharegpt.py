"""ShareGPT / LLaMA-Factory tool format.

``{"conversations": [{"from": "human"|"gpt"|"function_call"|"observation", "value"}],
"system"?: str, "tools": "<JSON list of functions>"}``; ``function_call`` values are JSON
calls (one object or a list). When ``tools`` is empty the tool list is read from the system
prompt (ToolACE's conversion into this format does that). Called names are kept exactly as
written, even when they name no tool (the rule layer reports them).
"""

from __future__ import annotations

from typing import Any

from verifier._model import Finding, Role, Sample, Turn
from verifier._readers._base import not_in_format, register
from verifier._readers._calls import parse_calls
from verifier._readers._common import sample_of, str_field, text_of, tool_turns, tools_from_prompt
from verifier._readers._tools import ToolList, tools_from_value

ROLES: dict[str, Role] = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
}
#: Speaker tags: LLaMA-Factory's defaults, plus user/assistant that its role tags allow.
_SHAREGPT_FROM = frozenset(
    {"human", "gpt", "user", "assistant", "function_call", "observation", "system"}
)
_HERMES_MARKS = ("<tool_call>", "<tools>", "<tool_response>")
EXPECTED = "'conversations': a list of {'from', 'value'} messages"


def conversation(record: object) -> list[dict[str, Any]] | None:
    """The record's ``conversations`` if it is a list of ``{"from", "value"}`` objects."""
    if not isinstance(record, dict):
        return None
    conv = record.get("conversations")
    if not isinstance(conv, list):
        return None
    for m in conv:  # a loop, not all(<genexpr>): this runs once per record
        if not isinstance(m, dict) or not isinstance(m.get("from"), str):
            return None
    return conv


def has_hermes_marks(conv: list[dict[str, Any]]) -> bool:
    return any(
        isinstance(v := m.get("value"), str) and any(mark in v for mark in _HERMES_MARKS)
        for m in conv
    )


def record_tools(record: dict[str, Any], in_prompt: ToolList | None, dialect: str) -> ToolList:
    """``tools`` when it lists any; else ``in_prompt``, the list written in the system
    prompt (``tools_from_prompt``); else none."""
    listed = tools_from_value(record.get("tools"), dialect)
    if listed.tools or listed.problems:
        return listed
    return in_prompt or listed


@register
class ShareGPTReader:
    name = "sharegpt"

    def detect(self, record: object) -> bool:
        conv = conversation(record)
        if not conv or not isinstance(record, dict):
            return False
        froms = {m["from"] for m in conv}
        if not froms <= _SHAREGPT_FROM or has_hermes_marks(conv):
            return False
        return "tools" in record or bool(froms & {"function_call", "observation"})

    def read(self, record: object, index: int) -> Sample:
        conv = conversation(record)
        if conv is None or not isinstance(record, dict):
            return not_in_format(index, self.name, record, EXPECTED)
        findings: list[Finding] = []
        turns: list[Turn] = []
        system = str_field(record, "system")
        if system is not None:
            turns.append(Turn(role="system", content=system))
        else:
            first = next((m.get("value") for m in conv if m["from"] == "system"), None)
            system = first if isinstance(first, str) else None
        for message in conv:
            role = message["from"]
            value = message.get("value")
            if role == "function_call":
                calls = parse_calls("json", value, len(turns), findings, "function_call")
                turns.append(Turn(role="assistant", calls=calls))
            elif role == "observation":
                turns.extend(tool_turns(value))
            elif role == "system":
                turns.append(Turn(role="system", content=text_of(value)))
            else:
                turns.append(
                    Turn(role=speaker_role(role, findings, len(turns)), content=text_of(value))
                )
        in_prompt = tools_from_prompt(system)
        tools = record_tools(record, in_prompt, "auto")
        meta: dict[str, Any] = {"call_syntax": "json"}
        if in_prompt is not None and in_prompt.tools:
            # the rule layer compares the prompt's list with the tools the record declares
            meta["system_tools"] = [t.name for t in in_prompt.tools]
        return sample_of(self.name, record, index, tools, turns, findings, meta)


def speaker_role(name: str, findings: list[Finding], turn: int) -> Role:
    """The normalised role of a speaker tag; an unknown tag is a finding, read as the user."""
    role = ROLES.get(name)
    if role is None:
        findings.append(
            Finding.of(
                "dialog.structure",
                f"turn {turn}: unknown speaker {name!r}; read as the user",
                turn=turn,
            )
        )
        return "user"
    return role
