"""Tool specs, their importers, the spec→mock compiler and the synthesis pipeline."""

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
