"""Argument validation for compiled mocks: a stdlib-only JSON Schema subset → finding codes.

This module is shipped verbatim into every sandbox that runs a mock bundle and is compiled
there with RestrictedPython: it imports only modules of the sandbox's allow-list, uses no
names with a leading underscore, no ``set``/``sorted``/``type`` builtins and no typing
import at run time (annotations are strings; ``TYPE_CHECKING`` is for mypy only).

The compiler (``mock_apis._compiler``) rejects, per tool, any schema that uses a keyword
outside :data:`SUPPORTED` and inlines local ``$ref``s, so what reaches this validator is
always something it understands fully.
Each violation maps to the stable finding code the rule layer uses for the same fault.
"""

import datetime
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Validation keywords this module implements; anything else that constrains values is
#: refused at compile time (annotations such as ``description`` are ignored here).
SUPPORTED = frozenset(
    {
        "type", "enum", "const", "pattern", "format", "minLength", "maxLength", "minimum",
        "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "items",
        "prefixItems", "minItems", "maxItems", "uniqueItems", "contains", "properties",
        "required", "additionalProperties", "patternProperties", "propertyNames",
        "minProperties", "maxProperties", "dependentRequired", "anyOf", "oneOf", "allOf",
        "not",
    }
)  # fmt: skip

MAX_FINDINGS = 20
BOUNDS = (
    ("minimum", "less than"),
    ("maximum", "greater than"),
    ("exclusiveMinimum", "not greater than"),
    ("exclusiveMaximum", "not less than"),
)

PATTERNS = {}  # type: dict[str, re.Pattern[str]]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOSTNAME = re.compile(r"^(?=.{1,253}$)" + LABEL + r"(?:\." + LABEL + r")*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
IPV4 = re.compile(r"^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$")
HEXTET = re.compile(r"^[0-9A-Fa-f]{1,4}$")


def compiled(pattern: "str") -> "re.Pattern[str]":
    """Compile a schema pattern once per process (the compiler checked it compiles)."""
    rx = PATTERNS.get(pattern)
    if rx is None:
        rx = re.compile(pattern)
        PATTERNS[pattern] = rx
    return rx


def type_of(value: "Any") -> "str":
    """The JSON type name of a decoded JSON value (``integer`` for 3 and 3.0)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "unknown"


def same(a: "Any", b: "Any") -> "bool":
    """JSON equality: ``True`` is not ``1`` (Python says it is)."""
    return bool(a == b) and isinstance(a, bool) == isinstance(b, bool)


def format_ok(fmt: "str", value: "str") -> "bool":
    """Check the formats real specs use; unknown formats are annotations (always ok)."""
    try:
        if fmt == "date":
            return bool(DATE.match(value)) and datetime.date.fromisoformat(value) is not None
        if fmt == "date-time":
            return (
                "T" in value.upper()
                and datetime.datetime.fromisoformat(
                    value.replace("Z", "+00:00").replace("z", "+00:00")
                )
                is not None
            )
        if fmt == "time":
            return datetime.time.fromisoformat(value.replace("Z", "+00:00")) is not None
        if fmt == "email":
            return bool(EMAIL.match(value))
        if fmt in ("uri", "url", "iri"):
            return bool(URI.match(value))
        if fmt == "uuid":
            return bool(UUID.match(value))
        if fmt == "ipv4":
            return bool(IPV4.match(value))
        if fmt == "ipv6":
            return ipv6_ok(value)
        if fmt == "hostname":
            return bool(HOSTNAME.match(value))
    except ValueError:
        return False
    return True


def ipv6_ok(value: "str") -> "bool":
    """RFC 4291 text form, with at most one ``::`` and an optional dotted IPv4 tail."""
    if value.count("::") > 1:
        return False
    head, sep, tail = value.partition("::")
    groups = [g for g in head.split(":") + tail.split(":") if g] if sep else value.split(":")
    if groups and "." in groups[-1]:
        if not IPV4.match(groups[-1]):
            return False
        groups = [*groups[:-1], "0", "0"]
    if not all(HEXTET.match(g) for g in groups):
        return False
    return len(groups) < 8 if sep else len(groups) == 8


def finding(code: "str", path: "str", message: "str") -> "dict[str, str]":
    return {"code": code, "path": path, "message": message}


def validate(
    schema: "Any", value: "Any", path: "str" = "", top: "bool" = True
) -> "list[dict[str, str]]":
    """Findings for ``value`` against ``schema``; ``top`` applies the tool-level rules.

    At the top level a parameter the schema does not define is ``call.unknown_param``
    unless the schema sets ``additionalProperties`` (DESIGN.md); nested objects follow
    JSON Schema, where extra keys are allowed unless ``additionalProperties`` is false.
    """
    out = []  # type: list[dict[str, str]]
    check(schema, value, path, top, out)
    return out[:MAX_FINDINGS]


def conforms(value: "Any", schema: "Any") -> "bool":
    """True when ``value`` satisfies ``schema`` (nested objects: extra keys allowed)."""
    return not validate(schema, value, "", False)


def check(
    schema: "Any", value: "Any", path: "str", top: "bool", out: "list[dict[str, str]]"
) -> None:
    # Hot path: ``key in schema`` and ``schema[key]`` rather than ``schema.get``, because
    # under RestrictedPython every attribute access goes through a guard function.
    if not isinstance(schema, dict) or len(out) >= MAX_FINDINGS:
        if schema is False:
            out.append(finding("call.type_mismatch", path, "no value is allowed here"))
        return
    actual = type_of(value)
    if "type" in schema:
        types = schema["type"]
        if isinstance(types, str):
            fits = types == actual or (types == "number" and actual == "integer")
        else:
            fits = actual in types or ("number" in types and actual == "integer")
        if not fits:
            wanted = " or ".join(str(t) for t in types) if isinstance(types, list) else types
            out.append(finding("call.type_mismatch", path, f"expected {wanted}, got {actual}"))
            return
    if "const" in schema and not same(value, schema["const"]):
        out.append(finding("call.enum_violation", path, f"must be {schema['const']!r}"))
    if "enum" in schema:
        enum = schema["enum"]
        if isinstance(enum, list) and not any(same(value, e) for e in enum):
            shown = ", ".join(repr(e) for e in enum[:10])
            out.append(finding("call.enum_violation", path, f"{value!r} is not one of {shown}"))
    if actual == "string":
        if (
            "minLength" in schema
            or "maxLength" in schema
            or "pattern" in schema
            or ("format" in schema)
        ):
            check_string(schema, value, path, out)
    elif actual == "integer" or actual == "number":
        if (
            "minimum" in schema
            or "maximum" in schema
            or "exclusiveMinimum" in schema
            or ("exclusiveMaximum" in schema or "multipleOf" in schema)
        ):
            check_number(schema, value, path, out)
    elif actual == "array":
        check_array(schema, value, path, out)
    elif actual == "object":
        check_object(schema, value, path, top, out)
    if "anyOf" in schema or "oneOf" in schema or "allOf" in schema or "not" in schema:
        check_combinators(schema, value, path, top, out)


def check_string(
    schema: "dict[str, Any]", value: "str", path: "str", out: "list[dict[str, str]]"
) -> None:
    if "minLength" in schema and len(value) < schema["minLength"]:
        out.append(finding("call.range_violation", path, f"shorter than {schema['minLength']}"))
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        out.append(finding("call.range_violation", path, f"longer than {schema['maxLength']}"))
    pattern = item(schema, "pattern")
    if isinstance(pattern, str) and not compiled(pattern).search(value):
        out.append(finding("call.format_violation", path, f"{value!r} does not match {pattern}"))
    fmt = item(schema, "format")
    if isinstance(fmt, str) and not format_ok(fmt, value):
        out.append(finding("call.format_violation", path, f"{value!r} is not a valid {fmt}"))


def check_number(
    schema: "dict[str, Any]", value: "float", path: "str", out: "list[dict[str, str]]"
) -> None:
    for key, words in BOUNDS:
        bound = item(schema, key)
        if isinstance(bound, (int, float)) and not isinstance(bound, bool):
            broken = {
                "minimum": value < bound,
                "maximum": value > bound,
                "exclusiveMinimum": value <= bound,
                "exclusiveMaximum": value >= bound,
            }[key]
            if broken:
                out.append(finding("call.range_violation", path, f"{value} is {words} {bound}"))
    step = item(schema, "multipleOf")
    if isinstance(step, (int, float)) and step > 0:
        ratio = value / step
        if abs(ratio - round(ratio)) > 1e-9:
            out.append(
                finding("call.range_violation", path, f"{value} is not a multiple of {step}")
            )


def item(schema: "dict[str, Any]", key: "str") -> "Any":
    """``schema.get(key)`` without an attribute access (see :func:`check`)."""
    return schema[key] if key in schema else None  # noqa: SIM401 (a guarded attribute)


def check_array(
    schema: "dict[str, Any]", value: "list[Any]", path: "str", out: "list[dict[str, str]]"
) -> None:
    if "minItems" in schema and len(value) < schema["minItems"]:
        out.append(finding("call.range_violation", path, f"fewer than {schema['minItems']} items"))
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        out.append(finding("call.range_violation", path, f"more than {schema['maxItems']} items"))
    if item(schema, "uniqueItems") is True:
        seen = [repr(v) for v in value]
        if len(dict.fromkeys(seen)) != len(seen):
            out.append(finding("call.range_violation", path, "items are not unique"))
    prefix = item(schema, "prefixItems")
    start = 0
    if isinstance(prefix, list):
        for i, sub in enumerate(prefix[: len(value)]):
            check(sub, value[i], f"{path}/{i}", False, out)
        start = len(prefix)
    items = item(schema, "items")
    if isinstance(items, (dict, bool)):
        for i in range(start, len(value)):
            check(items, value[i], f"{path}/{i}", False, out)
    contains = item(schema, "contains")
    if isinstance(contains, dict) and not any(conforms(v, contains) for v in value):
        out.append(finding("call.range_violation", path, "no item matches 'contains'"))


def check_object(
    schema: "dict[str, Any]",
    value: "dict[str, Any]",
    path: "str",
    top: "bool",
    out: "list[dict[str, str]]",
) -> None:
    props = item(schema, "properties")
    props = props if isinstance(props, dict) else {}
    required = item(schema, "required")
    if isinstance(required, list):
        for name in required:
            if isinstance(name, str) and name not in value:
                out.append(
                    finding(
                        "call.missing_required",
                        f"{path}/{escape(name)}",
                        f"required parameter {name!r} is missing",
                    )
                )
    if "dependentRequired" in schema:
        check_dependent(schema["dependentRequired"], value, path, out)
    if "minProperties" in schema or "maxProperties" in schema:
        for key, limit, words in (("minProperties", 1, "fewer"), ("maxProperties", -1, "more")):
            bound = item(schema, key)
            if isinstance(bound, int) and (len(value) - bound) * limit < 0:
                out.append(
                    finding("call.range_violation", path, f"{words} than {bound} properties")
                )
    patterns = item(schema, "patternProperties")
    patterns = patterns if isinstance(patterns, dict) else None
    extra = item(schema, "additionalProperties") if "additionalProperties" in schema else None
    if extra is None and not top:
        extra = True
    names = item(schema, "propertyNames")
    for name, sub_value in value.items():
        sub_path = path + "/" + (escape(name) if "/" in name or "~" in name else name)
        if names is not None:
            check(names, name, sub_path, False, out)
        matched = name in props
        if matched:
            check(props[name], sub_value, sub_path, False, out)
        if patterns is not None:
            for pattern, sub in patterns.items():
                if compiled(pattern).search(name):
                    matched = True
                    check(sub, sub_value, sub_path, False, out)
        if matched:
            continue
        if extra is None or extra is False:
            out.append(finding("call.unknown_param", sub_path, f"unknown parameter {name!r}"))
        elif isinstance(extra, dict):
            check(extra, sub_value, sub_path, False, out)


def check_dependent(
    dependent: "Any", value: "dict[str, Any]", path: "str", out: "list[dict[str, str]]"
) -> None:
    if not isinstance(dependent, dict):
        return
    for name, needs in dependent.items():
        if name in value and isinstance(needs, list):
            for need in needs:
                if need not in value:
                    out.append(
                        finding(
                            "call.missing_required",
                            f"{path}/{escape(need)}",
                            f"{need!r} is required when {name!r} is given",
                        )
                    )


def check_combinators(
    schema: "dict[str, Any]", value: "Any", path: "str", top: "bool", out: "list[dict[str, str]]"
) -> None:
    for sub in item(schema, "allOf") or ():
        check(sub, value, path, top, out)
    for key in ("anyOf", "oneOf"):
        branches = item(schema, key)
        if not isinstance(branches, list) or not branches:
            continue
        results = [validate(b, value, path, top) for b in branches]
        passing = sum(1 for r in results if not r)
        if passing == 0:
            best = min(results, key=len)
            out.extend(best[:1])
        elif key == "oneOf" and passing > 1:
            out.append(finding("call.type_mismatch", path, "value matches more than one oneOf"))
    negated = item(schema, "not")
    if isinstance(negated, dict) and not validate(negated, value, path, False):
        out.append(finding("call.type_mismatch", path, "value matches a forbidden schema"))


def escape(name: "str") -> "str":
    """JSON-pointer escaping of one reference token (RFC 6901)."""
    return name.replace("~", "~0").replace("/", "~1")
