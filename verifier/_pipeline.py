"""The streaming verification pipeline: samples in, one ``SampleResult`` per sample out.

It is a pure function of (samples, layers): no global state beyond caches keyed by
content, so the same pipeline runs per shard (DESIGN.md, "Scale"). Output order follows
input order; memory does not grow with the dataset.

The one check that spans records is the duplicate check (``sample.inconsistent``: this
sample repeats an earlier one). A shard's pipeline is built with ``duplicates=False`` and
the driver, which sees every result in input order, adds that finding with
:class:`DuplicateMarker`, in the place and with the verdict and score the whole-dataset
pipeline would have given it.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from typing import Any, Literal, Protocol, cast

from toolspec.errors import ConfigError
from verifier._layers import KNOWN_LAYERS, LayerCheck, LayerName
from verifier._model import Finding, Sample, SampleResult
from verifier._rules import DuplicateTracker, check_rules
from verifier._version import TOOLPROOF_VERSION


class Prefetching(Protocol):
    """A layer that can work on a window of samples at once (concurrently).

    The pipeline hands it each window before asking for the samples one by one, so a
    layer that waits on I/O (sandboxes, an LLM) keeps many samples in flight while the
    output stays in input order and memory stays bounded by two windows: the next window
    is handed over before the current one is verified, so a layer whose ``prefetch``
    only starts the work (exec) runs it while the pipeline's thread checks the rules.
    """

    def prefetch(self, samples: Sequence[Sample]) -> None: ...


def parse_layers(text: str | Sequence[str]) -> tuple[LayerName, ...]:
    """``"rules,exec"`` → ``("rules", "exec")`` in canonical order; unknown names fail."""
    return _parse_layers(text if isinstance(text, str) else tuple(text))


@functools.lru_cache(maxsize=64)  # every request of the service names its layers
def _parse_layers(text: str | tuple[str, ...]) -> tuple[LayerName, ...]:
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    unknown = sorted(set(names) - set(KNOWN_LAYERS))
    if unknown:
        raise ConfigError(
            f"unknown layer(s) {', '.join(unknown)}; known layers: {', '.join(KNOWN_LAYERS)}"
        )
    if not names:
        raise ConfigError(f"no layer given; known layers: {', '.join(KNOWN_LAYERS)}")
    return tuple(layer for layer in KNOWN_LAYERS if layer in names)


def score(findings: Sequence[Finding]) -> float:
    """1.0 for a clean sample; each error weighs 1, each warning 0.2: 1 / (1 + weight)."""
    weight = 0.0
    for f in findings:
        weight += 1.0 if f.severity == "error" else 0.2
    return round(1.0 / (1.0 + weight), 4)


def _verdict(findings: Sequence[Finding]) -> Literal["pass", "fail"]:
    return "fail" if any(f.severity == "error" for f in findings) else "pass"


def _tools_hash(sample: Sample) -> str | None:
    if not sample.tools:
        return None
    h = hashlib.sha256()
    for tool in sample.tools:
        h.update(tool.spec_hash.encode())
    return h.hexdigest()


class Pipeline:
    """Runs the chosen layers over a stream of samples.

    ``extra_layers`` maps a layer name (``exec``, ``judge``) to its check; the rule layer
    is built in. ``provenance`` is merged into every result's provenance. With
    ``duplicates=False`` no sample is compared with earlier ones (a shard's pipeline:
    :class:`DuplicateMarker` does it where the shards meet).
    """

    def __init__(
        self,
        layers: Sequence[str] = ("rules",),
        *,
        extra_layers: dict[str, LayerCheck] | None = None,
        provenance: dict[str, Any] | None = None,
        window: int = 64,
        duplicates: bool = True,
    ) -> None:
        self.layers = parse_layers(layers)
        extra = extra_layers or {}
        missing = [name for name in self.layers if name != "rules" and name not in extra]
        if missing:
            raise ConfigError(f"layer(s) {', '.join(missing)} are not available in this build")
        self._checks: list[LayerCheck] = [extra[name] for name in self.layers if name != "rules"]
        self._prefetching = [cast(Prefetching, c) for c in self._checks if hasattr(c, "prefetch")]
        self.window = max(1, window)
        self._duplicates = DuplicateTracker() if duplicates and "rules" in self.layers else None
        self._provenance = {
            "toolproof_version": TOOLPROOF_VERSION,
            "layers": list(self.layers),
            **(provenance or {}),
        }

    def verify(self, sample: Sample) -> SampleResult:
        findings = list(sample.findings)
        if "rules" in self.layers:
            findings.extend(check_rules(sample))
            dup = self._duplicates.check(sample) if self._duplicates is not None else None
            if dup is not None:
                findings.append(dup)
        for check in self._checks:
            findings.extend(check(sample))
        provenance = dict(self._provenance)
        provenance["format"] = sample.format
        provenance["spec_hash"] = _tools_hash(sample)
        provenance.update(sample.trace.provenance)
        return SampleResult(
            id=sample.id,
            index=sample.index,
            verdict=_verdict(findings),
            score=score(findings),
            findings=findings,
            provenance=provenance,
            trace=sample.trace,
        )

    def skip(self, sample: Sample) -> None:
        """Account for a sample verified by an earlier, interrupted run without verifying
        it again: it only feeds the duplicate tracker, so a resumed run finds the same
        duplicates as an uninterrupted one."""
        if self._duplicates is not None:
            self._duplicates.check(sample)

    def run(self, samples: Iterable[Sample]) -> Iterator[tuple[Sample, SampleResult]]:
        """Results in input order; prefetching layers get one window ahead of them."""
        if not self._prefetching:
            for sample in samples:
                yield sample, self.verify(sample)
            return
        stream = iter(samples)
        window = self._prefetch(list(islice(stream, self.window)))
        while window:
            # The next window goes out before this one is verified: a layer that works in
            # the background (exec) runs it while this thread checks rules and reads.
            upcoming = self._prefetch(list(islice(stream, self.window)))
            for sample in window:
                yield sample, self.verify(sample)
            window = upcoming

    def _prefetch(self, window: list[Sample]) -> list[Sample]:
        if window:
            for layer in self._prefetching:
                layer.prefetch(window)
        return window


class DuplicateMarker:
    """The whole-dataset duplicate check, applied to results verified in shards.

    Fed every (sample, result) in input order, it returns the result a pipeline over the
    whole dataset would have written: a sample that repeats an earlier one gets the
    ``sample.inconsistent`` finding right after the rule layer's own (where
    :meth:`Pipeline.verify` puts it), and its verdict and score follow.
    """

    def __init__(self, layers: Sequence[str]) -> None:
        self._tracker = DuplicateTracker() if "rules" in parse_layers(layers) else None

    @property
    def wanted(self) -> bool:
        """Whether this check runs (the rule layer's: not without it)."""
        return self._tracker is not None

    def __call__(self, sample: Sample, result: SampleResult) -> SampleResult:
        found = self._tracker.check(sample) if self._tracker is not None else None
        return result if found is None else self.mark(result, found)

    def seen(self, digest: int, index: int) -> Finding | None:
        """The duplicate finding of sample ``index``, known by its content digest (the
        samples stayed where they were verified), or None: give it to :meth:`mark`."""
        return self._tracker.seen(digest, index) if self._tracker is not None else None

    @staticmethod
    def mark(result: SampleResult, found: Finding) -> SampleResult:
        """``result`` with the duplicate finding ``found`` where the pipeline puts it."""
        findings = list(result.findings)
        # the rule layer's findings come first (the reader's, then check_rules'), so the
        # duplicate goes after the last of them and before the exec and judge layers'
        at = max((i + 1 for i, f in enumerate(findings) if f.layer == "rules"), default=0)
        findings.insert(at, found)
        return replace(result, verdict=_verdict(findings), score=score(findings), findings=findings)
