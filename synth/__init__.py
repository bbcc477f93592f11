"""Tool specs, their importers, the spec→mock compiler and the synthesis pipeline."""

from synth._compiler import MockBundle, compile
from synth._importers import import_tool, import_tools
from synth._spec import ToolSpec
from synth.errors import SpecError, ToolproofError

__all__ = [
    "MockBundle",
    "SpecError",
    "ToolSpec",
    "ToolproofError",
    "compile",
    "import_tool",
    "import_tools",
]
