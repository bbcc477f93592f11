"""Running statistics over a stream of results: pass rate, counts per code, examples.

The summary is what the CLI prints, what the reports open with and what the gate reads;
it is built incrementally so verifying a dataset of any size keeps memory flat (one
example per code, counters only).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from verifier._model import Finding, Sample, SampleResult


@dataclass(slots=True)
class CodeExample:
    sample_id: str
    index: int
    message: str


@dataclass(slots=True)
class Summary:
    """Counts over every result seen so far."""

    total: int = 0
    passed: int = 0
    by_code: Counter[str] = field(default_factory=Counter)
    samples_by_code: Counter[str] = field(default_factory=Counter)
    by_layer: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    examples: dict[str, CodeExample] = field(default_factory=dict)
    format: str | None = None
    #: The layers that ran; each gets its own pass rate (samples with no error of it).
    layers: tuple[str, ...] = ()
    failed_by_layer: Counter[str] = field(default_factory=Counter)
    #: Findings per called tool (those that point at a call), when samples are given.
    by_tool: Counter[str] = field(default_factory=Counter)
    #: Findings, samples and an example per (code, severity): one code can be an error in
    #: one sample and a warning in another (the judge grades by confidence), so a table
    #: row per pair says which is which.
    by_code_severity: Counter[tuple[str, str]] = field(default_factory=Counter)
    samples_by_code_severity: Counter[tuple[str, str]] = field(default_factory=Counter)
    severity_examples: dict[tuple[str, str], CodeExample] = field(default_factory=dict)

    def add(self, result: SampleResult, sample: Sample | None = None) -> None:
        """Count one result; with its ``sample``, findings are also counted per tool."""
        self.total += 1
        if result.verdict == "pass":
            self.passed += 1
        seen: set[str] = set()
        seen_pairs: set[tuple[str, str]] = set()
        for f in result.findings:
            self._count(f, result, seen)
            self._count_pair(f, result, seen_pairs)
        for layer in {f.layer for f in result.findings if f.severity == "error"}:
            self.failed_by_layer[layer] += 1
        if sample is not None:
            for f in result.findings:
                tool = _called_tool(sample, f)
                if tool is not None:
                    self.by_tool[tool] += 1

    def _count(self, f: Finding, result: SampleResult, seen: set[str]) -> None:
        self.by_code[f.code] += 1
        self.by_layer[f.layer] += 1
        self.by_severity[f.severity] += 1
        if f.code not in seen:
            seen.add(f.code)
            self.samples_by_code[f.code] += 1
        if f.code not in self.examples:
            self.examples[f.code] = CodeExample(result.id, result.index, f.message)

    def _count_pair(self, f: Finding, result: SampleResult, seen: set[tuple[str, str]]) -> None:
        key = (f.code, f.severity)
        self.by_code_severity[key] += 1
        if key not in seen:
            seen.add(key)
            self.samples_by_code_severity[key] += 1
        if key not in self.severity_examples:
            self.severity_examples[key] = CodeExample(result.id, result.index, f.message)

    @property
    def failed(self) -> int:
        return self.total - self.passed

    @property
    def pass_rate(self) -> float:
        """Share of samples that passed; 1.0 for an empty dataset (nothing failed)."""
        return self.passed / self.total if self.total else 1.0

    def layer_pass_rates(self) -> dict[str, float]:
        """Per layer that ran: the share of samples that layer found no error in."""
        if not self.total:
            return {layer: 1.0 for layer in self.layers}
        return {layer: 1 - self.failed_by_layer[layer] / self.total for layer in self.layers}

    def codes_by_frequency(self) -> list[tuple[str, int]]:
        return sorted(self.by_code.items(), key=lambda kv: (-kv[1], kv[0]))

    def code_severities_by_frequency(self) -> list[tuple[str, str, int]]:
        """(code, severity, findings), most findings first."""
        pairs = sorted(self.by_code_severity.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(code, severity, n) for (code, severity), n in pairs]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "total": self.total,
            "passed": self.passed,
            "failed": self.failed,
            "pass_rate": round(self.pass_rate, 6),
            "pass_rate_by_layer": {k: round(v, 6) for k, v in self.layer_pass_rates().items()},
            "findings_by_code": dict(self.codes_by_frequency()),
            "samples_by_code": dict(self.samples_by_code),
            "findings_by_layer": dict(self.by_layer),
            "findings_by_severity": dict(self.by_severity),
            "findings_by_tool": dict(self.by_tool.most_common(50)),
            "examples": {
                code: {"id": ex.sample_id, "index": ex.index, "message": ex.message}
                for code, ex in sorted(self.examples.items())
            },
        }


def _called_tool(sample: Sample, f: Finding) -> str | None:
    """The name of the call a finding points at, if it points at one."""
    if f.turn is None or f.call is None or not 0 <= f.turn < len(sample.turns):
        return None
    calls = sample.turns[f.turn].calls
    return calls[f.call].name if 0 <= f.call < len(calls) else None
