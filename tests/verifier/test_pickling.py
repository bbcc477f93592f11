"""What travels between processes pickles back to itself: samples and results with their
traces (executed calls, the judge's evidence) as every layer leaves them, and records."""

from __future__ import annotations

import pickle
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from toolproof.compose import build_layers
from toolproof.settings import Settings
from verifier import Pipeline, iter_records, read_dataset
from verifier._pickling import picklable


def test_verified_samples_and_results_pickle_back_to_themselves(tmp_path: Path) -> None:
    layers = ("rules", "exec", "judge")
    with ExitStack() as stack:
        extra, provenance = build_layers(layers, settings=Settings(home=tmp_path), stack=stack)
        pipeline = Pipeline(layers, extra_layers=extra, provenance=provenance)
        done = list(pipeline.run(read_dataset(EXAMPLES / "toolace_sharegpt_100.json")))
    assert any(r.trace.calls for _, r in done) and any(r.trace.judge for _, r in done)
    for sample, result in done:
        back_sample, back_result = pickle.loads(pickle.dumps((sample, result), 5))
        assert back_sample == sample and back_result == result
        assert back_result.trace == result.trace and back_sample.trace == sample.trace
    records = list(iter_records(EXAMPLES / "toolace_sharegpt_100.json", decode=False))
    assert pickle.loads(pickle.dumps(records)) == records


def test_picklable_refuses_a_class_it_cannot_rebuild() -> None:
    @dataclass
    class Hidden:
        a: int
        b: int = field(init=False, default=0)

    with pytest.raises(TypeError, match="two init fields"):
        picklable(Hidden)
    assert [f.name for f in fields(Hidden)] == ["a", "b"]
