"""glaive-function-calling-v2 as published: two strings, ``system`` and ``chat``.

``system`` lists the functions as JSON objects one after another after "Use them if
required -"; ``chat`` is the whole dialog as text, turns introduced by ``USER:``,
``ASSISTANT:`` and ``FUNCTION RESPONSE:``, assistant turns ended by ``<|endoftext|>``. A
call is ``<functioncall> {"name": "x", "arguments": '{"a": 1}'}``: the arguments are a JSON
text in single quotes, which is not JSON, so it is taken apart here.
"""

from __future__ import annotations

import re

from verifier._model import Finding, Sample, ToolCall, Turn
from verifier._readers._base import not_in_format, register
from verifier._readers._calls import decode_arguments, parse_calls
from verifier._readers._common import sample_of, str_field, tool_turns, tools_from_prompt
from verifier._readers._tools import ToolList

_SPEAKER = re.compile(r"(?:^|\n)[ \t]*(USER|ASSISTANT|FUNCTION RESPONSE|SYSTEM):[ \t]?")
_END = "<|endoftext|>"
_CALL_MARK = "<functioncall>"
_GLAIVE_CALL = re.compile(
    r"""\A\s*\{\s*"name"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"arguments"\s*:\s*'(.*)'\s*\}\s*\Z""",
    re.DOTALL,
)
EXPECTED = "'chat': the dialog as text with USER:/ASSISTANT: turns"


@register
class GlaiveReader:
    name = "glaive"

    def detect(self, record: object) -> bool:
        if not isinstance(record, dict):
            return False
        chat = record.get("chat")
        return isinstance(chat, str) and ("USER:" in chat or "ASSISTANT:" in chat)

    def read(self, record: object, index: int) -> Sample:
        if not isinstance(record, dict) or not isinstance(record.get("chat"), str):
            return not_in_format(index, self.name, record, EXPECTED)
        findings: list[Finding] = []
        turns: list[Turn] = []
        system = str_field(record, "system")
        if system is not None:
            turns.append(Turn(role="system", content=_strip_speaker(system, "SYSTEM:")))
        for speaker, text in _split(record["chat"]):
            if speaker == "USER":
                turns.append(Turn(role="user", content=text))
            elif speaker == "SYSTEM":
                turns.append(Turn(role="system", content=text))
            elif speaker == "FUNCTION RESPONSE":
                turns.extend(tool_turns(text))
            else:
                turns.append(_assistant(text, len(turns), findings))
        tools = tools_from_prompt(system) or ToolList(())
        return sample_of(
            self.name, record, index, tools, turns, findings, {"call_syntax": "glaive"}
        )


def _strip_speaker(text: str, speaker: str) -> str:
    stripped = text.lstrip()
    return stripped[len(speaker) :].lstrip() if stripped.startswith(speaker) else text


def _split(chat: str) -> list[tuple[str, str]]:
    """The chat text → (speaker, text) pairs; text before the first speaker is the user's."""
    parts = _SPEAKER.split(chat)
    pairs: list[tuple[str, str]] = []
    if parts[0].strip():
        pairs.append(("USER", parts[0].strip()))
    for speaker, text in zip(parts[1::2], parts[2::2], strict=True):
        pairs.append((speaker, text.replace(_END, "").strip()))
    return pairs


def _assistant(text: str, turn: int, findings: list[Finding]) -> Turn:
    mark = text.find(_CALL_MARK)
    if mark < 0:
        return Turn(role="assistant", content=text)
    before = text[:mark].strip() or None
    call_text = text[mark + len(_CALL_MARK) :]
    match = _GLAIVE_CALL.match(call_text)
    if match is None:
        calls = parse_calls("json", call_text.strip(), turn, findings, "functioncall")
        return Turn(role="assistant", content=before, calls=calls)
    name = match.group(1).replace('\\"', '"')
    arguments = decode_arguments(name, match.group(2), turn, 0, findings)
    return Turn(role="assistant", content=before, calls=[ToolCall(name, arguments)])
