"""Make a tool's parameter schema something the stdlib validator of the runtime fully obeys.

Local ``$ref``s are inlined (a recursive one is refused: the mock could not generate or
validate it in bounded time), draft-7 tuple ``items`` become ``prefixItems``, and every
node is checked for keywords outside the runtime's vocabulary, for unknown types and for
patterns Python cannot compile. A problem is a ``ToolCompileError`` for that tool alone.

The checks are a walk of our own rather than jsonschema's meta-schema validation because
the latter costs ~8 ms per schema, which alone would break the 25,000-spec budget.
"""

from __future__ import annotations

import re
from typing import Any

from mock_apis._compiler._errors import ToolCompileError

#: Keep in step with ``mock_apis/_runtime/tpmock_check.py`` (a test locks the two together).
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
#: Keywords that constrain values but that the runtime does not implement.
UNSUPPORTED = frozenset(
    {
        "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor",
        "unevaluatedProperties", "unevaluatedItems", "dependentSchemas", "if", "then", "else",
        "contentSchema", "minContains", "maxContains", "additionalItems",
    }
)  # fmt: skip
TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object", "null"})
NUMERIC = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")
SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
SUBSCHEMAS = ("items", "additionalProperties", "propertyNames", "contains", "not")
MAX_NODES = 5_000


def normalise(params: Any, tool: str) -> dict[str, Any]:
    """The tool's parameters, refs inlined and checked; raises ``ToolCompileError``."""
    if not isinstance(params, dict):
        raise ToolCompileError(tool, "spec.invalid_schema", "parameters must be a JSON object")
    kind = params.get("type", "object")
    if kind != "object":
        raise ToolCompileError(
            tool, "spec.invalid_schema", f"parameters must be an object schema, not {kind!r}"
        )
    budget = [MAX_NODES]
    out = resolve(params, params, (), tool, "", budget)
    assert isinstance(out, dict)
    out.pop("$defs", None)
    out.pop("definitions", None)
    out.setdefault("type", "object")
    return out


def lookup(root: dict[str, Any], ref: str, tool: str, where: str) -> Any:
    if not ref.startswith("#"):
        raise ToolCompileError(tool, "compile.unsupported", f"{where}: remote $ref {ref!r}")
    node: Any = root
    for part in ref[1:].split("/")[1:] if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise ToolCompileError(tool, "spec.invalid_schema", f"{where}: $ref {ref!r} not found")
    return node


def resolve(
    node: Any,
    root: dict[str, Any],
    stack: tuple[str, ...],
    tool: str,
    where: str,
    budget: list[int],
) -> Any:
    """A copy of ``node`` with refs inlined and every keyword checked."""
    if isinstance(node, bool):
        return node
    if not isinstance(node, dict):
        raise ToolCompileError(
            tool, "spec.invalid_schema", f"{where or '/'}: a schema must be an object"
        )
    budget[0] -= 1
    if budget[0] < 0:
        raise ToolCompileError(tool, "compile.unsupported", f"schema larger than {MAX_NODES} nodes")
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in stack:
            raise ToolCompileError(
                tool, "compile.unsupported", f"{where or '/'}: recursive $ref {ref!r}"
            )
        target = resolve(
            lookup(root, ref, tool, where or "/"), root, (*stack, ref), tool, where, budget
        )
        rest = {k: v for k, v in node.items() if k != "$ref"}
        if not rest:
            return target
        return {"allOf": [target, resolve(rest, root, stack, tool, where, budget)]}
    bad = UNSUPPORTED.intersection(node)
    if bad:
        raise ToolCompileError(
            tool, "compile.unsupported", f"{where or '/'}: unsupported keyword(s) {sorted(bad)}"
        )
    out: dict[str, Any] = {}
    for key, value in node.items():
        path = f"{where}/{key}"
        if key in SUBSCHEMA_MAPS:
            if not isinstance(value, dict):
                raise ToolCompileError(tool, "spec.invalid_schema", f"{path}: must be an object")
            if key in ("$defs", "definitions"):
                continue
            if key == "patternProperties":
                for pattern in value:
                    check_keyword("pattern", pattern, tool, path)
            out[key] = {
                k: resolve(v, root, stack, tool, f"{path}/{k}", budget) for k, v in value.items()
            }
        elif key in SUBSCHEMA_LISTS:
            if not isinstance(value, list):
                raise ToolCompileError(tool, "spec.invalid_schema", f"{path}: must be an array")
            out[key] = [
                resolve(v, root, stack, tool, f"{path}/{i}", budget) for i, v in enumerate(value)
            ]
        elif key == "items" and isinstance(value, list):  # draft-7 tuple form
            out["prefixItems"] = [
                resolve(v, root, stack, tool, f"{path}/{i}", budget) for i, v in enumerate(value)
            ]
        elif key in SUBSCHEMAS:
            out[key] = resolve(value, root, stack, tool, path, budget)
        elif key == "required" and isinstance(value, bool):
            continue  # draft-3 per-property flag: the object's own ``required`` list decides
        else:
            check_keyword(key, value, tool, path)
            out[key] = value
    return out


def check_keyword(key: str, value: Any, tool: str, path: str) -> None:
    if key == "type":
        names = value if isinstance(value, list) else [value]
        unknown = [n for n in names if n not in TYPES]
        if unknown:
            raise ToolCompileError(
                tool, "spec.invalid_schema", f"{path}: unknown type {unknown[0]!r}"
            )
    elif key in NUMERIC and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ToolCompileError(tool, "spec.invalid_schema", f"{path}: must be a number")
    elif key in COUNTS and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ToolCompileError(
            tool, "spec.invalid_schema", f"{path}: must be a non-negative integer"
        )
    elif key == "required" and not (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    ):
        raise ToolCompileError(tool, "spec.invalid_schema", f"{path}: must be a list of names")
    elif key == "enum" and not isinstance(value, list):
        raise ToolCompileError(tool, "spec.invalid_schema", f"{path}: must be an array")
    elif key == "pattern":
        if not isinstance(value, str):
            raise ToolCompileError(tool, "spec.invalid_schema", f"{path}: must be a string")
        try:
            re.compile(value)
        except re.error as exc:
            raise ToolCompileError(
                tool, "spec.invalid_schema", f"{path}: pattern {value!r} does not compile: {exc}"
            ) from None
    elif key == "dependentRequired" and not isinstance(value, dict):
        raise ToolCompileError(tool, "spec.invalid_schema", f"{path}: must be an object")
