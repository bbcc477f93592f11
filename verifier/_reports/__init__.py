"""Report writers (results JSONL, HTML, JUnit), one module each, registered by name."""

from verifier._reports import _html, _jsonl, _junit
from verifier._reports._base import ReportWriter, open_report, report_writer
from verifier._reports._jsonl import result_dict, result_from_line, result_line

__all__ = [
    "ReportWriter",
    "open_report",
    "report_writer",
    "result_dict",
    "result_from_line",
    "result_line",
]

del _html, _jsonl, _junit  # imported for their registrations
