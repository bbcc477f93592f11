"""Response shapes for tools that declare no output schema, inferred from what they are.

A weather tool answers temperature, condition and units; a search answers a list of items
that carry the query's fields; a create answers an id and a status. Domain rules match the
words of the tool's name first and of its description second; otherwise the operation kind
decides. Every shape is a JSON Schema, so the manifest can publish it and the execution
layer can check a dataset's recorded responses against it.
"""

from __future__ import annotations

from typing import Any

from mock_apis._compiler._names import NOISE, VERBS, classify, plural, words

CONTROL = frozenset(
    ("limit", "page", "offset", "sort", "sort_by", "order_by", "max_results", "page_size",
     "per_page", "count", "cursor", "fields", "format", "verbose", "api_key", "token")
)  # fmt: skip
#: Domain words too common in descriptions to mean anything there ("This is …").
NAME_ONLY = frozenset(
    ("is", "add", "send", "sum", "tip", "area", "share", "convert", "message", "email",
     "check", "available", "math", "solve", "prime", "validate")
)  # fmt: skip
STRING: dict[str, Any] = {"type": "string"}
NUMBER: dict[str, Any] = {"type": "number"}
INTEGER: dict[str, Any] = {"type": "integer"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
DATE_TIME: dict[str, Any] = {"type": "string", "format": "date-time"}


def obj(**props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(props)}


def listing(item: dict[str, Any], key: str = "results") -> dict[str, Any]:
    """A list answer; ``x-counts`` makes the runtime set ``count`` to the list's length."""
    return {**obj(**{key: {"type": "array", "items": item}, "count": INTEGER}),
            "x-counts": {"count": key}}  # fmt: skip


def echo_fields(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters a response naturally repeats (the query's own fields).

    Each copy is marked ``x-echo``: the argument of that name, which the host checked
    against the parameter's schema, fits it, so the runtime may repeat it there.
    """
    props = params.get("properties")
    if not isinstance(props, dict):
        return {}
    return {
        k: {**consistent(v), "x-echo": True}
        for k, v in props.items()
        if k.lower() not in CONTROL and isinstance(v, dict) and len(str(v)) < 2_000
    }


PY_TYPES: dict[str, Any] = {"string": str, "integer": int, "number": (int, float),
                            "boolean": bool, "array": list, "object": dict}  # fmt: skip


def enum_contradicts(schema: dict[str, Any]) -> bool:
    """True when no ``enum`` value has the declared ``type`` (``boolean`` with "True")."""
    enum, kind = schema.get("enum"), schema.get("type")
    if not isinstance(enum, list) or not enum or not isinstance(kind, str) or kind not in PY_TYPES:
        return False
    wanted = PY_TYPES[kind]
    return not any(
        isinstance(e, wanted) and (kind == "boolean" or not isinstance(e, bool)) for e in enum
    )


def consistent(schema: dict[str, Any]) -> dict[str, Any]:
    """A response copy of a parameter schema: an enum that contradicts the type is dropped,
    since an answer must conform to its own schema."""
    if enum_contradicts(schema):
        return {k: v for k, v in schema.items() if k != "enum"}
    return schema


DOMAINS: tuple[tuple[frozenset[str], Any], ...] = (
    # Operations an API designer adds to an entity (the synthesis catalogue's): what a
    # count, an export, a summary, a comparison, a watch or a change log answers.
    (frozenset({"count"}), lambda: obj(count=INTEGER)),
    (frozenset({"export"}), lambda: obj(
        download_url={"type": "string", "format": "uri"}, rows=INTEGER, expires_at=STRING)),
    (frozenset({"summarize", "summarise"}), lambda: obj(
        total_count=INTEGER, total_amount=NUMBER, busiest_day=STRING)),
    (frozenset({"compare"}), lambda: obj(compared=INTEGER, best_match=STRING,
                                         differences=STRING)),
    (frozenset({"watch"}), lambda: obj(
        subscription_id=STRING, status={"type": "string", "enum": ["active"]})),
    (frozenset({"history"}), lambda: listing(
        obj(changed_field={"type": "string", "enum": ["status", "notes", "owner", "due_date"]},
            changed_at=DATE_TIME, changed_by={"type": "string", "x-gen": "full_name"}),
        "changes")),
    (frozenset({"archive"}), lambda: obj(
        status={"type": "string", "enum": ["archived"]}, archived_at=STRING)),
    (frozenset({"restore"}), lambda: obj(
        status={"type": "string", "enum": ["restored"]}, restored_at=STRING)),
    (frozenset({"weather", "forecast"}), lambda: obj(
        temperature=NUMBER, condition=STRING, units=STRING, humidity=INTEGER,
        wind_speed=NUMBER)),
    (frozenset({"stock", "quote", "share", "ticker"}), lambda: obj(
        symbol=STRING, price=NUMBER, currency=STRING, change_percent=NUMBER)),
    (frozenset({"exchange", "currency", "convert"}), lambda: obj(
        converted_amount=NUMBER, exchange_rate=NUMBER)),
    (frozenset({"translate", "translation"}), lambda: obj(translated_text=STRING)),
    (frozenset({"distance", "route", "directions"}), lambda: obj(
        distance=NUMBER, unit=STRING, duration_minutes=INTEGER)),
    (frozenset({"timezone", "clock"}), lambda: obj(time=STRING, timezone=STRING, date=STRING)),
    (frozenset({"news", "headlines", "articles"}), lambda: listing(
        obj(title=STRING, source=STRING, url=STRING, published_at=STRING), "articles")),
    (frozenset({"email", "message", "sms", "notify", "notification", "send"}), lambda: obj(
        status={"type": "string", "enum": ["sent"]}, message_id=STRING)),
    (frozenset({"password"}), lambda: obj(password=STRING)),
    (frozenset({"recommend", "recommendation", "suggest", "suggestions"}), lambda: listing(
        obj(name=STRING, rating=NUMBER, description=STRING), "recommendations")),
    (frozenset({"calculate", "compute", "calc", "sum", "average", "area", "factorial",
                "bmi", "tip", "interest", "mortgage", "loan", "probability", "solve",
                "derivative", "integral", "math", "multiply", "divide", "add", "subtract",
                "gcd", "lcm", "prime", "fibonacci", "percentage"}), lambda: obj(result=NUMBER)),
    (frozenset({"check", "verify", "validate", "is", "availability", "available"}), lambda: obj(
        valid=BOOLEAN, available=BOOLEAN, message=STRING)),
)  # fmt: skip

KINDS: dict[str, Any] = {
    "create": lambda: obj(
        id=STRING, status={"type": "string", "enum": ["created"]}, created_at=STRING
    ),
    "update": lambda: obj(status={"type": "string", "enum": ["updated"]}, updated_at=STRING),
    "cancel": lambda: obj(status={"type": "string", "enum": ["cancelled"]}, success=BOOLEAN),
    "delete": lambda: obj(status={"type": "string", "enum": ["deleted"]}, success=BOOLEAN),
    "get": lambda: obj(name=STRING, description=STRING),
    "list": lambda: listing(obj(id=STRING, name=STRING, description=STRING)),
    "search": lambda: listing(obj(id=STRING, name=STRING, description=STRING)),
    "action": lambda: obj(status={"type": "string", "enum": ["success"]}, result=STRING),
}


def infer(name: str, description: str, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The inferred response schema of a stateless tool (one without a shared entity)."""
    shape: dict[str, Any] | None = None
    name_words = set(words(name))
    described = set(words(description[:300])) - NAME_ONLY
    for sources in (name_words, described):
        for keys, make in DOMAINS:
            if keys & sources:
                shape = make()
                if kind in ("list", "search") and "x-counts" not in shape:
                    shape = None  # list_messages lists messages: it sends none
                    continue
                break
        if shape is not None:
            break
    if kind == "action":
        kind = described_kind(name, description)
    if shape is None:
        shape = KINDS[kind]()
        entity = classify(name)[1]
        if kind in ("list", "search") and entity:  # its own ids, not a filler name
            shape = listing(obj(**{f"{entity}_id": STRING, "created_at": DATE_TIME}))
    echo = echo_fields(params)
    if kind in ("list", "search"):  # each item has its own id, not the ids asked for
        echo = {k: v for k, v in echo.items() if words(k)[-1:] != ["ids"]}
    if kind in ("list", "search") and "results" in shape["properties"]:
        item = shape["properties"]["results"]["items"]
        item["properties"] = {**echo, **item["properties"]}
        return shape
    props = {**echo, **shape["properties"]}
    marks = {k: v for k, v in shape.items() if k.startswith("x-")}
    return {"type": "object", "properties": props, "required": list(shape["properties"]), **marks}


def described_kind(name: str, description: str) -> str:
    """A verbless name (``Market Trends API``) takes its kind from the description's first
    verb ("Get the latest market trends"); a plural noun makes a get a list."""
    first = words(description)[:1]
    kind = VERBS.get(first[0], "action") if first else "action"
    if first and first[0] in ("returns", "retrieves", "fetches", "lists", "gets", "provides"):
        kind = "get"
    nouns = [w for w in words(name) if w not in NOISE]
    if kind == "get" and nouns and plural(nouns[-1]):
        kind = "list"
    return kind if kind in ("get", "list", "search") else "action"


def is_control(name: str) -> bool:
    return name.lower() in CONTROL
