"""Single-step formats without tool responses: xLAM/APIGen and BFCL question files.

Neither carries tool responses (xLAM stores the query and the answer calls; BFCL stores
only the question), so their samples say ``meta["responses"] = False``: the rule layer must
not report missing responses as a broken dialog for them.
"""

from __future__ import annotations

from typing import Any

from verifier._model import Finding, Role, Sample, Turn
from verifier._readers._base import not_in_format, register
from verifier._readers._calls import parse_calls
from verifier._readers._common import sample_of, text_of
from verifier._readers._tools import tools_from_value

_BFCL_ROLES: dict[str, Role] = {
    "system": "system",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
}


@register
class XLAMReader:
    """``{"id", "query", "tools": "<JSON list>", "answers": "<JSON [{name, arguments}]>"}``."""

    name = "xlam"

    def detect(self, record: object) -> bool:
        return isinstance(record, dict) and "query" in record and "answers" in record

    def read(self, record: object, index: int) -> Sample:
        if not isinstance(record, dict) or not isinstance(record.get("query"), str):
            return not_in_format(
                index, self.name, record, "'query' (text), 'tools' and 'answers' (JSON lists)"
            )
        findings: list[Finding] = []
        turns = [Turn(role="user", content=record["query"])]
        answers = record.get("answers")
        calls = parse_calls("json", answers, 1, findings, "answers") if answers else []
        turns.append(Turn(role="assistant", calls=calls))
        tools = tools_from_value(record.get("tools"), "xlam")
        return sample_of(
            self.name,
            record,
            index,
            tools,
            turns,
            findings,
            {"call_syntax": "json", "responses": False},
        )


@register
class BFCLReader:
    """``{"id", "question": [[{role, content}], ...], "function": [...]}`` (BFCL v3/v4).

    Each inner list of ``question`` is one user turn of a multi-turn entry (it may be empty
    where BFCL adds a missing function instead); multi-turn entries name their tool classes
    in ``involved_classes`` and have no ``function``: the classes go to ``meta``.
    """

    name = "bfcl"

    def detect(self, record: object) -> bool:
        return (
            isinstance(record, dict)
            and isinstance(record.get("question"), list)
            and ("function" in record or "involved_classes" in record)
        )

    def read(self, record: object, index: int) -> Sample:
        question = record.get("question") if isinstance(record, dict) else None
        if not isinstance(record, dict) or not isinstance(question, list):
            return not_in_format(
                index, self.name, record, "'question': a list of lists of messages"
            )
        findings: list[Finding] = []
        turns: list[Turn] = []
        starts: list[int] = []
        for step in question:
            starts.append(len(turns))
            for message in step if isinstance(step, list) else [step]:
                turns.append(_bfcl_turn(message, len(turns), findings))
        tools = tools_from_value(record.get("function"), "bfcl")
        meta: dict[str, Any] = {"call_syntax": "python", "responses": False, "steps": starts}
        if isinstance(record.get("involved_classes"), list):
            meta["involved_classes"] = record["involved_classes"]
        return sample_of(self.name, record, index, tools, turns, findings, meta)


def _bfcl_turn(message: object, turn: int, findings: list[Finding]) -> Turn:
    role = message.get("role") if isinstance(message, dict) else None
    if not isinstance(message, dict) or not isinstance(role, str) or role not in _BFCL_ROLES:
        findings.append(
            Finding.of(
                "dialog.structure",
                f"turn {turn}: not a {{'role', 'content'}} message; read as the user's",
                turn=turn,
            )
        )
        content = message.get("content") if isinstance(message, dict) else message
        return Turn(role="user", content=text_of(content))
    return Turn(role=_BFCL_ROLES[role], content=text_of(message.get("content")))
