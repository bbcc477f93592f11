"""Dataset readers, call parsers, the verification layers, the BFCL checker and reports.

Exports load on first use (``toolspec.lazy_exports``): importing one name, or a sub-module,
loads only what that needs.
"""

from typing import TYPE_CHECKING

from toolspec import lazy_exports

_EXPORTS: dict[str, tuple[str, ...]] = {
    "verifier._codes": (
        "CODES",
        "CodeInfo",
    ),
    "verifier._exec": ("ExecLayer",),
    "verifier._judge": (
        "Evidence",
        "FunctionJudge",
        "Judge",
        "JudgeLayer",
        "JudgeStats",
        "JudgeVerdict",
        "LLMJudge",
        "OfflineJudge",
        "get_judge",
        "judge_names",
        "make_judge",
        "register_judge",
    ),
    # The OpenAI-compatible client the judge, the BFCL runner and synthesis share.
    "verifier._judge._client": (
        "BackgroundLoop",
        "ChatClient",
        "RetryPolicy",
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
    "verifier._layers": (
        "KNOWN_LAYERS",
        "BuiltLayer",
        "LayerCheck",
        "LayerName",
        "LayerOptions",
        "build_layer",
        "layer_factory",
    ),
    "verifier._pipeline": (
        "DuplicateMarker",
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
    # Its own module, outside _readers: Settings imports it, and _readers loads every reader.
    "verifier._limits": ("ReadLimits",),
    "verifier._reports": (
        "ReportWriter",
        "open_report",
        "report_writer",
        "result_dict",
        "result_from_line",
        "result_line",
    ),
    "verifier._rules": (
        "DuplicateTracker",
        "check_rules",
        "content_digest",
    ),
    "verifier._summary": ("Summary",),
    "verifier._trace": ("ExecutedCall", "JudgeTrace", "Trace"),
    "verifier._version": ("TOOLPROOF_VERSION",),
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # names re-exported for type checkers (``X as X``)
    from verifier._codes import CODES as CODES, CodeInfo as CodeInfo
    from verifier._exec import ExecLayer as ExecLayer
    from verifier._judge import (
        Evidence as Evidence,
        FunctionJudge as FunctionJudge,
        Judge as Judge,
        JudgeLayer as JudgeLayer,
        JudgeStats as JudgeStats,
        JudgeVerdict as JudgeVerdict,
        LLMJudge as LLMJudge,
        OfflineJudge as OfflineJudge,
        get_judge as get_judge,
        judge_names as judge_names,
        make_judge as make_judge,
        register_judge as register_judge,
    )
    from verifier._judge._client import (
        BackgroundLoop as BackgroundLoop,
        ChatClient as ChatClient,
        RetryPolicy as RetryPolicy,
    )
    from verifier._layers import (
        KNOWN_LAYERS as KNOWN_LAYERS,
        BuiltLayer as BuiltLayer,
        LayerCheck as LayerCheck,
        LayerName as LayerName,
        LayerOptions as LayerOptions,
        build_layer as build_layer,
        layer_factory as layer_factory,
    )
    from verifier._limits import ReadLimits as ReadLimits
    from verifier._model import (
        Finding as Finding,
        Sample as Sample,
        SampleResult as SampleResult,
        ToolCall as ToolCall,
        Turn as Turn,
    )
    from verifier._parsers import (
        MAX_CALL_TEXT_CHARS as MAX_CALL_TEXT_CHARS,
        format_python_calls as format_python_calls,
        parse_json_calls as parse_json_calls,
        parse_python_calls as parse_python_calls,
        parse_tool_call_blocks as parse_tool_call_blocks,
    )
    from verifier._pipeline import (
        DuplicateMarker as DuplicateMarker,
        Pipeline as Pipeline,
        parse_layers as parse_layers,
        score as score,
    )
    from verifier._readers import (
        Dataset as Dataset,
        RawRecord as RawRecord,
        Reader as Reader,
        detect_format as detect_format,
        get_reader as get_reader,
        iter_records as iter_records,
        read_dataset as read_dataset,
        reader_names as reader_names,
    )
    from verifier._reports import (
        ReportWriter as ReportWriter,
        open_report as open_report,
        report_writer as report_writer,
        result_dict as result_dict,
        result_from_line as result_from_line,
        result_line as result_line,
    )
    from verifier._rules import (
        DuplicateTracker as DuplicateTracker,
        check_rules as check_rules,
        content_digest as content_digest,
    )
    from verifier._summary import Summary as Summary
    from verifier._trace import (
        ExecutedCall as ExecutedCall,
        JudgeTrace as JudgeTrace,
        Trace as Trace,
    )
    from verifier._version import TOOLPROOF_VERSION as TOOLPROOF_VERSION
