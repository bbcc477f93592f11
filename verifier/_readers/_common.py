"""Pieces several readers share: tool lists in system prompts, tool-response turns, text."""

from __future__ import annotations

from typing import Any

import orjson

from verifier._model import Finding, Sample, Turn
from verifier._readers._base import record_id
from verifier._readers._tools import ToolList, tools_in_text

#: How each prompt style introduces its tool list: (marker, end marker, importer dialect).
PROMPT_TOOL_MARKERS: tuple[tuple[str, str | None, str], ...] = (
    ("Here is a list of functions in JSON format that you can invoke:", None, "toolace"),
    ("<tools>", "</tools>", "hermes"),
    ("Use them if required -", None, "glaive"),
)
TOOLACE_MARKER = PROMPT_TOOL_MARKERS[0][0]


def tools_from_prompt(prompt: Any) -> ToolList | None:
    """The tool list a system prompt carries (ToolACE, Hermes or Glaive style), if any."""
    if not isinstance(prompt, str):
        return None
    for marker, end, dialect in PROMPT_TOOL_MARKERS:
        found = tools_in_text(prompt, marker, end, dialect)
        if found is not None:
            return found
    return None


def tool_turns(content: Any, name: str | None = None, call_id: str | None = None) -> list[Turn]:
    """One tool message → tool turns.

    ToolACE writes the responses to several calls in one message as a JSON list of
    ``{"name", "results"}``; that becomes one turn per response (named), so that responses
    pair with calls one to one. Anything else is one turn, its text as in the dataset.
    """
    text = text_of(content)
    if text is not None and text.startswith("[{") and '"results"' in text:
        try:
            items = orjson.loads(text)
        except orjson.JSONDecodeError:
            items = None
        if (
            isinstance(items, list)
            and items
            and all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in items)
            and all("results" in i for i in items)
        ):
            return [Turn(role="tool", content=text_of(i["results"]), name=i["name"]) for i in items]
    return [Turn(role="tool", content=text, name=name, call_id=call_id)]


def text_of(value: Any) -> str | None:
    """Message content as text: strings as they are, parts lists joined, other JSON encoded."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and all(
        isinstance(p, dict) and isinstance(p.get("text"), str) for p in value
    ):
        return "".join(p["text"] for p in value)
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        return str(value)


def str_field(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) else None


def sample_of(
    reader: str,
    record: dict[str, Any],
    index: int,
    tools: ToolList,
    turns: list[Turn],
    findings: list[Finding],
    meta: dict[str, Any],
) -> Sample:
    """The sample a reader built: tool problems first, then what reading the turns found."""
    return Sample(
        index=index,
        id=record_id(record, index),
        format=reader,
        tools=list(tools.tools),
        turns=turns,
        findings=[*tools.findings(), *findings],
        meta=meta,
        raw=record,
    )
