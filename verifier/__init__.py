"""Dataset readers, call parsers, the verification layers, the BFCL checker and reports."""

from verifier._codes import CODES, CodeInfo
from verifier._model import Finding, Sample, SampleResult, ToolCall, Turn
from verifier._parsers import (
    MAX_CALL_TEXT_CHARS,
    format_python_calls,
    parse_json_calls,
    parse_python_calls,
    parse_tool_call_blocks,
)
from verifier._rules import DuplicateTracker, check_rules

__all__ = [
    "CODES",
    "MAX_CALL_TEXT_CHARS",
    "CodeInfo",
    "DuplicateTracker",
    "Finding",
    "Sample",
    "SampleResult",
    "ToolCall",
    "Turn",
    "check_rules",
    "format_python_calls",
    "parse_json_calls",
    "parse_python_calls",
    "parse_tool_call_blocks",
]
