"""ToolACE's own format (Team-ACE/ToolACE).

``{"system": "...Here is a list of functions in JSON format that you can invoke:\\n[...]...",
"conversations": [{"from": "user"|"assistant"|"tool", "value"}]}``. The assistant calls in
Python call syntax, ``[Market Trends API(trend_type="MARKET_INDEXES")]`` (tool names may hold
spaces); a tool message is a JSON list of ``{"name", "results"}``, one per call.
"""

from __future__ import annotations

import re

from verifier._model import Finding, Sample, Turn
from verifier._readers._base import not_in_format, register
from verifier._readers._calls import parse_calls
from verifier._readers._common import (
    TOOLACE_MARKER,
    sample_of,
    str_field,
    text_of,
    tool_turns,
    tools_from_prompt,
)
from verifier._readers._sharegpt import EXPECTED, conversation, record_tools, speaker_role

#: An assistant message that is a call list: ``[``, a name (ToolACE's hold spaces, ``/``,
#: ``-``…), ``(``, and the message ends with ``]``.
CALL_TEXT = re.compile(r"\A\s*\[\s*[^\s()\[\]'\"=,][^()\[\]'\"=]*\(.*\]\s*\Z", re.DOTALL)
_TOOLACE_FROM = frozenset({"user", "assistant", "tool", "system"})


@register
class ToolACEReader:
    name = "toolace"

    def detect(self, record: object) -> bool:
        conv = conversation(record)
        if not conv or not isinstance(record, dict):
            return False
        froms = {m["from"] for m in conv}
        if not froms <= _TOOLACE_FROM or "user" not in froms:
            return False
        system = str_field(record, "system")
        return (system is not None and TOOLACE_MARKER in system) or any(
            m["from"] == "assistant"
            and isinstance(v := m.get("value"), str)
            and CALL_TEXT.match(v) is not None
            for m in conv
        )

    def read(self, record: object, index: int) -> Sample:
        conv = conversation(record)
        if conv is None or not isinstance(record, dict):
            return not_in_format(index, self.name, record, EXPECTED)
        findings: list[Finding] = []
        turns: list[Turn] = []
        system = str_field(record, "system")
        if system is not None:
            turns.append(Turn(role="system", content=system))
        for message in conv:
            role = message["from"]
            value = text_of(message.get("value"))
            if role == "tool":
                turns.extend(tool_turns(value))
            elif role == "assistant" and value is not None and CALL_TEXT.match(value):
                calls = parse_calls("python", value, len(turns), findings, "message")
                turns.append(Turn(role="assistant", calls=calls))
            elif role == "system":
                system = system if system is not None else value
                turns.append(Turn(role="system", content=value))
            else:
                turns.append(Turn(role=speaker_role(role, findings, len(turns)), content=value))
        tools = record_tools(record, tools_from_prompt(system), "toolace")
        return sample_of(
            self.name, record, index, tools, turns, findings, {"call_syntax": "python"}
        )
