"""The reference validator, with ``pattern`` matched by the Rust regex engine.

Python's ``re`` backtracks without limit: a hostile spec's ``^(a+)+$`` against a long
value hangs the classifier for minutes. The fast validator's engine (``jsonschema_rs``,
ECMA-262 dialect, bounded backtracking) already compiled every pattern of the spec, so
the classifier asks it too: the two validators then agree on what a pattern means.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import jsonschema
import jsonschema_rs
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import extend


@lru_cache(maxsize=4096)
def _matcher(pattern: str) -> Any:
    return jsonschema_rs.validator_for({"type": "string", "pattern": pattern})


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not isinstance(instance, str):
        return
    try:
        ok = _matcher(pattern).is_valid(instance)
    except ValueError:  # the engine gave up (backtracking limit): treat as no match
        ok = False
    if not ok:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# jsonschema leaves ``extend`` untyped; the result is a Validator class.
SlowValidator: type[Validator] = extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {"pattern": _pattern}
)
"""``Draft202012Validator`` whose ``pattern`` keyword uses the Rust engine."""
