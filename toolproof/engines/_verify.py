"""``toolproof verify`` on an engine: raw records in, (sample, result) pairs out, in order.

The command streams the file's raw records (decoded, or the reason they could not be:
:func:`verifier.iter_records`, never the whole file) into the engine's shards (``ray``:
batches of ``shard_size``; ``local``: the stream itself); each shard runs the unchanged
streaming pipeline (:class:`VerifyWork`, its layers built by :mod:`toolproof.compose` as
on one machine) and gives its samples and results. A record that cannot be read is a
``sample.unreadable`` result of its shard, as always. The one check across records,
duplicates, is the command's (:class:`verifier.DuplicateMarker`), so the output is byte
for byte the same on every engine.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolproof.engines._base import Engine
from toolproof.settings import Settings

if TYPE_CHECKING:
    from verifier import RawRecord, Sample, SampleResult


#: A verified record: its sample (lean: see :attr:`VerifyWork.report`), its result (the
#: duplicate check still to come) and its :func:`verifier.content_digest` (0 without the
#: rule layer, whose check that is).
Verified = tuple["Sample", "SampleResult", int]


@dataclass(frozen=True, slots=True)
class VerifyWork:
    """Verify a shard of raw records of one dataset: a pure function of (records,
    settings), so a shard gives the same results on any node, or run twice."""

    format: str
    layers: tuple[str, ...]
    settings: Settings
    sandbox: str | None = None
    judge: str | None = None
    report: bool = False
    """Whether an HTML report shows the samples: then each travels back whole, with what
    the layers ran (its trace); else only what the summary and the other writers read
    (the dialog's turns), a fraction of the bytes to pickle on a node and on the driver."""

    def open(self, cpus: int | None = None) -> VerifyRunner:
        return VerifyRunner(self, cpus)


class VerifyRunner:
    """The layers of a :class:`VerifyWork`, built once per worker process (the exec
    layer's warm sandbox pool above all) and shared by every shard it verifies."""

    def __init__(self, work: VerifyWork, cpus: int | None = None) -> None:
        from toolproof.compose import build_layers

        self.work = work
        self._stack = ExitStack()
        try:
            self._extra, self._provenance = build_layers(
                work.layers,
                settings=work.settings,
                stack=self._stack,
                sandbox=work.sandbox,
                judge=work.judge,
                exec_workers=cpus,
            )
        except BaseException:
            self._stack.close()
            raise

    def __call__(self, shard: Iterable[RawRecord]) -> Generator[Verified, None, None]:
        from verifier import Dataset, Pipeline, Trace, content_digest

        def source() -> Generator[RawRecord, None, None]:
            for record in shard:  # undecoded where it was read (iter_records' decode=False)
                yield record.decoded()

        pipeline = Pipeline(
            self.work.layers,
            extra_layers=self._extra,
            provenance=self._provenance,
            duplicates=False,
        )
        digests, lean = "rules" in self.work.layers, not self.work.report
        for sample, result in pipeline.run(Dataset(source, self.work.format, detected=False)):
            # The duplicate check is the command's, by digest: the sample's tools need
            # not travel back from a Ray node, which waits for its results to be pickled
            # before its next shard (bench_ray); nor its record (the command has it).
            digest = content_digest(sample) if digests else 0
            sample.raw = None
            if lean:
                sample.tools, sample.trace, result.trace = [], Trace(), Trace()
            yield sample, result, digest

    def close(self) -> None:
        self._stack.close()


def verify_records(
    engine: Engine, work: VerifyWork, records: Iterable[RawRecord], shard_size: int
) -> Generator[tuple[Sample, SampleResult], None, None]:
    """Every record's (sample, result), in input order, verified in shards on ``engine``.

    The work is opened now, so that a layer that cannot start (a docker sandbox with no
    engine) fails before a result is written; the records are read as shards go out.
    """
    results = engine.map(work, engine.shards(records, shard_size))
    return _merged(work, results)


def _merged(
    work: VerifyWork, results: Iterator[Verified]
) -> Generator[tuple[Sample, SampleResult], None, None]:
    from verifier import DuplicateMarker

    marker = DuplicateMarker(work.layers)
    try:
        for sample, result, digest in results:
            found = marker.seen(digest, sample.index)
            yield sample, result if found is None else marker.mark(result, found)
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
