"""Properties of the rule layer: valid calls pass, one wrong type is found exactly."""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from toolspec import ToolSpec
from verifier import Sample, ToolCall, Turn, check_rules

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@st.composite
def leaf(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["string", "integer", "number", "boolean", "enum", "date"]))
    if kind == "string":
        lo = draw(st.integers(0, 3))
        return {"type": "string", "minLength": lo, "maxLength": lo + draw(st.integers(0, 5))}
    if kind in ("integer", "number"):
        lo = draw(st.integers(-100, 100))
        return {"type": kind, "minimum": lo, "maximum": lo + draw(st.integers(0, 50))}
    if kind == "enum":
        return {"type": "string", "enum": draw(st.lists(NAMES, min_size=1, max_size=4,
                                                        unique=True))}  # fmt: skip
    if kind == "date":
        return {"type": "string", "format": "date"}
    return {"type": "boolean"}


def obj(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        props = draw(st.dictionaries(NAMES, children, min_size=1, max_size=4))
        props = {k: {**v, "description": f"The {k} to use"} for k, v in props.items()}
        required = [k for k in props if draw(st.booleans())]
        return {"type": "object", "properties": props, "required": required}

    return build()


SCHEMAS = obj(
    st.recursive(
        leaf(),
        lambda inner: st.one_of(
            obj(inner), inner.map(lambda s: {"type": "array", "items": s, "maxItems": 3})
        ),
        max_leaves=6,
    )
)


def value_for(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A strategy of values valid under one of the generated schemas."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if schema.get("format") == "date":
        return st.dates(datetime.date(1900, 1, 1)).map(datetime.date.isoformat)
    t = schema["type"]
    if t == "string":
        return st.text(st.characters(codec="utf-8"),
                       min_size=schema["minLength"], max_size=schema["maxLength"])  # fmt: skip
    if t == "integer":
        return st.integers(schema["minimum"], schema["maximum"])
    if t == "number":
        return st.floats(schema["minimum"], schema["maximum"], allow_nan=False)
    if t == "boolean":
        return st.booleans()
    if t == "array":
        return st.lists(value_for(schema["items"]), max_size=schema["maxItems"])

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        out = {}
        for key, sub in schema["properties"].items():
            if key in schema["required"] or draw(st.booleans()):
                out[key] = draw(value_for(sub))
        return out

    return build()


def sample_for(tool: ToolSpec, args: dict[str, Any]) -> Sample:
    turns = [Turn("user", "go"), Turn("assistant", None, [ToolCall(tool.name, args)])]
    return Sample(index=0, id="0", format="xlam", tools=[tool], turns=turns,
                  meta={"responses": False})  # fmt: skip


def call_codes(s: Sample) -> list[tuple[str, str | None]]:
    return [(f.code, f.path) for f in check_rules(s) if f.code.startswith("call.")]


def scalar_paths(schema: dict[str, Any], value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(pointer, json type) of every scalar in ``value`` that the schema types."""
    if schema.get("type") == "object" and isinstance(value, dict):
        return [p for k, v in value.items()
                for p in scalar_paths(schema["properties"][k], v, f"{prefix}/{k}")]  # fmt: skip
    if schema.get("type") == "array" and isinstance(value, list):
        return [p for i, v in enumerate(value)
                for p in scalar_paths(schema["items"], v, f"{prefix}/{i}")]  # fmt: skip
    return [(prefix, schema["type"])]


def replace(value: Any, pointer: str, new: Any) -> Any:
    head, _, rest = pointer[1:].partition("/")
    key: Any = int(head) if isinstance(value, list) else head
    value[key] = new if not rest else replace(value[key], "/" + rest, new)
    return value


PROFILE = settings(max_examples=150, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@PROFILE
@given(data=st.data(), schema=SCHEMAS)
def test_generated_valid_call_has_no_call_findings(data: st.DataObject, schema: Any) -> None:
    tool = ToolSpec(name="tool", description="A generated tool.", parameters=schema)
    args = data.draw(value_for(schema))
    assert call_codes(sample_for(tool, args)) == []


@PROFILE
@given(data=st.data(), schema=SCHEMAS)
def test_one_wrong_type_is_exactly_one_type_mismatch(data: st.DataObject, schema: Any) -> None:
    tool = ToolSpec(name="tool", description="A generated tool.", parameters=schema)
    args = data.draw(value_for(schema))
    paths = scalar_paths(schema, args)
    if not paths:
        return
    pointer, json_type = data.draw(st.sampled_from(paths))
    wrong = 7 if json_type in ("string", "boolean") else "seven"
    mutated = replace(args, pointer, wrong)
    assert call_codes(sample_for(tool, mutated)) == [("call.type_mismatch", pointer)]
