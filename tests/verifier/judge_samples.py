"""Small samples for the judge tests, built directly (no reader involved)."""

from __future__ import annotations

from typing import Any

from toolspec import ToolSpec
from verifier import Sample, ToolCall, Turn

WEATHER = ToolSpec(
    name="get_weather",
    description="Current weather for a city",
    parameters={
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "city name"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
            "days": {"type": "integer", "default": 1},
            "detailed": {"type": "boolean"},
        },
        "required": ["city"],
    },
)


def dialog(
    user: str,
    args: dict[str, Any],
    *,
    system: str | None = None,
    tool_out: str | None = None,
    name: str = "get_weather",
) -> Sample:
    """system? → user → [earlier call → tool output] → the call under test → tool output."""
    turns: list[Turn] = []
    if system is not None:
        turns.append(Turn(role="system", content=system))
    turns.append(Turn(role="user", content=user))
    if tool_out is not None:
        turns.append(Turn(role="assistant", calls=[ToolCall("lookup", {}, "c0")]))
        turns.append(Turn(role="tool", content=tool_out, name="lookup", call_id="c0"))
    turns.append(Turn(role="assistant", calls=[ToolCall(name, args, "c1")]))
    turns.append(Turn(role="tool", content='{"ok": true}', name=name, call_id="c1"))
    turns.append(Turn(role="assistant", content="Done."))
    return Sample(index=0, id="s0", format="test", tools=[WEATHER], turns=turns)
