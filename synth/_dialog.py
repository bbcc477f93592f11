"""A generated dialog, and its two written formats: OpenAI chat and ToolACE.

The dialog is held in one neutral shape while it is generated; the writers render it.
OpenAI chat format (the default, DESIGN.md): ``messages`` with ``tool_calls`` and
``tool`` turns whose content is the executed mock's answer, and ``tools``. ToolACE's
format: a system prompt carrying the tool list, ``conversations`` of user, assistant and
tool turns, calls in Python call syntax (printed by the verifier's printer, which its parser reads
back), tool turns
as ``[{"name", "results"}]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from toolspec import ToolSpec
from toolspec.errors import ConfigError
from verifier import ToolCall, format_python_calls

SYSTEM_OPENAI = "You are a helpful assistant. Call the tools you are given when they help."
#: ToolACE's system prompt; the marker line is how readers find the tool list.
SYSTEM_TOOLACE = (
    "You are an expert in composing functions. You are given a question and a set of "
    "possible functions. Based on the question, you will need to make one or more "
    "function/tool calls to achieve the purpose. If none of the functions can be used, "
    "point it out. If the given question lacks the parameters required by the function, "
    "also point it out.\nHere is a list of functions in JSON format that you can invoke:\n"
)


@dataclass(slots=True)
class Call:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(slots=True)
class Message:
    """``user``/``assistant`` text, an assistant turn of ``calls``, or one ``tool`` answer."""

    role: str
    content: str | None = None
    calls: list[Call] = field(default_factory=list)
    call: Call | None = None
    result: Any = None


@dataclass(slots=True)
class Dialog:
    id: str
    tools: list[ToolSpec]
    domain: str
    messages: list[Message] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)

    def meta(self) -> dict[str, Any]:
        return {"domain": self.domain, "patterns": self.patterns}


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def to_openai(dialog: Dialog) -> dict[str, Any]:
    messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM_OPENAI}]
    for m in dialog.messages:
        if m.role == "tool" and m.call is not None:
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": m.call.id,
                    "name": m.call.name,
                    "content": _json(m.result),
                }
            )
        elif m.calls:
            messages.append(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": c.id,
                            "type": "function",
                            "function": {"name": c.name, "arguments": _json(c.arguments)},
                        }
                        for c in m.calls
                    ],
                }
            )
        else:
            messages.append({"role": m.role, "content": m.content})
    return {
        "id": dialog.id,
        "messages": messages,
        "tools": [t.to_openai() for t in dialog.tools],
        "meta": dialog.meta(),
    }


def to_toolace(dialog: Dialog) -> dict[str, Any]:
    tools = [
        {"name": t.name, "description": t.description, "parameters": t.parameters}
        for t in dialog.tools
    ]
    conv: list[dict[str, str]] = []
    pending: list[dict[str, Any]] = []
    for m in dialog.messages:
        if m.role == "tool" and m.call is not None:
            pending.append({"name": m.call.name, "results": m.result})
            continue
        if pending:
            conv.append({"from": "tool", "value": _json(pending)})
            pending = []
        if m.calls:
            value = format_python_calls([ToolCall(c.name, dict(c.arguments)) for c in m.calls])
            conv.append({"from": "assistant", "value": value})
        else:
            conv.append({"from": m.role, "value": m.content or ""})
    if pending:
        conv.append({"from": "tool", "value": _json(pending)})
    return {
        "id": dialog.id,
        "system": SYSTEM_TOOLACE + _json(tools),
        "conversations": conv,
        "meta": dialog.meta(),
    }


Writer = Callable[[Dialog], dict[str, Any]]
WRITERS: dict[str, Writer] = {"openai": to_openai, "toolace": to_toolace}


def get_writer(name: str) -> Writer:
    """The writer of a format; unknown names fail with the known ones."""
    try:
        return WRITERS[name]
    except KeyError:
        raise ConfigError(
            f"unknown dialog format {name!r}; known formats: {', '.join(sorted(WRITERS))}"
        ) from None
