"""The spec→mock compiler: ``compile(specs) -> MockBundle`` (see ``_compile``)."""

from mock_apis._compiler._bundle import (
    BundleCache,
    EntityEntry,
    Manifest,
    MockBundle,
    ToolEntry,
    ToolError,
)
from mock_apis._compiler._compile import COMPILER_VERSION, RUNTIME_ABI, bundle_key, compile
from mock_apis._compiler._errors import ToolCompileError
from mock_apis._compiler._impls import Checker, syntax_check
from mock_apis._compiler._names import classify as classify_name, id_pattern, id_prefix, singular
from mock_apis._compiler._patterns import expand as expand_pattern, program as pattern_program
from mock_apis._compiler._schemas import normalise

__all__ = [
    "COMPILER_VERSION",
    "RUNTIME_ABI",
    "BundleCache",
    "Checker",
    "EntityEntry",
    "Manifest",
    "MockBundle",
    "ToolCompileError",
    "ToolEntry",
    "ToolError",
    "bundle_key",
    "classify_name",
    "compile",
    "expand_pattern",
    "id_pattern",
    "id_prefix",
    "normalise",
    "pattern_program",
    "singular",
    "syntax_check",
]
