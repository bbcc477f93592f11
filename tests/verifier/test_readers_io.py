"""Streaming records from JSON arrays, JSONL and gzip; bad input becomes unreadable records."""

from __future__ import annotations

import gzip
import json
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from toolspec.errors import DatasetError
from verifier import RawRecord, ReadLimits, iter_records, read_dataset

RECORDS = [{"id": "a", "n": 1.5}, {"id": "b", "n": 2}, {"id": "c", "n": [1, {"x": None}]}]


def _write(path: Path, data: bytes, gz: bool = False) -> Path:
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def _values(records: list[RawRecord]) -> list[object]:
    return [r.value for r in records]


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize(
    "layout",
    ["array", "array-pretty", "jsonl", "jsonl-blank-lines", "values-pretty"],
)
def test_every_layout_yields_the_same_records(tmp_path: Path, layout: str, gz: bool) -> None:
    data = {
        "array": json.dumps(RECORDS),
        "array-pretty": json.dumps(RECORDS, indent=2),
        "jsonl": "".join(json.dumps(r) + "\n" for r in RECORDS),
        "jsonl-blank-lines": "\n\n" + "\n\n".join(json.dumps(r) for r in RECORDS),
        "values-pretty": "\n".join(json.dumps(r, indent=2) for r in RECORDS),
    }[layout].encode()
    records = list(iter_records(_write(tmp_path / "d", data, gz)))
    assert [r.index for r in records] == [0, 1, 2]
    assert all(r.ok for r in records)
    assert _values(records) == RECORDS
    assert isinstance(records[0].value["n"], float)  # floats, not Decimal


def test_utf8_bom_is_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.json", b"\xef\xbb\xbf" + json.dumps(RECORDS).encode())
    assert _values(list(iter_records(path))) == RECORDS


@pytest.mark.parametrize("content", [b"", b"  \n\n ", b"[]", b"[ ]\n"])
def test_empty_files_have_no_records(tmp_path: Path, content: bytes) -> None:
    assert list(iter_records(_write(tmp_path / "d", content))) == []


def test_missing_file_is_a_dataset_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot open dataset"):
        list(iter_records(tmp_path / "nope.jsonl"))
    with pytest.raises(DatasetError, match="does not exist"):
        read_dataset(tmp_path / "nope.jsonl")


@pytest.mark.parametrize(
    "content", [b"id,name\n1,x\n", b"\x89PNG\r\n\x1a\n\x00\x00", b'"just a string"']
)
def test_a_file_that_is_not_json_is_a_dataset_error(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(DatasetError, match="neither a JSON array nor JSON Lines"):
        list(iter_records(_write(tmp_path / "d", content)))


def test_damaged_gzip_header_is_a_dataset_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot read dataset"):
        list(iter_records(_write(tmp_path / "d.gz", b"\x1f\x8b\x08garbage")))


def test_truncated_array_reads_what_it_can_then_one_unreadable(tmp_path: Path) -> None:
    text = json.dumps(RECORDS)
    cut = text[: text.index('{"id": "c"') + 12]
    records = list(iter_records(_write(tmp_path / "d.json", cut.encode())))
    assert _values(records[:2]) == RECORDS[:2]
    assert len(records) == 3
    assert records[2].index == 2 and not records[2].ok
    assert records[2].error is not None and "cannot be read" in records[2].error


def test_truncated_gzip_stream_ends_with_an_unreadable_record(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"i": i, "pad": "x" * 200}) + "\n" for i in range(2000))
    packed = gzip.compress(lines.encode())
    records = list(iter_records(_write(tmp_path / "d.jsonl.gz", packed[: len(packed) // 2])))
    assert all(r.ok for r in records[:-1]) and len(records) > 10
    assert [r.value["i"] for r in records[:-1]] == list(range(len(records) - 1))
    assert not records[-1].ok and "damaged" in (records[-1].error or "")


def test_jsonl_bad_lines_are_unreadable_and_the_rest_is_read(tmp_path: Path) -> None:
    data = b"\n".join(
        [
            b'{"id": "a"}',
            b'{"id": "b", oops}',
            b'{"id": "\xff\xfe"}',  # invalid UTF-8
            b"[1, 2, 3]",  # valid JSON, not an object: readers report it
            b'{"id": "c"',  # truncated last line
            b'{"id": "d"}',
        ]
    )
    records = list(iter_records(_write(tmp_path / "d.jsonl", data)))
    assert [r.index for r in records] == [0, 1, 2, 3, 4, 5]
    assert [r.ok for r in records] == [True, False, False, True, False, True]
    assert records[1].error is not None and records[1].error.startswith("line 2: invalid JSON")
    assert "UTF-8" in (records[2].error or "")
    assert records[3].value == [1, 2, 3]
    assert records[5].value == {"id": "d"}


def test_huge_string_record_is_read(tmp_path: Path) -> None:
    big = "x" * (10 * 1024 * 1024)
    rec = {"id": "big", "arguments": {"text": big}}
    for name, data in [
        ("d.jsonl", json.dumps(rec) + '\n{"id": "next"}\n'),
        ("d.json", json.dumps([rec, {"id": "next"}])),
    ]:
        records = list(iter_records(_write(tmp_path / name, data.encode())))
        assert len(records) == 2 and all(r.ok for r in records)
        assert len(records[0].value["arguments"]["text"]) == len(big)
        assert records[1].value == {"id": "next"}


@pytest.mark.parametrize("layout", ["jsonl", "array"])
def test_deep_nesting_is_unreadable_and_the_rest_is_read(tmp_path: Path, layout: str) -> None:
    deep = '{"id": "deep", "x": ' + "[" * 10_000 + "]" * 10_000 + "}"
    parts = ['{"id": "a"}', deep, '{"id": "b"}']
    data = "\n".join(parts) if layout == "jsonl" else "[" + ",".join(parts) + "]"
    records = list(iter_records(_write(tmp_path / "d", data.encode())))
    assert [r.ok for r in records] == [True, False, True]
    assert records[2].value == {"id": "b"}
    assert "deep" in (records[1].error or "") or "depth" in (records[1].error or "")


def test_moderate_nesting_is_read_in_arrays(tmp_path: Path) -> None:
    nested = "[" * 600 + "]" * 600  # deeper than orjson.dumps allows, within MAX_DEPTH
    records = list(iter_records(_write(tmp_path / "d.json", f"[{nested}]".encode())))
    assert len(records) == 1 and records[0].ok


def test_overlong_jsonl_line_is_skipped_without_losing_the_next(tmp_path: Path) -> None:
    data = '{"id": "a"}\n{"id": "long", "x": "' + "y" * 5000 + '"}\n{"id": "b"}\n'
    path = _write(tmp_path / "d.jsonl", data.encode())
    records = list(iter_records(path, ReadLimits(max_record_bytes=1024)))
    assert [r.ok for r in records] == [True, False, True]
    assert "larger than 1 KiB (the max_record_bytes limit)" in (records[1].error or "")
    assert records[2].value == {"id": "b"}


def test_jsonl_with_a_broken_first_line_stays_jsonl(tmp_path: Path) -> None:
    data = b'{"id": "cut", "n": \n' + b"".join(json.dumps(r).encode() + b"\n" for r in RECORDS)
    records = list(iter_records(_write(tmp_path / "d.jsonl", data)))
    assert [r.ok for r in records] == [False, True, True, True]
    assert _values(records[1:]) == RECORDS


def test_invalid_utf8_in_an_array_costs_only_its_element(tmp_path: Path) -> None:
    data = b'[{"a": 1}, {"b": "\xff\xfe"}, {"c": 2}]'
    records = list(iter_records(_write(tmp_path / "d.json", data)))
    assert [r.ok for r in records] == [True, False, True]
    assert (records[1].error or "").startswith("array element 1 cannot be read: invalid JSON")
    assert records[2].value == {"c": 2}


_PIECES = st.sampled_from(
    [b'{"a": 1}', b'{"a": [1, {"b": null}]}', b'{"a": ', b"[1, 2]", b'"text"', b"{}",
     b"[" * 1100 + b"]" * 1100, b'{"s": "\xff"}', b"nul", b'{"n": 1e999}']
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(_PIECES, max_size=8), layout=st.sampled_from(["jsonl", "array"]))
def test_records_decoded_later_are_those_decoded_at_once(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[bytes], layout: str
) -> None:
    """``decode=False`` (a Ray node decodes) gives, once decoded, the very records and
    error messages of ``decode=True``, and an undecoded record survives pickling."""
    path = tmp_path_factory.mktemp("later") / "d"
    body = b"\n".join(pieces) if layout == "jsonl" else b"[" + b",".join(pieces) + b"]"
    path.write_bytes(body if layout == "array" or body.startswith(b"{") else b"{}\n" + body)
    at_once = list(iter_records(path))
    later = list(iter_records(path, decode=False))
    assert [r.decoded() for r in pickle.loads(pickle.dumps(later))] == at_once
