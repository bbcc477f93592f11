"""Dataset readers, call parsers, the verification layers, the BFCL checker and reports.

Exports load on first use (``synth._lazy``): importing one name, or a sub-module,
loads only what that needs.
"""

from typing import TYPE_CHECKING

from synth._lazy import lazy_exports

_EXPORTS: dict[str, tuple[str, ...]] = {
    "verifier._codes": (
        "CODES",
        "CodeInfo",
    ),
    "verifier._judge": (
        "Evidence",
        "FunctionJudge",
        "Judge",
        "JudgeLayer",
        "JudgeStats",
        "JudgeVerdict",
        "LLMJudge",
        "OfflineJudge",
        "ScriptedChatServer",
        "ScriptedReply",
        "get_judge",
        "judge_names",
        "make_judge",
        "register_judge",
    ),
    "verifier._model": (
        "Finding",
        "Sample",
        "SampleResult",
        "ToolCall",
        "Turn",
    ),
    "verifier._parsers": (
        "MAX_CALL_TEXT_CHARS",
        "format_python_calls",
        "parse_json_calls",
        "parse_python_calls",
        "parse_tool_call_blocks",
    ),
    "verifier._pipeline": (
        "KNOWN_LAYERS",
        "LayerCheck",
        "Pipeline",
        "parse_layers",
        "score",
    ),
    "verifier._readers": (
        "Dataset",
        "RawRecord",
        "Reader",
        "detect_format",
        "get_reader",
        "iter_records",
        "read_dataset",
        "reader_names",
    ),
    "verifier._reports": (
        "ReportWriter",
        "open_report",
        "report_writer",
        "result_dict",
        "result_line",
    ),
    "verifier._rules": (
        "DuplicateTracker",
        "check_rules",
    ),
    "verifier._summary": ("Summary",),
    "verifier._version": ("TOOLPROOF_VERSION",),
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from verifier._codes import CODES, CodeInfo
    from verifier._judge import (
        Evidence,
        FunctionJudge,
        Judge,
        JudgeLayer,
        JudgeStats,
        JudgeVerdict,
        LLMJudge,
        OfflineJudge,
        ScriptedChatServer,
        ScriptedReply,
        get_judge,
        judge_names,
        make_judge,
        register_judge,
    )
    from verifier._model import Finding, Sample, SampleResult, ToolCall, Turn
    from verifier._parsers import (
        MAX_CALL_TEXT_CHARS,
        format_python_calls,
        parse_json_calls,
        parse_python_calls,
        parse_tool_call_blocks,
    )
    from verifier._pipeline import KNOWN_LAYERS, LayerCheck, Pipeline, parse_layers, score
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
    from verifier._reports import ReportWriter, open_report, report_writer, result_dict, result_line
    from verifier._rules import DuplicateTracker, check_rules
    from verifier._summary import Summary
    from verifier._version import TOOLPROOF_VERSION

__all__ = [
    "CODES",
    "KNOWN_LAYERS",
    "MAX_CALL_TEXT_CHARS",
    "TOOLPROOF_VERSION",
    "CodeInfo",
    "Dataset",
    "DuplicateTracker",
    "Evidence",
    "Finding",
    "FunctionJudge",
    "Judge",
    "JudgeLayer",
    "JudgeStats",
    "JudgeVerdict",
    "LLMJudge",
    "LayerCheck",
    "OfflineJudge",
    "Pipeline",
    "RawRecord",
    "Reader",
    "ReportWriter",
    "Sample",
    "SampleResult",
    "ScriptedChatServer",
    "ScriptedReply",
    "Summary",
    "ToolCall",
    "Turn",
    "check_rules",
    "detect_format",
    "format_python_calls",
    "get_judge",
    "get_reader",
    "iter_records",
    "judge_names",
    "make_judge",
    "open_report",
    "parse_json_calls",
    "parse_layers",
    "parse_python_calls",
    "parse_tool_call_blocks",
    "read_dataset",
    "reader_names",
    "register_judge",
    "report_writer",
    "result_dict",
    "result_line",
    "score",
]
