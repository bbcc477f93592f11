"""``spec.unclear``: what makes a tool hard to call right, found from the spec alone.

A model learns to call a tool from its description and its parameters' descriptions; a
placeholder there ("TODO", "string", the parameter's own name) teaches nothing, and a
required parameter the schema does not describe cannot be filled in. These are warnings
by default (the code table): the sample is still usable, the spec is worth a look.

Paths of parameter findings are JSON pointers in the *arguments* (``/origin/lat``), the
same place a call's findings point to, so a report can group them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from toolspec import ToolSpec
from verifier._model import Finding

_PLACEHOLDERS = frozenset(
    {
        "", "todo", "tbd", "fixme", "n/a", "na", "none", "null", "nil", "undefined",
        "description", "desc", "no description", "no description available",
        "string", "str", "text", "integer", "int", "number", "float", "boolean", "bool",
        "object", "array", "list", "dict", "param", "parameter", "value", "xxx", "...",
        "-", "?", "test", "placeholder",
    }
)  # fmt: skip
_NORMALISE = re.compile(r"[\s_\-.:]+")


def _norm(text: str) -> str:
    return _NORMALISE.sub(" ", text).strip().lower()


def placeholder_reason(description: Any, name: str) -> str | None:
    """Why ``description`` says nothing useful about ``name``, or None when it does."""
    if description is None:
        return "has no description"
    if not isinstance(description, str):
        return f"has a description that is not text ({type(description).__name__})"
    text = _norm(description)
    if text in _PLACEHOLDERS or text.strip("?.!") in _PLACEHOLDERS:
        return (
            f"has a placeholder description {description.strip()!r}"
            if text
            else "has an empty description"
        )
    if text == _norm(name):
        return f"has a description that only repeats its name ({description.strip()!r})"
    return None


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _params(schema: Any, prefix: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(argument pointer, parameter name, parameter schema) for described-object params."""
    if not isinstance(schema, dict):
        return
    props = schema.get("properties")
    if not isinstance(props, dict):
        return
    for key, sub in props.items():
        if isinstance(sub, dict):
            ptr = f"{prefix}/{_escape(str(key))}"
            yield ptr, str(key), sub
            yield from _params(sub, ptr)


def unclear_findings(spec: ToolSpec) -> list[Finding]:
    """Placeholder descriptions and undocumented required parameters of one tool."""
    out: list[Finding] = []
    reason = placeholder_reason(spec.description, spec.name)
    if reason:
        out.append(Finding.of("spec.unclear", f"tool `{spec.name}` {reason}"))
    for ptr, name, sub in _params(spec.parameters, ""):
        # A parameter whose schema is only a reference is described where it points.
        if "$ref" in sub:
            continue
        reason = placeholder_reason(sub.get("description"), name)
        if reason:
            out.append(
                Finding.of(
                    "spec.unclear", f"parameter `{name}` of `{spec.name}` {reason}", path=ptr
                )
            )
    props = spec.properties
    for name in spec.required:
        if name not in props:
            out.append(
                Finding.of(
                    "spec.unclear",
                    f"`{spec.name}` requires `{name}` but does not define it in its properties",
                    path=f"/{_escape(name)}",
                )
            )
    return out


def duplicate_names(tools: list[ToolSpec]) -> list[Finding]:
    """One finding per tool name listed more than once in a sample."""
    seen: set[str] = set()
    dupes: list[str] = []
    for t in tools:
        if t.name in seen and t.name not in dupes:
            dupes.append(t.name)
        seen.add(t.name)
    return [Finding.of("spec.unclear", f"the tool list names `{n}` more than once") for n in dupes]
