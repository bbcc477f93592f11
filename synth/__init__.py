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
from synth.errors import SpecError, ToolproofError

__all__ = [
    "FORMAT_NAMES",
    "ORIGINAL_TYPE_KEY",
    "MockBundle",
    "SpecError",
    "ToolSpec",
    "ToolproofError",
    "compile",
    "detect_dialect",
    "import_openapi",
    "import_tool",
    "import_tools",
    "known_dialects",
    "load_tools_file",
]
