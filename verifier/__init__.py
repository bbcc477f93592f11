"""Dataset readers, call parsers, the verification layers, the BFCL checker and reports."""

from verifier._codes import CODES, CodeInfo
from verifier._model import Finding, Sample, SampleResult, ToolCall, Turn

__all__ = [
    "CODES",
    "CodeInfo",
    "Finding",
    "Sample",
    "SampleResult",
    "ToolCall",
    "Turn",
]
