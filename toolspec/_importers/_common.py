"""The one path from a function-like object to a ``ToolSpec``, shared by every dialect.

Dialects differ in how a tool is wrapped and how its parameters are written; once the
importer has a name, a description and a parameters schema, the rest (type-name
normalisation, stated-format hints, the ``ToolSpec`` itself) is the same for all, so a
tool imports identically whichever dialect it was detected as.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolspec._importers._formats import collect_hints
from toolspec._importers._paramdict import is_param_dict, param_dict_to_schema
from toolspec._importers._schema import normalise_parameters, normalise_schema
from toolspec._spec import ToolSpec
from toolspec.errors import SpecError


def unwrap(obj: Any) -> Mapping[str, Any]:
    """``{"type": "function", "function": {...}}`` → the inner function; bare ones as is."""
    if not isinstance(obj, Mapping):
        raise SpecError(f"a tool must be a JSON object, got {type(obj).__name__}")
    if obj.get("type") == "function" and "function" in obj:
        inner = obj["function"]
        if not isinstance(inner, Mapping):
            raise SpecError(
                f"'function' of an OpenAI tool must be an object, got {type(inner).__name__}"
            )
        return inner
    return obj


def tool_name(fn: Mapping[str, Any]) -> str:
    name = fn.get("name")
    if not isinstance(name, str):
        shown = "missing" if name is None else f"a {type(name).__name__}"
        raise SpecError(f"a tool needs a string 'name' ({shown})")
    return name


def raw_parameters(fn: Mapping[str, Any], name: str) -> Any:
    params = fn.get("parameters")
    if params is not None and not isinstance(params, Mapping):
        raise SpecError(
            f"tool {name!r}: 'parameters' must be an object, got {type(params).__name__}"
        )
    return params


def description_of(fn: Mapping[str, Any]) -> str:
    """A non-string description is treated as missing (the rule layer flags it unclear)."""
    description = fn.get("description")
    return description if isinstance(description, str) else ""


def build_spec(
    *,
    name: str,
    description: str,
    parameters: Any,
    dialect: str,
    output_schema: Any = None,
) -> ToolSpec:
    """Normalise ``parameters`` (and ``output_schema``), lift stated formats, build the spec."""
    params = normalise_parameters(parameters)
    output = normalise_schema(output_schema) if isinstance(output_schema, Mapping) else None
    return ToolSpec(
        name=name,
        description=description,
        parameters=params,
        output_schema=output,
        dialect=dialect,
        hints=collect_hints(params),
    )


def function_spec(obj: Any, dialect: str, *, output_key: str | None = None) -> ToolSpec:
    """A (possibly OpenAI-wrapped) function object, its parameters in any known shape.

    Every dialect reads every shape (JSON Schema, typed BFCL/ToolACE schema, xLAM mapping):
    the shape is recognised from the data, the dialect name only labels the spec.
    """
    fn = unwrap(obj)
    name = tool_name(fn)
    params = raw_parameters(fn, name)
    if isinstance(params, Mapping) and not is_schema_like(params) and is_param_dict(params):
        params = param_dict_to_schema(params)
    output = fn.get(output_key) if output_key else None
    return build_spec(
        name=name,
        description=description_of(fn),
        parameters=params,
        dialect=dialect,
        output_schema=output,
    )


def is_schema_like(params: Mapping[str, Any]) -> bool:
    """True if ``params`` reads as a JSON Schema rather than xLAM's name → spec mapping.

    A schema states its ``type`` as a string (or list of them), or maps ``properties`` to
    sub-schemas; an xLAM mapping has parameter names as keys, so a parameter called
    ``type`` holds a dict, and one called ``properties`` holds ``{"type": "str", ...}``.
    """
    kind = params.get("type")
    if isinstance(kind, str) or (isinstance(kind, list) and all(isinstance(t, str) for t in kind)):
        return True
    props = params.get("properties")
    if isinstance(props, Mapping) and all(isinstance(v, Mapping | bool) for v in props.values()):
        return True
    return any(k in params for k in ("$ref", "anyOf", "oneOf", "allOf"))
