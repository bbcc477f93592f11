"""The record splitter and the shape limits: properties over generated JSON, any chunking."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings, strategies as st

from verifier import ReadLimits, iter_records
from verifier._readers._scan import FAST_DEPTH, split

# Strings with the characters that matter to a scanner: quotes, backslashes, brackets.
TEXT = st.text(alphabet=st.sampled_from('ab"\\[]{},: \n\u00e9\u20ac'), max_size=12)
SCALARS = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | TEXT
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)
SPACE = st.sampled_from(["", " ", "\n", "\t ", "\r\n  "])


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


def encoded_strings(value: Any) -> list[int]:
    """Encoded lengths (quotes included) of every string, keys too."""
    if isinstance(value, dict):
        keys = [len(json.dumps(k).encode()) for k in value]
        return keys + [n for v in value.values() for n in encoded_strings(v)]
    if isinstance(value, list):
        return [n for v in value for n in encoded_strings(v)]
    return [len(json.dumps(value).encode())] if isinstance(value, str) else []


@settings(max_examples=300, deadline=None)
@given(st.lists(JSON, max_size=6), SPACE, st.lists(st.integers(0, 10_000), max_size=8))
def test_an_array_splits_into_its_elements_whatever_the_chunks(
    values: list[Any], space: str, cuts: list[int]
) -> None:
    sep = space + "," + space
    data = ("[" + space + sep.join(json.dumps(v) for v in values) + space + "]").encode()
    pieces = list(split(iter(chunked(data, cuts)), ReadLimits(), array=True))
    assert [p[1] for p in pieces] == [None] * len(values)
    assert [orjson.loads(p[0] or b"") for p in pieces] == values


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.dictionaries(TEXT, JSON, max_size=4), max_size=6),
    st.lists(st.integers(0, 10_000), max_size=8),
)
def test_concatenated_values_split_into_each_value(values: list[Any], cuts: list[int]) -> None:
    data = "\n".join(json.dumps(v, indent=2) for v in values).encode()
    pieces = list(split(iter(chunked(data, cuts)), ReadLimits(), array=False))
    assert [orjson.loads(p[0] or b"") for p in pieces] == values


@settings(max_examples=300, deadline=None)
@given(
    st.lists(JSON, min_size=1, max_size=5),
    st.integers(1, 6),
    st.integers(4, 40),
    st.lists(st.integers(0, 10_000), max_size=8),
)
def test_a_record_is_cut_exactly_when_it_goes_past_a_limit(
    values: list[Any], max_depth: int, max_string: int, cuts: list[int]
) -> None:
    limits = ReadLimits(max_depth=max_depth, max_string_bytes=max_string)
    data = ("[" + ",".join(json.dumps(v) for v in values) + "]").encode()
    pieces = list(split(iter(chunked(data, cuts)), limits, array=True))
    assert len(pieces) == len(values)  # one per record, cut or not
    for value, (raw, problem) in zip(values, pieces, strict=True):
        too_deep = depth(value) > max_depth
        too_long = any(n > max_string for n in encoded_strings(value))
        assert (problem is not None) == (too_deep or too_long), (value, problem)
        if problem is None:
            assert orjson.loads(raw or b"") == value
        elif too_deep and not too_long:
            assert "max_depth" in problem
        elif too_long and not too_deep:
            assert "max_string_bytes" in problem


@pytest.mark.parametrize("nesting", [FAST_DEPTH - 1, FAST_DEPTH, FAST_DEPTH + 1, 600])
def test_records_past_the_fast_path_depth_are_read_by_the_token_scan(
    tmp_path: Path, nesting: int
) -> None:
    nested = "[" * nesting + "]" * nesting
    path = tmp_path / "d.json"
    path.write_text(f'[{{"a": {nested}}}, {{"id": "next"}}]')
    records = list(iter_records(path))
    assert [r.ok for r in records] == [True, True]
    assert json.dumps(records[0].value, separators=(",", ":")) == f'{{"a":{nested}}}'


def test_record_size_limit_in_arrays_and_jsonl(tmp_path: Path) -> None:
    limits = ReadLimits(max_record_bytes=1000, max_string_bytes=1000)
    big = {"xs": list(range(500))}  # ~2 KB, no long string
    for name, data in [
        ("d.json", json.dumps([{"id": "a"}, big, {"id": "b"}])),
        ("d.jsonl", "\n".join(json.dumps(r) for r in ({"id": "a"}, big, {"id": "b"}))),
    ]:
        records = list(iter_records(_write(tmp_path / name, data.encode()), limits))
        assert [r.ok for r in records] == [True, False, True], name
        assert "max_record_bytes" in (records[1].error or "")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_jsonl_depth_and_string_limits(tmp_path: Path) -> None:
    limits = ReadLimits(max_depth=5, max_string_bytes=20)
    lines = [{"id": "a"}, {"x": [[[[[[1]]]]]]}, {"s": "y" * 30}, {"id": "b"}]
    path = _write(tmp_path / "d.jsonl", "\n".join(json.dumps(r) for r in lines).encode())
    records = list(iter_records(path, limits))
    assert [r.ok for r in records] == [True, False, False, True]
    assert "max_depth" in (records[1].error or "")
    assert "max_string_bytes" in (records[2].error or "")


def test_gzip_past_its_inflated_size_ends_the_file(tmp_path: Path) -> None:
    records = "".join(json.dumps({"i": i, "pad": "x" * 100}) + "\n" for i in range(20_000))
    path = _write(tmp_path / "d.jsonl.gz", gzip.compress(records.encode()))
    read = list(iter_records(path, ReadLimits(max_decompressed_bytes=1024 * 1024)))
    assert all(r.ok for r in read[:-1]) and 1000 < len(read) < 20_000
    assert "max_decompressed_bytes" in (read[-1].error or "")


def test_junk_between_elements_costs_only_its_element(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.json", b'[{"a": 1}, nonsense, {"b": 2}, {"c": ] , {"d": 4}]')
    records = list(iter_records(path))
    assert [r.ok for r in records] == [True, False, True, False, True]
    assert records[4].value == {"d": 4}


def test_content_after_the_array_is_reported(tmp_path: Path) -> None:
    records = list(iter_records(_write(tmp_path / "d.json", b'[{"a": 1}] trailing')))
    assert [r.ok for r in records] == [True, False]
    assert "after" in (records[1].error or "")
