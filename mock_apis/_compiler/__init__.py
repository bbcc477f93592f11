"""The spec→mock compiler: ``compile(specs) -> MockBundle`` (see ``_compile``)."""

from synth._compiler._bundle import (
    BundleCache,
    EntityEntry,
    Manifest,
    MockBundle,
    ToolEntry,
    ToolError,
)
from synth._compiler._compile import COMPILER_VERSION, RUNTIME_ABI, bundle_key, compile
from synth._compiler._errors import ToolCompileError
from synth._compiler._impls import Checker, syntax_check
from synth._compiler._schemas import SUPPORTED

__all__ = [
    "COMPILER_VERSION",
    "RUNTIME_ABI",
    "SUPPORTED",
    "BundleCache",
    "Checker",
    "EntityEntry",
    "Manifest",
    "MockBundle",
    "ToolCompileError",
    "ToolEntry",
    "ToolError",
    "bundle_key",
    "compile",
    "syntax_check",
]
