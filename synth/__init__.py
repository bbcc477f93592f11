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
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from synth._compiler import MockBundle, compile
    from synth._importers import (
        FORMAT_NAMES,
        ORIGINAL_TYPE_KEY,
        detect_dialect,
        import_openapi,
        import_tool,
        import_tools,
        known_dialects,
        load_tools_file,
    )
    from synth._spec import ToolSpec
    from synth._synthesis import (
        ChatModel,
        ComplexityController,
        DialogGenerator,
        PoolBuilder,
        PoolEntry,
        ToolAgent,
        ToolResult,
        ToolSession,
        Verdict,
        Verify,
        make_agents,
        make_proposer,
        read_pool,
    )
    from synth.errors import SpecError, ToolproofError

__all__ = [
    "FORMAT_NAMES",
    "ORIGINAL_TYPE_KEY",
    "ChatModel",
    "ComplexityController",
    "DialogGenerator",
    "MockBundle",
    "PoolBuilder",
    "PoolEntry",
    "SpecError",
    "ToolAgent",
    "ToolResult",
    "ToolSession",
    "ToolSpec",
    "ToolproofError",
    "Verdict",
    "Verify",
    "compile",
    "detect_dialect",
    "import_openapi",
    "import_tool",
    "import_tools",
    "known_dialects",
    "load_tools_file",
    "make_agents",
    "make_proposer",
    "read_pool",
]
