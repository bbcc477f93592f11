"""Seeded, realistic value generation for compiled mocks (stdlib only, shipped to sandboxes).

Every value comes from a ``random.Random`` seeded by a hash of (bundle seed, tool, canonical
arguments), so the same call always gets the same answer. The compiler annotates schema
nodes with ``x-gen`` (what kind of value a field holds, inferred from its name, format or
description) and ``x-pattern`` (a pattern pre-parsed into a small expansion program), so
this module only interprets; it never guesses from text at call time. (It is longer than
most modules because of its word lists, and the runtime modules cannot import one another
in the host package, so the lists stay here.) Like every
``tpmock_*`` module it is compiled with RestrictedPython in the sandbox (see ``tpmock_core``).

An answer repeats what the call said where it can (a weather answer names the city asked
about): :func:`echoable` decides, without validating anything (see there).
"""

import datetime
import hashlib
import json
import random

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable  # noqa: F401 (used in type comments)
    from typing import Any

#: Dates are drawn around a fixed day, never "today", so answers do not change over time.
EPOCH_ORDINAL = 739052  # 2024-06-15
MAX_DEPTH = 6

FIRST = (
    "Alice",
    "Bruno",
    "Chen",
    "Diana",
    "Emeka",
    "Fatima",
    "Giulia",
    "Hiro",
    "Ines",
    "Jonas",
    "Keira",
    "Liam",
    "Maya",
    "Noah",
    "Olga",
    "Priya",
    "Rafael",
    "Sofia",
    "Tomas",
    "Yara",
)
LAST = (
    "Anderson",
    "Berger",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Martin",
    "Nakamura",
    "Okafor",
    "Patel",
    "Rossi",
    "Smith",
)
CITIES = (
    ("Paris", "France", "FR", 48.8566, 2.3522),
    ("Berlin", "Germany", "DE", 52.52, 13.405),
    ("Tokyo", "Japan", "JP", 35.6762, 139.6503),
    ("New York", "United States", "US", 40.7128, -74.006),
    ("London", "United Kingdom", "GB", 51.5072, -0.1276),
    ("Toronto", "Canada", "CA", 43.6532, -79.3832),
    ("Sydney", "Australia", "AU", -33.8688, 151.2093),
    ("Madrid", "Spain", "ES", 40.4168, -3.7038),
    ("Mumbai", "India", "IN", 19.076, 72.8777),
    ("São Paulo", "Brazil", "BR", -23.5505, -46.6333),
)
STREETS = ("Maple Avenue", "High Street", "Oak Lane", "Station Road", "Elm Street", "Park Way")
COMPANIES = ("Acme Corp", "Globex", "Initech", "Umbrella Labs", "Stark Industries", "Hooli")
WORDS = (
    "alpha",
    "harbor",
    "summit",
    "meadow",
    "quartz",
    "nimbus",
    "falcon",
    "cedar",
    "orbit",
    "lumen",
    "atlas",
    "ember",
    "willow",
    "cobalt",
    "vertex",
    "prairie",
)
PRODUCTS = (
    "Wireless Headphones",
    "Espresso Machine",
    "Running Shoes",
    "Desk Lamp",
    "Backpack",
    "Smart Watch",
    "Yoga Mat",
    "Water Bottle",
)
CONDITIONS = ("sunny", "partly cloudy", "cloudy", "light rain", "thunderstorms", "snow", "fog")
STATUSES = ("active", "pending", "confirmed", "completed")
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD", "AUD", "INR")
LANGUAGES = ("en", "fr", "de", "es", "ja", "pt", "it")
COLORS = ("red", "blue", "green", "black", "white", "yellow", "purple")
CATEGORIES = ("electronics", "books", "travel", "food", "sports", "music", "health")
SYMBOLS = ("AAPL", "MSFT", "GOOGL", "AMZN", "TSLA", "NVDA", "META")
# A quote for a company the call names carries that company's ticker: the known ones
# here, else one derived from the name; never another company's (a random one was).
TICKERS = {
    "apple": "AAPL",
    "microsoft": "MSFT",
    "alphabet": "GOOGL",
    "google": "GOOGL",
    "amazon": "AMZN",
    "tesla": "TSLA",
    "nvidia": "NVDA",
    "meta": "META",
    "facebook": "META",
    "netflix": "NFLX",
    "intel": "INTC",
    "ibm": "IBM",
    "oracle": "ORCL",
    "adobe": "ADBE",
    "salesforce": "CRM",
    "amd": "AMD",
    "qualcomm": "QCOM",
    "cisco": "CSCO",
    "paypal": "PYPL",
    "walmart": "WMT",
    "disney": "DIS",
    "nike": "NKE",
    "boeing": "BA",
    "visa": "V",
    "mastercard": "MA",
    "coca-cola": "KO",
    "pepsico": "PEP",
    "mcdonald's": "MCD",
    "starbucks": "SBUX",
    "uber": "UBER",
    "airbnb": "ABNB",
    "spotify": "SPOT",
}
SYMBOL_FIELDS = ("symbol", "ticker", "stock_symbol", "ticker_symbol")
COMPANY_KEYS = ("company", "company_name", "stock", "stock_name", "organization", "name")
TIMEZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
SENTENCES = (
    "A reliable choice with consistently good reviews.",
    "Updated recently with the latest information available.",
    "Popular with visitors and well rated for value.",
    "Includes the key details requested in the query.",
)
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
HEX = "0123456789abcdef"


def canonical(value: "Any") -> "str":
    """Canonical JSON of call arguments, so key order never changes an answer."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def rng_for(*parts: "Any") -> "random.Random":
    digest = hashlib.sha256(canonical(list(parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def date(rng: "random.Random") -> "str":
    return datetime.date.fromordinal(EPOCH_ORDINAL + rng.randint(-400, 400)).isoformat()


def clock(rng: "random.Random") -> "str":
    return f"{rng.randint(7, 21):02d}:{rng.choice((0, 15, 30, 45)):02d}:00"


def person(rng: "random.Random") -> "str":
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def email(rng: "random.Random") -> "str":
    return f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}@example.com"


def uuid(rng: "random.Random") -> "str":
    h = "".join(rng.choice(HEX) for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def ident(rng: "random.Random") -> "str":
    return f"{rng.choice(LETTERS)}{rng.choice(LETTERS)}-{rng.randint(100000, 999999)}"


def city(rng: "random.Random") -> "tuple[str, str, str, float, float]":
    return rng.choice(CITIES)


def money(rng: "random.Random") -> "float":
    return round(rng.uniform(5, 500), 2)


STRINGS = {  # type: dict[str, Callable[[random.Random], str]]
    "first_name": lambda r: r.choice(FIRST),
    "last_name": lambda r: r.choice(LAST),
    "full_name": person,
    "username": lambda r: f"{r.choice(FIRST).lower()}{r.randint(10, 99)}",
    "email": email,
    "phone": lambda r: f"+1-555-{r.randint(100, 999)}-{r.randint(1000, 9999)}",
    "city": lambda r: city(r)[0],
    "country": lambda r: city(r)[1],
    "country_code": lambda r: city(r)[2],
    "address": lambda r: f"{r.randint(1, 250)} {r.choice(STREETS)}, {city(r)[0]}",
    "zip": lambda r: f"{r.randint(10000, 99999)}",
    "company": lambda r: r.choice(COMPANIES),
    "product": lambda r: r.choice(PRODUCTS),
    "url": lambda r: f"https://www.example.com/{r.choice(WORDS)}/{r.randint(1, 999)}",
    "image_url": lambda r: f"https://img.example.com/{r.choice(WORDS)}-{r.randint(1, 99)}.jpg",
    "ip": lambda r: f"192.0.2.{r.randint(1, 254)}",
    "ipv6": lambda r: f"2001:db8::{r.randint(1, 65535):x}",
    "hostname": lambda r: f"{r.choice(WORDS)}.example.com",
    "uuid": uuid,
    "id": ident,
    "currency": lambda r: r.choice(CURRENCIES),
    "language": lambda r: r.choice(LANGUAGES),
    "title": lambda r: f"{r.choice(WORDS).title()} {r.choice(WORDS).title()}",
    "name": lambda r: f"{r.choice(WORDS).title()} {r.choice(WORDS).title()}",
    "description": lambda r: r.choice(SENTENCES),
    "word": lambda r: r.choice(WORDS),
    "status": lambda r: r.choice(STATUSES),
    "date": date,
    "date-time": lambda r: f"{date(r)}T{clock(r)}Z",
    "time": clock,
    "color": lambda r: r.choice(COLORS),
    "category": lambda r: r.choice(CATEGORIES),
    "symbol": lambda r: r.choice(SYMBOLS),
    "timezone": lambda r: r.choice(TIMEZONES),
    "weather_condition": lambda r: r.choice(CONDITIONS),
    "password": lambda r: "".join(r.choice(LETTERS + HEX) for _ in range(14)),
    "file_name": lambda r: f"{r.choice(WORDS)}_{r.randint(1, 99)}.txt",
    "unit": lambda r: r.choice(("celsius", "fahrenheit")),
}

NUMBERS = {  # type: dict[str, Callable[[random.Random], float]]
    "money": money,
    "latitude": lambda r: round(city(r)[3] + r.uniform(-0.05, 0.05), 4),
    "longitude": lambda r: round(city(r)[4] + r.uniform(-0.05, 0.05), 4),
    "temperature": lambda r: round(r.uniform(-5, 35), 1),
    "percent": lambda r: round(r.uniform(0, 100), 1),
    "rating": lambda r: round(r.uniform(3, 5), 1),
    "age": lambda r: r.randint(18, 80),
    "year": lambda r: r.randint(1990, 2025),
    "count": lambda r: r.randint(1, 20),
    "distance": lambda r: round(r.uniform(1, 900), 1),
    "duration": lambda r: r.randint(5, 240),
    "humidity": lambda r: r.randint(20, 95),
    "speed": lambda r: round(r.uniform(0, 40), 1),
    "score": lambda r: round(r.uniform(0, 100), 1),
    "population": lambda r: r.randint(10_000, 9_000_000),
    "id": lambda r: r.randint(1000, 999_999),
}


def expand(program: "list[Any]", rng: "random.Random") -> "str":
    """Expand a pre-parsed pattern program (see ``mock_apis._compiler._patterns``)."""
    parts = []  # type: list[str]
    for node in program:
        kind = node[0]
        if kind == "lit":
            parts.append(node[1])
        elif kind == "set":
            parts.append(rng.choice(node[1]))
        elif kind == "rep":
            for _ in range(rng.randint(node[1], node[2])):
                parts.append(expand(node[3], rng))
        elif kind == "alt":
            parts.append(expand(rng.choice(node[1]), rng))
    return "".join(parts)


def item(schema: "dict[str, Any]", key: "str", default: "Any" = None) -> "Any":
    """``schema.get(key)`` without an attribute access, which RestrictedPython guards."""
    return schema[key] if key in schema else default  # noqa: SIM401 (a guarded attribute)


#: Keywords that say something about a value without constraining it.
ANNOTATIONS = frozenset(
    {
        "description", "title", "default", "examples", "deprecated", "readOnly", "writeOnly",
        "$comment", "x-gen", "x-pattern", "x-counts", "x-echo", "x-original-type",
    }
)  # fmt: skip
TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list,
         "object": dict}  # type: dict[str, Any]  # fmt: skip


def same(a: "Any", b: "Any") -> "bool":
    """JSON equality of two values: ``True`` is not ``1`` (Python says it is)."""
    return bool(a == b) and isinstance(a, bool) == isinstance(b, bool)


def fits(value: "Any", schema: "dict[str, Any]") -> "bool":
    """Whether ``value`` has the node's type and is one of its ``enum``, if it has one."""
    enum = item(schema, "enum")
    if isinstance(enum, list) and not any(same(value, e) for e in enum):
        return False
    wanted = item(schema, "type")
    if wanted is None:
        return True
    for kind in wanted if isinstance(wanted, list) else [wanted]:
        if kind == "null" and value is None:
            return True
        py = TYPES.get(kind)
        if (
            py is not None
            and isinstance(value, py)
            and (kind == "boolean" or not isinstance(value, bool))
        ):
            return True
    return False


def plain(schema: "dict[str, Any]") -> "bool":
    """True when the node constrains nothing but the type and the enum."""
    return all(key in ("type", "enum") or key in ANNOTATIONS for key in schema)


def echoable(value: "Any", schema: "dict[str, Any]") -> "bool":
    """Whether a value the call carried may be repeated in the answer at ``schema``.

    Not a validator (the mock validates nothing; the host checked the arguments): the
    compiler marks with ``x-echo`` the answer nodes that copy the schema of the parameter
    of the same name, which a checked argument satisfies by construction; any other node
    takes the value only when it constrains nothing but type and enum, and the value
    fits them. Everything else is generated, so an answer always fits its own schema.
    """
    return fits(value, schema) and ("x-echo" in schema or plain(schema))


def generate(
    schema: "Any",
    rng: "random.Random",
    name: "str" = "",
    ctx: "dict[str, Any] | None" = None,
    depth: "int" = 0,
    own: "Any" = (),
) -> "Any":
    """A value that conforms to ``schema``; a field named like a context key repeats it.

    ``ctx`` holds the call's arguments and, under the names in ``own``, values the mock
    made itself (a stored record, a search's results), which were generated for these
    very schemas: those are repeated when they fit the node's type and enum, arguments
    when :func:`echoable` allows.
    """
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return schema["const"]
    if ctx and name and name in ctx:
        value = ctx[name]
        if fits(value, schema) if name in own else echoable(value, schema):
            return value
    enum = item(schema, "enum")
    if isinstance(enum, list) and enum:
        typed = [e for e in enum if fits(e, {"type": schema["type"]})] if "type" in schema else []
        choices = typed or enum  # a spec whose enum contradicts its type gets its enum
        return choices[rng.randrange(len(choices))]
    for key in ("oneOf", "anyOf"):
        branches = item(schema, key)
        if isinstance(branches, list) and branches:
            return generate(branches[0], rng, name, ctx, depth, own)
    kind = item(schema, "type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "object":
        return generate_object(schema, rng, ctx, depth, own)
    if kind == "array":
        return generate_array(schema, rng, ctx, depth, own)
    if kind == "string":
        ticker = ticker_for(ctx) if ctx and name in SYMBOL_FIELDS else None
        if ticker is not None and fits(ticker, schema) and plain(schema):
            return ticker
        return generate_string(schema, rng)
    if kind in ("integer", "number"):
        return generate_number(schema, rng, kind == "integer")
    if kind == "boolean":
        return rng.random() < 0.5
    return None


def ticker_for(ctx: "dict[str, Any]") -> "str | None":
    """The ticker of the company the call names (under a company-like key), if any."""
    for key in COMPANY_KEYS:
        value = ctx.get(key)
        if isinstance(value, str) and value.strip():
            words = value.strip().lower().split()
            for word in words:
                if word in TICKERS:
                    return TICKERS[word]
            letters = "".join(c for c in value.upper() if c.isalpha())
            return letters[:4] or None
    return None


def generate_object(
    schema: "dict[str, Any]",
    rng: "random.Random",
    ctx: "dict[str, Any] | None",
    depth: "int",
    own: "Any" = (),
) -> "dict[str, Any]":
    out = {}  # type: dict[str, Any]
    if depth >= MAX_DEPTH:
        return out
    props = item(schema, "properties")
    if isinstance(props, dict):
        for key, sub in props.items():
            out[key] = generate(sub, rng, key, ctx, depth + 1, own)
    for key in item(schema, "required") or ():
        if key not in out:  # required but never described: any value will do
            out[key] = generate({}, rng, key, ctx, depth + 1, own)
    if "x-counts" in schema:  # count fields state how long their lists are
        for key, counted in schema["x-counts"].items():
            if counted in out and isinstance(out[counted], list):
                out[key] = len(out[counted])
    for sub in item(schema, "allOf") or ():
        if isinstance(sub, dict):
            for key, value in generate_object(sub, rng, ctx, depth + 1, own).items():
                out.setdefault(key, value)
    return out


def generate_array(
    schema: "dict[str, Any]",
    rng: "random.Random",
    ctx: "dict[str, Any] | None",
    depth: "int",
    own: "Any" = (),
) -> "list[Any]":
    if depth >= MAX_DEPTH:
        return []
    low = item(schema, "minItems", 1)
    high = max(low, min(item(schema, "maxItems", 3), low + 3))
    items = item(schema, "items")
    prefix = item(schema, "prefixItems")
    if isinstance(prefix, list):
        return [generate(s, rng, "", ctx, depth + 1, own) for s in prefix]
    out = []  # type: list[Any]
    for _ in range(rng.randint(low, high) if items is not None else low):
        value = generate(items, rng, "", ctx, depth + 1, own)
        if item(schema, "uniqueItems") and value in out:
            continue
        out.append(value)
    return out


def generate_string(schema: "dict[str, Any]", rng: "random.Random") -> "str":
    program = item(schema, "x-pattern")
    if isinstance(program, list):
        return expand(program, rng)
    hint = item(schema, "x-gen") or item(schema, "format") or "word"
    make = STRINGS.get(hint) or STRINGS["word"]
    text = str(make(rng))
    low = item(schema, "minLength", 0)
    high = item(schema, "maxLength")
    while len(text) < low:
        text = text + rng.choice(LETTERS).lower()
    if isinstance(high, int) and len(text) > high:
        text = text[:high]
    return text


def generate_number(schema: "dict[str, Any]", rng: "random.Random", integer: "bool") -> "float":
    make = NUMBERS.get(item(schema, "x-gen") or "")
    low = item(schema, "minimum", item(schema, "exclusiveMinimum"))
    high = item(schema, "maximum", item(schema, "exclusiveMaximum"))
    value = make(rng) if make else rng.uniform(1, 100)
    if low is not None and high is not None and low <= high:
        value = value if low <= value <= high else rng.uniform(low, high)
    elif low is not None and value < low:
        value = low + rng.uniform(0, 100)
    elif high is not None and value > high:
        value = high - rng.uniform(0, 100)
    step = item(schema, "multipleOf")
    ratio = value / step if isinstance(step, (int, float)) and step > 0 else None
    if ratio is not None and abs(ratio) < 1e15:  # else the step is beyond a float's reach
        value = round(ratio) * step
        value = value if low is None or value >= low else value + step
    if integer:
        whole = round(value)
        if "exclusiveMinimum" in schema and whole <= schema["exclusiveMinimum"]:
            whole = int(schema["exclusiveMinimum"]) + 1
        if "exclusiveMaximum" in schema and whole >= schema["exclusiveMaximum"]:
            whole = int(schema["exclusiveMaximum"]) - 1
        return whole
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        value = schema["exclusiveMinimum"] + 0.5
    return round(value, 2) if not step else value
