"""Tool lists of a record → ``ToolSpec``s, cached by the raw text they came from.

Datasets repeat the same tool list across thousands of records (one system prompt, one
``tools`` string); importing (and hashing) it once per distinct text keeps readers at tens of
thousands of records a second. The cache is bounded (least recently used is dropped).
A tool that fails to import becomes a ``spec.invalid_schema`` finding and is left out.
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson

from toolspec import SpecError, ToolSpec, import_tool
from verifier._model import Finding

#: Distinct tool lists kept imported.
CACHE_SIZE = 4096


@dataclass(slots=True, frozen=True)
class ToolList:
    """Imported tools of one record plus the problems met (as messages, turned into findings)."""

    tools: tuple[ToolSpec, ...]
    problems: tuple[str, ...] = ()

    def findings(self, turn: int | None = None) -> list[Finding]:
        return [Finding.of("spec.invalid_schema", p, turn=turn) for p in self.problems]


_EMPTY = ToolList(())
_cache: OrderedDict[tuple[str, str], ToolList] = OrderedDict()


def _cached(key: tuple[str, str], build: Callable[[], ToolList]) -> ToolList:
    hit = _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
        return hit
    result = build()
    _cache[key] = result
    if len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return result


def import_list(objs: list[Any], dialect: str) -> ToolList:
    """Import each tool object; failures become problems naming the tool's position."""
    tools: list[ToolSpec] = []
    problems: list[str] = []
    for i, obj in enumerate(objs):
        try:
            tools.append(import_tool(obj, dialect))
        except SpecError as exc:
            name = obj.get("name") if isinstance(obj, dict) else None
            label = f"tool {i} ({name!r})" if isinstance(name, str) else f"tool {i}"
            problems.append(f"{label} cannot be imported: {exc.message}")
        except RecursionError:
            problems.append(f"tool {i} is nested too deeply to import")
    return ToolList(tuple(tools), tuple(problems))


def tools_from_value(value: Any, dialect: str) -> ToolList:
    """Tools given as a JSON string of a list, a list, or nothing; cached by content."""
    if value is None or value == "" or value == []:
        return _EMPTY
    if isinstance(value, str):
        return _cached((dialect, value), lambda: _from_text(value, dialect))
    if isinstance(value, list):
        try:
            key = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
        except (TypeError, orjson.JSONEncodeError):
            return import_list(value, dialect)
        return _cached((dialect, key), lambda: import_list(value, dialect))
    if isinstance(value, dict):
        return tools_from_value([value], dialect)
    return ToolList((), (f"the tool list is a {type(value).__name__}, not a list of tools",))


def _from_text(text: str, dialect: str) -> ToolList:
    try:
        decoded = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return ToolList((), (f"the tool list is not valid JSON: {exc.msg} at {exc.pos}",))
    if isinstance(decoded, dict):
        decoded = [decoded]
    if not isinstance(decoded, list):
        return ToolList((), (f"the tool list is JSON {type(decoded).__name__}, not a list",))
    return import_list(decoded, dialect)


def tools_in_text(text: str, marker: str, end: str | None, dialect: str) -> ToolList | None:
    """Tools written in a prompt after ``marker`` (and before ``end``); None if no marker.

    The tools are a JSON list, or JSON objects one after another (Glaive's system
    prompts), or a Python literal (Hermes prompts written with ``repr``). Cached by the
    prompt text, since a dataset usually repeats one prompt.
    """
    start = text.find(marker)
    if start < 0:
        return None
    while start >= 0:
        # Prompts mention the marker in prose too ("within <tools> </tools> XML tags"):
        # the list is after the first occurrence with something in it.
        start += len(marker)
        stop = text.find(end, start) if end else -1
        body = text[start:stop] if stop >= 0 else text[start:]
        if body.strip():
            return _cached((dialect, body), partial(_parse_prompt_tools, body, dialect))
        start = text.find(marker, start)
    return _EMPTY


def _parse_prompt_tools(body: str, dialect: str) -> ToolList:
    values = json_values(body)
    if values is None:
        try:
            literal = ast.literal_eval(body.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return ToolList((), ("the tool list in the prompt is neither JSON nor a literal",))
        values = [literal]
    objs: list[Any] = []
    for value in values:
        objs.extend(value if isinstance(value, list) else [value])
    return import_list(objs, dialect)


def json_values(text: str) -> list[Any] | None:
    """Decode the JSON values written one after another at the start of ``text``.

    Stops at the first thing that is not JSON (the prompt's prose goes on after the tool
    list); None if not even one value decodes. orjson has no ``raw_decode``: its "content
    after document" error gives the end of each value instead.
    """
    values: list[Any] = []
    rest = text.lstrip()
    while rest and rest[0] in "[{":
        try:
            values.append(orjson.loads(rest))
            return values
        except orjson.JSONDecodeError as exc:
            end = exc.pos
        try:
            values.append(orjson.loads(rest[:end]))
        except orjson.JSONDecodeError:
            break
        rest = rest[end:].lstrip()
    return values or None
