"""The foundation every other package stands on: the one model of a tool (``ToolSpec``),
the dialect importers that read tools from real data into it, the one argument check of a
tool call (``tool_check``: the rule layer's and every mock's), the root ``ToolproofError``
with its stable codes (``toolspec.errors``), the generic ``Registry[T]``
(``toolspec.registry``) and the lazy-exports helper the packages' ``__init__``s use.

Exports load on first use (``lazy_exports``): importing one name, or a sub-module,
loads only what that needs.
"""

from typing import TYPE_CHECKING

from toolspec._lazy import lazy_exports as lazy_exports  # re-exported: every package uses it

_EXPORTS: dict[str, tuple[str, ...]] = {
    "toolspec._checks": (
        "HINT_FORMATS",
        "SCHEMA_FORMATS",
        "ArgumentCheck",
        "BoundedValidator",
        "ContentCache",
        "Problem",
        "SchemaUnusable",
        "argument_check",
        "clear_checks",
        "documented_schema",
        "parameters_problem",
        "schema_problem",
        "strict_schema",
        "tool_check",
    ),
    "toolspec._importers": (
        "FORMAT_NAMES",
        "ORIGINAL_TYPE_KEY",
        "detect_dialect",
        "import_openapi",
        "import_tool",
        "import_tools",
        "known_dialects",
        "load_tools_file",
        "read_tools_file",
    ),
    "toolspec._spec": ("ToolSpec",),
    "toolspec.errors": (
        "SpecError",
        "ToolproofError",
    ),
}
__getattr__, __dir__, _LAZY = lazy_exports(__name__, _EXPORTS)
__all__ = sorted([*_LAZY, "lazy_exports"])

if TYPE_CHECKING:  # names re-exported for type checkers (``X as X``)
    from toolspec._checks import (
        HINT_FORMATS as HINT_FORMATS,
        SCHEMA_FORMATS as SCHEMA_FORMATS,
        ArgumentCheck as ArgumentCheck,
        BoundedValidator as BoundedValidator,
        ContentCache as ContentCache,
        Problem as Problem,
        SchemaUnusable as SchemaUnusable,
        argument_check as argument_check,
        clear_checks as clear_checks,
        documented_schema as documented_schema,
        parameters_problem as parameters_problem,
        schema_problem as schema_problem,
        strict_schema as strict_schema,
        tool_check as tool_check,
    )
    from toolspec._importers import (
        FORMAT_NAMES as FORMAT_NAMES,
        ORIGINAL_TYPE_KEY as ORIGINAL_TYPE_KEY,
        detect_dialect as detect_dialect,
        import_openapi as import_openapi,
        import_tool as import_tool,
        import_tools as import_tools,
        known_dialects as known_dialects,
        load_tools_file as load_tools_file,
        read_tools_file as read_tools_file,
    )
    from toolspec._spec import ToolSpec as ToolSpec
    from toolspec.errors import SpecError as SpecError, ToolproofError as ToolproofError
