"""In-memory fakes of the synthesis pipeline's seams, built from plain functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from synth import PoolEntry, ToolResult, Verdict
from toolspec import ToolSpec

Answer = Callable[[str, dict[str, Any]], ToolResult]


def echo(name: str, args: dict[str, Any]) -> ToolResult:
    """A mock that answers every call with its arguments and an id."""
    return ToolResult(True, {"tool": name, **args, "item_id": "IT-12345"})


class FakeSession:
    def __init__(self, answer: Answer, log: list[tuple[str, dict[str, Any]]]) -> None:
        self.answer, self.log = answer, log

    def call_many(self, calls: Sequence[tuple[str, dict[str, Any]]]) -> list[ToolResult]:
        self.log.extend(calls)
        return [self.answer(n, a) for n, a in calls]

    def close(self) -> None:
        return None


class FakeToolAgent:
    """``ToolAgent`` whose mock is a plain function; ``log`` keeps every call made."""

    def __init__(self, answer: Answer = echo) -> None:
        self.answer = answer
        self.log: list[tuple[str, dict[str, Any]]] = []
        self.opened = 0

    def open(self, specs: Sequence[ToolSpec]) -> FakeSession:
        self.opened += 1
        return FakeSession(self.answer, self.log)


class FakeVerify:
    """``Verify`` from a predicate on the record; ``seen`` counts verified records."""

    def __init__(self, passes: Callable[[dict[str, Any]], bool] = lambda r: True) -> None:
        self.passes = passes
        self.seen = 0
        self.formats: set[str] = set()

    def __call__(self, records: Sequence[dict[str, Any]], format: str) -> list[Verdict]:
        self.seen += len(records)
        self.formats.add(format)
        return [Verdict(True) if self.passes(r) else Verdict(False, ["x.fail"]) for r in records]


def tool(name: str, props: dict[str, Any], required: list[str], description: str = "") -> Any:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description or f"Handle {name.replace('_', ' ')} requests.",
            "parameters": {"type": "object", "properties": props, "required": required},
        },
    }


def entry(name: str, props: dict[str, Any], required: list[str], domain: str) -> PoolEntry:
    return PoolEntry(
        name=name,
        description=f"Handle {name.replace('_', ' ')} requests.",
        parameters={"type": "object", "properties": props, "required": required},
        domain=domain,
    )


CITY = {"type": "string", "description": "City to look in."}
DATE = {"type": "string", "format": "date", "description": "Day of the visit."}
GUESTS = {"type": "integer", "minimum": 1, "maximum": 8, "description": "Number of guests."}
ITEM_ID = {"type": "string", "description": "Identifier of the item."}

#: A small travel pool: a creator, a reader by id (dependent calls), a search.
POOL = [
    entry(
        "create_item",
        {"city": CITY, "date": DATE, "guests": GUESTS},
        ["city", "date"],
        "travel/lodging",
    ),
    entry("get_item_details", {"item_id": ITEM_ID}, ["item_id"], "travel/lodging"),
    entry("search_items", {"city": CITY, "guests": GUESTS}, ["city"], "travel/lodging"),
]
