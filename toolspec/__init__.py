"""Tool specs, their importers, the spec→mock compiler and the synthesis pipeline.

Exports load on first use (``synth._lazy``): importing one name, or a sub-module,
loads only what that needs.
"""

from typing import TYPE_CHECKING

from synth._lazy import lazy_exports

_EXPORTS: dict[str, tuple[str, ...]] = {
    "synth._compiler": (
        "MockBundle",
        "compile",
    ),
    "synth._importers": (
        "FORMAT_NAMES",
        "ORIGINAL_TYPE_KEY",
        "detect_dialect",
        "import_openapi",
        "import_tool",
        "import_tools",
        "known_dialects",
        "load_tools_file",
    ),
    "synth._spec": ("ToolSpec",),
    "synth._synthesis": (
        "ChatModel",
        "ComplexityController",
        "DialogGenerator",
        "PoolBuilder",
        "PoolEntry",
        "ToolAgent",
        "ToolResult",
        "ToolSession",
        "Verdict",
        "Verify",
        "make_agents",
        "make_proposer",
        "read_pool",
    ),
    "synth.errors": (
        "SpecError",
        "ToolproofError",
    ),
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # names re-exported for type checkers (``X as X``)
    from synth._compiler import MockBundle as MockBundle, compile as compile
    from synth._importers import (
        FORMAT_NAMES as FORMAT_NAMES,
        ORIGINAL_TYPE_KEY as ORIGINAL_TYPE_KEY,
        detect_dialect as detect_dialect,
        import_openapi as import_openapi,
        import_tool as import_tool,
        import_tools as import_tools,
        known_dialects as known_dialects,
        load_tools_file as load_tools_file,
    )
    from synth._spec import ToolSpec as ToolSpec
    from synth._synthesis import (
        ChatModel as ChatModel,
        ComplexityController as ComplexityController,
        DialogGenerator as DialogGenerator,
        PoolBuilder as PoolBuilder,
        PoolEntry as PoolEntry,
        ToolAgent as ToolAgent,
        ToolResult as ToolResult,
        ToolSession as ToolSession,
        Verdict as Verdict,
        Verify as Verify,
        make_agents as make_agents,
        make_proposer as make_proposer,
        read_pool as read_pool,
    )
    from synth.errors import SpecError as SpecError, ToolproofError as ToolproofError
