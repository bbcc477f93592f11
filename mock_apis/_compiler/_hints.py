"""Annotate schema nodes with what kind of value they hold, so mocks answer realistically.

``x-gen`` names a generator of the runtime (``email``, ``money``, ``latitude`` …), chosen
from, in order: the node's ``format`` (which the validator enforces, so it must win), a
format the importer found in the description (``ToolSpec.hints``), then the words of the
property's name. ``x-pattern`` carries a pattern's expansion program. Both keys are
annotations: JSON Schema ignores keywords it does not know.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from mock_apis._compiler._names import ID_WORDS, id_pattern, words
from mock_apis._compiler._patterns import program

FORMATS = {
    "date": "date", "date-time": "date-time", "datetime": "date-time", "time": "time",
    "email": "email", "uri": "url", "url": "url", "iri": "url", "uri-reference": "url",
    "uuid": "uuid", "ipv4": "ip", "ipv6": "ipv6", "hostname": "hostname",
    # formats only descriptions state (``ToolSpec.hints``), which calls are checked against
    "iso4217": "currency", "iso3166-alpha2": "country_code", "iso639-1": "language",
}  # fmt: skip

#: Name words → string generator; the first rule whose words all occur wins.
STRING_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("email",), "email"), (("mail",), "email"), (("phone",), "phone"), (("mobile",), "phone"),
    (("first", "name"), "first_name"), (("firstname",), "first_name"),
    (("last", "name"), "last_name"), (("surname",), "last_name"), (("lastname",), "last_name"),
    (("user", "name"), "username"), (("username",), "username"), (("handle",), "username"),
    (("full", "name"), "full_name"), (("customer", "name"), "full_name"),
    (("author",), "full_name"), (("owner",), "full_name"), (("passenger",), "full_name"),
    (("guest",), "full_name"), (("contact",), "full_name"), (("recipient",), "email"),
    (("country", "code"), "country_code"), (("country",), "country"), (("city",), "city"),
    (("location",), "city"), (("destination",), "city"), (("origin",), "city"),
    (("address",), "address"), (("street",), "address"), (("zip",), "zip"),
    (("postal",), "zip"), (("postcode",), "zip"), (("company",), "company"),
    (("organization",), "company"), (("brand",), "company"), (("image",), "image_url"),
    (("photo",), "image_url"), (("avatar",), "image_url"), (("thumbnail",), "image_url"),
    (("url",), "url"), (("link",), "url"), (("website",), "url"), (("uuid",), "uuid"),
    (("guid",), "uuid"), (("ip",), "ip"), (("id",), "id"), (("currency",), "currency"),
    (("language",), "language"), (("lang",), "language"), (("locale",), "language"),
    (("title",), "title"), (("headline",), "title"), (("subject",), "title"),
    (("description",), "description"), (("summary",), "description"),
    (("message",), "description"), (("comment",), "description"), (("note",), "description"),
    (("notes",), "description"), (("content",), "description"), (("text",), "description"),
    (("review",), "description"), (("body",), "description"), (("status",), "status"),
    (("timestamp",), "date-time"), (("at",), "date-time"), (("datetime",), "date-time"),
    (("date",), "date"), (("day",), "date"), (("birthday",), "date"), (("dob",), "date"),
    (("time",), "time"), (("color",), "color"), (("colour",), "color"),
    (("category",), "category"), (("genre",), "category"), (("symbol",), "symbol"),
    (("ticker",), "symbol"), (("timezone",), "timezone"), (("tz",), "timezone"),
    (("condition",), "weather_condition"), (("weather",), "weather_condition"),
    (("password",), "password"), (("file",), "file_name"), (("filename",), "file_name"),
    (("unit",), "unit"), (("units",), "unit"), (("product",), "product"), (("name",), "name"),
)  # fmt: skip
NUMBER_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("lat",), "latitude"), (("latitude",), "latitude"), (("lon",), "longitude"),
    (("lng",), "longitude"), (("longitude",), "longitude"), (("temperature",), "temperature"),
    (("temp",), "temperature"), (("humidity",), "humidity"), (("price",), "money"),
    (("cost",), "money"), (("amount",), "money"), (("total",), "money"),
    (("balance",), "money"), (("fee",), "money"), (("salary",), "money"),
    (("budget",), "money"), (("revenue",), "money"), (("payment",), "money"),
    (("percent",), "percent"), (("percentage",), "percent"), (("rating",), "rating"),
    (("stars",), "rating"), (("age",), "age"), (("year",), "year"), (("count",), "count"),
    (("quantity",), "count"), (("qty",), "count"), (("num",), "count"),
    (("number", "of"), "count"), (("distance",), "distance"), (("miles",), "distance"),
    (("km",), "distance"), (("duration",), "duration"), (("minutes",), "duration"),
    (("hours",), "duration"), (("speed",), "speed"), (("wind",), "speed"),
    (("score",), "score"), (("population",), "population"), (("id",), "id"),
)  # fmt: skip


#: Entities that are people: their ``name`` is a person's (``comedian_name``, ``student_name``).
PEOPLE = frozenset(
    ("actor", "agent", "applicant", "artist", "athlete", "attendee", "author", "candidate",
     "client", "coach", "comedian", "customer", "dentist", "doctor", "driver", "employee",
     "guest", "instructor", "member", "musician", "nurse", "owner", "passenger", "patient",
     "person", "physician", "player", "speaker", "student", "teacher", "tenant", "trainer",
     "tutor", "user", "volunteer", "worker")
)  # fmt: skip


@lru_cache(maxsize=16_384)
def by_name(name: str, numeric: bool) -> str | None:
    """The generator a field's name suggests (cached: real specs reuse a few names)."""
    tokens = set(words(name))
    if not numeric and "name" in tokens and tokens & PEOPLE:
        return "full_name"
    for needed, gen in NUMBER_RULES if numeric else STRING_RULES:
        if tokens.issuperset(needed):
            return gen
    return None


def annotate(
    schema: Any,
    hints: dict[str, str],
    name: str = "",
    pointer: str = "",
    notes: list[str] | None = None,
) -> Any:
    """A copy of ``schema`` with ``x-gen``/``x-pattern`` on its leaves; ``notes`` gets warnings."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "string" in kinds or (kinds == [None] and "properties" not in schema):
        pattern = schema.get("pattern")
        prog = program(pattern) if isinstance(pattern, str) else None
        if prog is not None:
            out["x-pattern"] = prog
        elif isinstance(pattern, str) and notes is not None:
            notes.append(
                f"{pointer or '/'}: pattern {pattern!r} has no generator; values may not match"
            )
        gen = FORMATS.get(str(schema.get("format"))) or FORMATS.get(hints.get(pointer, ""))
        gen = gen or by_name(name, False)
        if gen == "id" and prog is None and family_named(name):  # order_id: ORD-123456
            out["x-pattern"] = program(id_pattern(name))
        elif gen:
            out["x-gen"] = gen
    elif "number" in kinds or "integer" in kinds:
        gen = by_name(name, True)
        if gen:
            out["x-gen"] = gen
    for key in ("properties", "patternProperties"):
        sub = schema.get(key)
        if isinstance(sub, dict):
            out[key] = {
                k: annotate(v, hints, k, f"{pointer}/{key}/{k}", notes) for k, v in sub.items()
            }
    items = schema.get("items")
    if isinstance(items, dict):
        out["items"] = annotate(items, hints, singular_of(name), f"{pointer}/items", notes)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        seq = schema.get(key)
        if isinstance(seq, list):
            out[key] = [
                annotate(v, hints, name, f"{pointer}/{key}/{i}", notes) for i, v in enumerate(seq)
            ]
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        out["additionalProperties"] = annotate(
            extra, hints, "", f"{pointer}/additionalProperties", notes
        )
    return out


def family_named(name: str) -> bool:
    """True when an id's name says what it identifies (``order_id``, not ``id``)."""
    return any(w not in ID_WORDS for w in words(name))


def singular_of(name: str) -> str:
    """Items of ``emails`` are emails: the item node is named by the singular."""
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name
