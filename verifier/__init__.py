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
from verifier._readers import (
    Dataset,
    RawRecord,
    Reader,
    detect_format,
    get_reader,
    iter_records,
    read_dataset,
    reader_names,
)
from verifier._rules import DuplicateTracker, check_rules

__all__ = [
    "CODES",
    "MAX_CALL_TEXT_CHARS",
    "CodeInfo",
    "Dataset",
    "DuplicateTracker",
    "Finding",
    "RawRecord",
    "Reader",
    "Sample",
    "SampleResult",
    "ToolCall",
    "Turn",
    "check_rules",
    "detect_format",
    "format_python_calls",
    "get_reader",
    "iter_records",
    "parse_json_calls",
    "parse_python_calls",
    "parse_tool_call_blocks",
    "read_dataset",
    "reader_names",
]
