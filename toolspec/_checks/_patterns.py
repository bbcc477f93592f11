"""Schema regular expressions, matched by the Rust engine only: bounded on every input.

Python's ``re`` backtracks without limit: a hostile spec's ``^(a+)+$`` against a 30-character
value or property name takes minutes (issue 15: 45.8 s for one ``/v1/verify``, on the event
loop). Every ``pattern`` and ``patternProperties`` key an argument check matches goes through
:func:`search`, which asks the engine the fast validator (``jsonschema_rs``, ECMA-262
dialect) already compiled the spec's patterns with, so both validators agree on what a
pattern means. That engine runs a pattern without look-around or back-references on the
``regex`` crate (linear time); the others on ``fancy-regex`` with a backtracking limit
(1,000,000 steps, 20-80 ms measured). When the limit is hit the answer is "undecided":
the value is treated as not matching, and the finding says so (:class:`PatternUndecided`).

``BoundedValidator`` is jsonschema's ``Draft202012Validator`` with the four keywords that
match patterns (``pattern``, ``patternProperties``, ``additionalProperties``,
``unevaluatedProperties``) re-implemented on :func:`search`; the last is jsonschema's own
algorithm (``_utils.find_evaluated_property_keys_by_schema``) with its ``re.search``
replaced, since that helper offers no way to pass a matcher.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import attrs
import jsonschema
import jsonschema_rs
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import extend

#: Said in findings when the engine gave up on a pattern.
GAVE_UP = "the regular expression engine gave up (its backtracking limit)"


class PatternUndecided(ValidationError):
    """The engine could not decide whether the value matches ``pattern``."""


@lru_cache(maxsize=4096)
def _matcher(pattern: str) -> Any:
    return jsonschema_rs.validator_for({"type": "string", "pattern": pattern})


def search(pattern: str, text: str) -> bool | None:
    """Whether ``pattern`` matches somewhere in ``text`` (JSON Schema's ``pattern``);
    None when the engine gave up. Raises ``ValueError`` if the engine cannot compile it."""
    matcher = _matcher(pattern)
    if matcher.is_valid(text):
        return True
    try:
        matcher.validate(text)
    except jsonschema_rs.ValidationError as exc:
        if type(exc.kind).__name__ == "BacktrackLimitExceeded":
            return None
    return False


def matches(pattern: str, text: str) -> bool:
    """:func:`search`, with "undecided" and "cannot compile" as no match."""
    try:
        return bool(search(pattern, text))
    except ValueError:
        return False


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not isinstance(instance, str):
        return
    try:
        found = search(pattern, instance)
    except ValueError:  # not compilable: the compile step already reported the schema
        found = False
    if found is None:
        yield PatternUndecided(f"{instance!r} could not be checked against {pattern!r}: {GAVE_UP}")
    elif not found:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: dict[str, Any], instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if matches(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def additional_keys(instance: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """Keys neither in ``properties`` nor matched by a ``patternProperties`` pattern."""
    properties = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return [
        key
        for key in instance
        if key not in properties and not any(matches(p, key) for p in patterns)
    ]


def _additional_properties(
    validator: Any, extra: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    extras = additional_keys(instance, schema)
    if validator.is_type(extra, "object"):
        for key in extras:
            yield from validator.descend(instance[key], extra, path=key)
    elif not extra and extras:
        shown = ", ".join(repr(k) for k in sorted(extras))
        yield ValidationError(f"Additional properties are not allowed ({shown} unexpected)")


def _valid(errors: Iterator[ValidationError]) -> bool:
    return next(errors, None) is None


def _evaluated_keys(validator: Any, instance: dict[str, Any], schema: Any) -> set[str]:
    """The keys some keyword of ``schema`` evaluates (jsonschema's algorithm, see above)."""
    if validator.is_type(schema, "boolean"):
        return set()
    keys: set[str] = set()
    for ref_key in ("$ref", "$dynamicRef"):
        ref = schema.get(ref_key)
        if ref is not None:
            resolved = validator._resolver.lookup(ref)
            inner = validator.evolve(schema=resolved.contents, _resolver=resolved.resolver)
            keys |= _evaluated_keys(inner, instance, resolved.contents)
    properties = schema.get("properties")
    if validator.is_type(properties, "object"):
        keys |= properties.keys() & instance.keys()
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        sub = schema.get(keyword)
        if sub is not None:
            keys |= {k for k, v in instance.items() if _valid(validator.descend(v, sub))}
    for pattern in schema.get("patternProperties", {}):
        keys |= {k for k in instance if matches(pattern, k)}
    for name, sub in schema.get("dependentSchemas", {}).items():
        if name in instance:
            keys |= _evaluated_keys(validator, instance, sub)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(keyword, []):
            if _valid(validator.descend(instance, sub)):
                keys |= _evaluated_keys(validator, instance, sub)
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            keys |= _evaluated_keys(validator, instance, schema["if"])
            if "then" in schema:
                keys |= _evaluated_keys(validator, instance, schema["then"])
        elif "else" in schema:
            keys |= _evaluated_keys(validator, instance, schema["else"])
    return keys


def _unevaluated_properties(
    validator: Any, unevaluated: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    evaluated = _evaluated_keys(validator, instance, schema)
    bad = [
        key
        for key in instance
        if key not in evaluated
        and not _valid(validator.descend(instance[key], unevaluated, path=key, schema_path=key))
    ]
    if bad:
        shown = ", ".join(repr(k) for k in sorted(bad))
        if unevaluated is False:
            yield ValidationError(f"Unevaluated properties are not allowed ({shown} unexpected)")
        else:
            yield ValidationError(
                f"Unevaluated properties are not valid under the given schema ({shown})"
            )


def _evolve(self: Any, **changes: Any) -> Any:
    """``evolve`` that keeps this class for every subschema and referenced resource.

    jsonschema's own switches to the validator its registry has for a subschema's
    ``$schema``: a stock one, whose ``pattern`` runs Python's backtracking ``re`` (and
    raises on ECMA-only syntax such as ``\\p{L}``). A spec is draft 2020-12 throughout
    (the importers normalise dialects), so an embedded ``$schema`` changes nothing here.
    """
    changes.setdefault("schema", self.schema)
    for field in attrs.fields(type(self)):
        if field.init and field.alias not in changes:
            changes[field.alias] = getattr(self, field.name)
    return type(self)(**changes)


# jsonschema leaves ``extend`` untyped; the result is a Validator class.
BoundedValidator: type[Validator] = extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator,
    {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
        "unevaluatedProperties": _unevaluated_properties,
    },
)
"""``Draft202012Validator`` whose pattern-matching keywords use the Rust engine."""
BoundedValidator.evolve = _evolve  # type: ignore[method-assign]
