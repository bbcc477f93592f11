"""Versioned judge prompts: loading the files and rendering one sample into messages.

Prompts live in ``prompts/<version>/`` (``system.md``, ``user.md``, ``answer.schema.json``)
as package data. A changed prompt is a new version: the version is part of the cache key
and of every result's provenance, so a verdict can be traced to the exact words asked.
Long dialog text is cut (``MAX_TURN_CHARS`` per turn) so one hostile sample cannot blow
the context window or the bill.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from string import Template
from typing import Any

from toolspec.errors import ConfigError
from verifier._model import Sample

DEFAULT_PROMPT_VERSION = "v1"
#: A turn's text (or a tool's definition) longer than this is cut, saying how much.
MAX_TURN_CHARS = 4000
#: Calls listed per assistant turn at most; the rest are summarised by count.
MAX_CALLS_PER_TURN = 32


@dataclass(frozen=True, slots=True)
class Prompt:
    """One prompt version: the system message, the user template, the answer schema."""

    version: str
    system: str
    user: Template
    schema: dict[str, Any]

    def messages(self, sample: Sample) -> list[dict[str, str]]:
        """The chat messages that ask about ``sample``."""
        user = self.user.safe_substitute(tools=render_tools(sample), dialog=render_dialog(sample))
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


def prompt_versions() -> list[str]:
    """The prompt versions shipped with this build, sorted."""
    root = resources.files("verifier._judge") / "prompts"
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))


@lru_cache(maxsize=8)
def load_prompt(version: str = DEFAULT_PROMPT_VERSION) -> Prompt:
    """The prompt ``version``; unknown versions fail listing the shipped ones."""
    if version not in prompt_versions():
        raise ConfigError(
            f"unknown judge prompt version {version!r}; known: {', '.join(prompt_versions())}"
        )
    root = resources.files("verifier._judge") / "prompts" / version
    return Prompt(
        version=version,
        system=(root / "system.md").read_text(encoding="utf-8").strip(),
        user=Template((root / "user.md").read_text(encoding="utf-8")),
        schema=json.loads((root / "answer.schema.json").read_text(encoding="utf-8")),
    )


def _cut(text: str, limit: int = MAX_TURN_CHARS) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [cut: {len(text) - limit} more characters]"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def render_tools(sample: Sample) -> str:
    """One line of JSON per tool: name, description, parameters, output schema."""
    if not sample.tools:
        return "(no tool definitions given)"
    lines = []
    for tool in sample.tools:
        doc: dict[str, Any] = {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.parameters,
        }
        if tool.output_schema:
            doc["output_schema"] = tool.output_schema
        lines.append(_cut(_json(doc)))
    return "\n".join(lines)


def render_dialog(sample: Sample) -> str:
    """The dialog with numbered turns; calls are numbered within their turn."""
    lines: list[str] = []
    for i, turn in enumerate(sample.turns):
        if turn.role == "assistant" and turn.calls:
            if turn.content:
                lines.append(f"[turn {i}] assistant: {_cut(turn.content)}")
            lines.append(f"[turn {i}] assistant calls:")
            for c, call in enumerate(turn.calls[:MAX_CALLS_PER_TURN]):
                args = "(arguments could not be decoded)"
                if call.arguments is not None:
                    args = _cut(_json(call.arguments))
                lines.append(f"  call {c}: {call.name} {args}")
            if len(turn.calls) > MAX_CALLS_PER_TURN:
                lines.append(f"  … {len(turn.calls) - MAX_CALLS_PER_TURN} more calls")
        elif turn.role == "tool":
            who = f" {turn.name}" if turn.name else ""
            lines.append(f"[turn {i}] tool output{who}: {_cut(turn.content or '')}")
        else:
            lines.append(f"[turn {i}] {turn.role}: {_cut(turn.content or '')}")
    return "\n".join(lines)
