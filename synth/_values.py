"""Argument values a user can say: schema-valid, realistic, and stated verbatim.

The offline user agent must state every value it wants in a call so that the value is
grounded (the judge checks it). So values come from small realistic lists chosen by the
parameter's name and format (a city for ``origin_city``, an ISO date for a ``date``
format or a description saying YYYY-MM-DD), then are checked against the tool's own
schema with ``jsonschema``; a tool whose schema defeats the picker is not used.
"""

from __future__ import annotations

import math
import random
import re
import uuid
from functools import cache
from typing import Any

import orjson

from mock_apis import expand_pattern as expand, id_prefix, pattern_program as program
from synth._catalogue import data_text, field_value_kind
from synth._dedupe import words
from toolspec import SchemaUnusable, argument_check

#: Parameter-name words that choose a value list of ``data/values.json`` when the field
#: naming rules of the catalogue do not recognise the name (seed tools name freely).
_NAME_HINTS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"city", "location", "origin", "destination", "place", "town"}), "city"),
    (frozenset({"name", "recipient", "patient", "student", "author", "artist", "owner",
                "user", "customer", "employee"}), "person"),
    (frozenset({"company", "organization", "brand", "vendor", "supplier"}), "company"),
    (frozenset({"title", "event", "subject"}), "title"),
    (frozenset({"message", "note", "text", "comment", "content"}), "message"),
    (frozenset({"topic", "query", "keyword", "keywords", "theme"}), "topic"),
    (frozenset({"address", "street"}), "street"),
    (frozenset({"currency"}), "currency"),
    (frozenset({"country"}), "country"),
    (frozenset({"language", "lang"}), "language"),
    (frozenset({"email"}), "email"),
    (frozenset({"url", "link", "website", "uri"}), "url"),
    (frozenset({"phone", "mobile"}), "phone"),
    (frozenset({"symbol", "ticker"}), "symbol"),
    (frozenset({"product", "item"}), "product"),
    (frozenset({"ingredient", "ingredients", "food", "dish"}), "food"),
    (frozenset({"cuisine"}), "cuisine"),
    (frozenset({"category"}), "category"),
    (frozenset({"reason", "issue", "problem"}), "reason"),
    (frozenset({"username", "handle", "login", "nickname"}), "username"),
    (frozenset({"game"}), "game"),
    (frozenset({"platform", "console"}), "platform"),
    (frozenset({"role"}), "role"),
    (frozenset({"description", "summary", "details", "notes"}), "description"),
)  # fmt: skip
#: First words of ``…_name`` parameters that name a person.
PERSON_ROLES = frozenset(
    (
        "user",
        "customer",
        "employee",
        "patient",
        "student",
        "owner",
        "first",
        "last",
        "full",
        "author",
        "contact",
        "person",
        "account",
    )
)
#: Format → value list (the importer's format hints use these names too).
FORMAT_LISTS = {"iso4217": "currency", "iso3166-alpha2": "country", "iso639-1": "language",
                "email": "email", "uri": "url"}  # fmt: skip


@cache
def values() -> dict[str, list[str]]:
    """``data/values.json``: value lists by meaning (``symbol`` from the company table)."""
    raw = orjson.loads(data_text("values.json"))
    out = {k: v for k, v in raw.items() if isinstance(v, list)}
    out["symbol"] = sorted(raw["companies_by_symbol"])
    out["ipv4"], out["ipv6"] = ["192.168.1.20", "10.0.0.7", "172.16.4.12"], ["2001:db8::1"]
    return out


#: Deepest nesting of objects and arrays a value is made for.
MAX_DEPTH = 12
#: Tries per call before a tool is given up as one the picker cannot satisfy.
TRIES = 6


def valid(value: Any, schema: dict[str, Any]) -> bool:
    """``value`` satisfies ``schema`` by the shared argument check (formats asserted): the
    one the rule layer and the mocks apply, so a value picked here is never refused there."""
    if not isinstance(schema, dict):
        return False
    try:
        return argument_check(schema).is_valid(value)
    except (SchemaUnusable, RecursionError, TypeError, ValueError):
        return False


def _date(rng: random.Random) -> str:
    return f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _time(rng: random.Random) -> str:
    return f"{rng.randint(8, 19):02d}:{rng.choice((0, 15, 30, 45)):02d}"


def _month(rng: random.Random) -> str:
    return f"2025-{rng.randint(1, 12):02d}"


def _format_value(fmt: str, rng: random.Random) -> str | None:
    if fmt == "date":
        return _date(rng)
    if fmt == "time":
        return f"{_time(rng)}:00"
    if fmt == "date-time":
        return f"{_date(rng)}T{_time(rng)}:00Z"
    if fmt == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    listed = values().get(FORMAT_LISTS.get(fmt, fmt))
    return rng.choice(listed) if listed else None


@cache
def _program(pattern: str) -> list[Any] | None:
    return program(pattern)


def _patterned(name: str, pattern: str, rng: random.Random) -> str | None:
    """A value the pattern accepts (JSON Schema patterns search): a realistic one of the
    name's meaning when it fits, else one expanded from the pattern (``ORD-482913``)."""
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError):
        return None
    kind = value_kind(name)
    if "month" in words(name):
        return _month(rng)
    listed = values().get(kind or "", [])
    matches = [v for v in listed if compiled.search(v)]
    if matches:
        return rng.choice(matches)
    prog = _program(pattern)
    if prog is not None:
        found = expand(prog, rng)
        if compiled.search(found):
            return found
    pool = [v for vs in values().values() for v in vs]
    matches = [v for v in pool if compiled.search(v)]
    return rng.choice(matches) if matches else None


def value_kind(name: str) -> str | None:
    """Which value list fits a parameter name: the catalogue's field rules first, then
    words of the name; None when nothing does."""
    tokens = set(words(name))
    if tokens & {"uuid", "guid"}:
        return "uuid"
    if tokens & {"id", "identifier", "reference", "number", "code"} and "phone" not in tokens:
        return "id"
    kind = field_value_kind(name)
    if kind is not None:
        return kind
    parts = words(name)
    if len(parts) > 1 and parts[-1] == "name" and parts[0] not in PERSON_ROLES:
        return None  # ``hotel_name``: the thing's own name, not a person's
    for keys, listed in _NAME_HINTS:
        if tokens & keys:
            return listed
    return None


def _string(name: str, schema: dict[str, Any], fmt: str | None, rng: random.Random) -> str:
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        found = _patterned(name, pattern, rng)
        if found is not None:
            return found
    if fmt is not None:
        found = _format_value(fmt, rng)
        if found is not None:
            return found
    tokens = set(words(name))
    kind = value_kind(name)
    if kind == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if kind == "id":  # in its family's shape, as the mocks answer it (ORD-123456)
        return f"{id_prefix(name)}-{rng.randint(100000, 999999)}"
    if "date" in tokens or "birthdate" in tokens or kind == "date":
        return _date(rng)
    if "month" in tokens:
        return _month(rng)
    if "time" in tokens:
        return _time(rng)
    listed = values().get(kind or "")
    if listed:
        return rng.choice(listed)
    parts = words(name)
    if len(parts) > 1 and parts[-1] == "name":
        # ``hotel_name`` → "Juniper Hotel": a name of that kind of thing.
        return f"{rng.choice(values()['word']).title()} {' '.join(parts[:-1]).title()}"
    about = schema.get("description")
    if isinstance(about, str) and "yyyy-mm-dd" in about.lower():
        return _date(rng)
    words_ = values()["word"]
    return f"{rng.choice(words_)} {rng.choice(words_)}"


def _bound(schema: dict[str, Any], key: str) -> float | None:
    value = schema.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _number(schema: dict[str, Any], integer: bool, rng: random.Random) -> int | float:
    """A value inside the bounds (exclusive ones kept clear of), on a quarter grid."""
    ex_low, ex_high = _bound(schema, "exclusiveMinimum"), _bound(schema, "exclusiveMaximum")
    low = _bound(schema, "minimum")
    high = _bound(schema, "maximum")
    step = 1 if integer else 0.25
    low = low if low is not None else (ex_low + step if ex_low is not None else 1)
    high = high if high is not None else (ex_high - step if ex_high is not None else low + 99)
    if high < low:
        high = low
    if integer:
        lo, hi = math.ceil(low), math.floor(high)
        return rng.randint(lo, max(lo, hi))
    value = math.floor(rng.uniform(low, high) * 4) / 4
    return value if low <= value <= high else float(low)


class Picker:
    """Values for a tool's parameters; ``hints`` are the importer's formats by pointer."""

    def __init__(self, hints: dict[str, str] | None = None) -> None:
        self.hints = hints or {}

    def value(self, name: str, schema: Any, rng: random.Random, pointer: str = "") -> Any:
        if pointer.count("/") > 2 * MAX_DEPTH:
            return None  # a hostile nesting depth: no value (the call will not validate)
        if not isinstance(schema, dict):
            return rng.choice(values()["word"])
        if "const" in schema:
            return schema["const"]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return rng.choice(enum)
        for key in ("anyOf", "oneOf"):
            branches = schema.get(key)
            if isinstance(branches, list) and branches:
                return self.value(name, branches[0], rng, f"{pointer}/{key}/0")
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        fmt = schema.get("format") or self.hints.get(pointer)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind in ("integer", "number"):
            return _number(schema, kind == "integer", rng)
        if kind == "array":
            return self._array(name, schema, rng, pointer)
        if kind == "object" or "properties" in schema:
            return self.arguments(schema, rng, pointer)
        return _string(name, schema, fmt if isinstance(fmt, str) else None, rng)

    def _array(self, name: str, schema: dict[str, Any], rng: random.Random, ptr: str) -> list[Any]:
        low = schema.get("minItems", 1)
        high = schema.get("maxItems", max(low, 3))
        low = low if isinstance(low, int) else 1
        high = high if isinstance(high, int) and high >= low else low
        count = rng.randint(low, min(high, low + 2))
        items = schema.get("items", {"type": "string"})
        out: list[Any] = []
        for _ in range(count * 3):
            if len(out) == count:
                break
            value = self.value(name, items, rng, f"{ptr}/items")
            if value not in out:
                out.append(value)
        return out

    def arguments(
        self, schema: dict[str, Any], rng: random.Random, pointer: str = "", optional: float = 0.4
    ) -> dict[str, Any]:
        """Required properties always, optional ones with probability ``optional``."""
        props = schema.get("properties")
        if not isinstance(props, dict):
            return {}
        required = schema.get("required")
        required = set(required) if isinstance(required, list) else set()
        out: dict[str, Any] = {}
        for key, sub in props.items():
            if key in required or rng.random() < optional:
                out[key] = self.value(key, sub, rng, f"{pointer}/properties/{key}")
        _in_order(out)
        return out

    def call(self, parameters: dict[str, Any], rng: random.Random) -> dict[str, Any] | None:
        """Valid arguments for a tool, or None when a few tries do not find any."""
        for _ in range(TRIES):
            args = self.arguments(parameters, rng)
            if valid(args, parameters):
                return args
        return None


#: Pairs of parameters whose values must come in order (a start before its end).
ORDERED = (("start_date", "end_date"), ("check_in_date", "check_out_date"),
           ("pickup_date", "return_date"), ("start_time", "end_time"), ("age_min", "age_max"),
           ("start_year", "end_year"))  # fmt: skip


def _in_order(args: dict[str, Any]) -> None:
    """Swap a start and an end drawn the wrong way round (same type, so still valid)."""
    for first, last in ORDERED:
        a, b = args.get(first), args.get(last)
        if type(a) is type(b) and isinstance(a, str | int | float) and a > b:  # type: ignore[operator]
            args[first], args[last] = b, a


def say(value: Any) -> str:
    """A value as the user states it: verbatim, lists and objects spelled out."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        parts = [say(v) for v in value]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    if isinstance(value, dict):
        return ", ".join(f"{' '.join(words(str(k)))} {say(v)}" for k, v in value.items())
    return str(value)
