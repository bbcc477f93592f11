"""Tool specs, their importers, the spec→mock compiler and the synthesis pipeline."""

from synth._importers import import_tool, import_tools
from synth._spec import ToolSpec
from synth.errors import SpecError, ToolproofError

__all__ = ["SpecError", "ToolSpec", "ToolproofError", "import_tool", "import_tools"]
