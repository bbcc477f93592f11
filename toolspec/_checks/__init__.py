"""Argument checks: one implementation of every rule a tool call's arguments must obey.

The rule layer (``verifier``) and every path that sends a call to a mock (``mock_apis``)
check arguments with :func:`tool_check` / :func:`argument_check`: the same strict
schema, the same draft 2020-12 validators, the same format checkers and the same
bounded regular expressions, answering the same ``call.*`` codes in the same words.

Exports load on first use (``toolspec.lazy_exports``): the importers need only the format names,
not the validators.
"""

from typing import TYPE_CHECKING

from toolspec._lazy import lazy_exports

_EXPORTS: dict[str, tuple[str, ...]] = {
    "toolspec._checks._cache": ("ContentCache",),
    "toolspec._checks._check": (
        "CACHE_SIZE",
        "ArgumentCheck",
        "SchemaUnusable",
        "argument_check",
        "clear_checks",
        "documented_schema",
        "parameters_problem",
        "schema_problem",
        "strict_schema",
        "tool_check",
    ),
    "toolspec._checks._classify": ("Problem",),
    "toolspec._checks._formats": ("HINT_FORMATS", "SCHEMA_FORMATS"),
    "toolspec._checks._patterns": ("BoundedValidator",),
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # names re-exported for type checkers (``X as X``)
    from toolspec._checks._cache import ContentCache as ContentCache
    from toolspec._checks._check import (
        CACHE_SIZE as CACHE_SIZE,
        ArgumentCheck as ArgumentCheck,
        SchemaUnusable as SchemaUnusable,
        argument_check as argument_check,
        clear_checks as clear_checks,
        documented_schema as documented_schema,
        parameters_problem as parameters_problem,
        schema_problem as schema_problem,
        strict_schema as strict_schema,
        tool_check as tool_check,
    )
    from toolspec._checks._classify import Problem as Problem
    from toolspec._checks._formats import (
        HINT_FORMATS as HINT_FORMATS,
        SCHEMA_FORMATS as SCHEMA_FORMATS,
    )
    from toolspec._checks._patterns import BoundedValidator as BoundedValidator
