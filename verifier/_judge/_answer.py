"""Reading the LLM judge's answer: JSON (structured or buried in prose) → findings.

The answer is untrusted text. It is parsed as JSON, else the first JSON object found in it
(fenced or not) is used; it must then match the answer model. Anything else raises
``JudgeError`` and the sample gets ``judge.unavailable``. Turn and call numbers the
answer names are checked against the sample, so a confused judge cannot point a finding
at a turn that does not exist.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from toolspec.errors import JudgeError
from verifier._model import Finding, Sample

#: Issues read from one answer at most; a longer list is cut (a runaway answer).
MAX_ISSUES = 50
_FENCE = re.compile(r"```(?:json)?\s*(\{.*?\})\s*```", re.DOTALL)

Check = Literal["hallucinated_value", "inconsistent_response", "tool_response_mismatch"]


class Issue(BaseModel):
    """One problem the judge reports (the items of ``answer.schema.json``)."""

    model_config = ConfigDict(extra="ignore")

    check: Check
    turn: int | None = None
    call: int | None = None
    path: str | None = None
    value: Any = None
    evidence: str = ""


class Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    issues: list[Issue] = Field(default_factory=list)


def _decode(content: str) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        pass
    candidates = [m.group(1) for m in _FENCE.finditer(content)]
    start, end = content.find("{"), content.rfind("}")
    if 0 <= start < end:
        candidates.append(content[start : end + 1])
    for text in candidates:
        try:
            return json.loads(text)
        except ValueError:
            continue
    raise JudgeError(f"the answer is not JSON: {content[:120]!r}")


def parse_answer(content: str) -> Answer:
    """The judge's answer; raises ``JudgeError`` when it is not a valid verdict."""
    doc = _decode(content)
    if isinstance(doc, dict) and isinstance(doc.get("issues"), list):
        doc = {**doc, "issues": doc["issues"][:MAX_ISSUES]}
    try:
        return Answer.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(str(p) for p in first["loc"])
        raise JudgeError(
            f"the answer does not match the verdict schema at {where}: {first['msg']}"
        ) from None


def _text(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def findings_of(answer: Answer, sample: Sample, source: str) -> list[Finding]:
    """One finding per issue; ``source`` names the judge (model, prompt version)."""
    out: list[Finding] = []
    n = len(sample.turns)
    for issue in answer.issues:
        turn = issue.turn if issue.turn is not None and 0 <= issue.turn < n else None
        note = (
            "" if turn == issue.turn else f" (the judge named turn {issue.turn}, not in the sample)"
        )
        evidence = _text(issue.evidence or "no evidence given", 400)
        if issue.check == "hallucinated_value":
            calls = sample.turns[turn].calls if turn is not None else []
            call = issue.call if issue.call is not None and 0 <= issue.call < len(calls) else None
            path = issue.path if issue.path and issue.path.startswith("/") else None
            name = calls[call].name if call is not None else "a call"
            out.append(
                Finding.of(
                    "judge.hallucinated_value",
                    f"value {_text(issue.value)!r} for {path or 'an argument'} of {name} is not "
                    f"grounded in the user's words, the system prompt or earlier tool output: "
                    f"{evidence}{note} [{source}]",
                    turn=turn,
                    call=call,
                    path=path,
                )
            )
        elif issue.check == "inconsistent_response":
            out.append(
                Finding.of(
                    "judge.inconsistent_response",
                    f"the assistant's answer does not follow from the tool outputs or the request: "
                    f"{evidence}{note} [{source}]",
                    turn=turn,
                )
            )
        else:
            out.append(
                Finding.of(
                    "judge.tool_response_mismatch",
                    "the tool response does not fit the API definition: "
                    f"{evidence}{note} [{source}]",
                    turn=turn,
                )
            )
    return out
