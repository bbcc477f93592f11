"""The reader registry, format detection, and datasets with bad records in them."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from toolspec.errors import DatasetError, UnknownFormatError
from verifier import Dataset, Reader, Sample, detect_format, get_reader, read_dataset, reader_names

DATASETS = Path(__file__).resolve().parents[1] / "data" / "datasets"
FORMATS = ["bfcl", "glaive", "hermes", "openai", "sharegpt", "toolace", "xlam"]

SHAREGPT = {
    "conversations": [
        {"from": "human", "value": "area of a 5 by 3 rectangle?"},
        {"from": "function_call", "value": '{"name": "area", "arguments": {"w": 5, "h": 3}}'},
        {"from": "observation", "value": '{"area": 15}'},
        {"from": "gpt", "value": "15"},
    ],
    "tools": json.dumps([{"name": "area", "description": "Area.", "parameters": {}}]),
}
OPENAI = {"messages": [{"role": "user", "content": "hi"}], "tools": []}


def _lines(*records: object) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def _unreadable(sample: Sample) -> list[str]:
    return [f.message for f in sample.findings if f.code == "sample.unreadable"]


def test_registry_names_and_protocol() -> None:
    assert reader_names() == FORMATS
    for name in FORMATS:
        reader = get_reader(name)
        assert isinstance(reader, Reader) and reader.name == name


def test_unknown_format_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match="known formats: bfcl, glaive, hermes"):
        get_reader("alpaca")
    path = tmp_path / "d.jsonl"
    path.write_bytes(_lines(SHAREGPT))
    with pytest.raises(UnknownFormatError):
        read_dataset(path, "alpaca")


def test_a_path_that_is_not_a_file_says_what_it_is(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="is a directory; give a dataset file"):
        read_dataset(tmp_path, "openai")
    with pytest.raises(DatasetError, match="does not exist"):
        read_dataset(tmp_path / "nope.jsonl")


def test_detection_errors_say_why() -> None:
    with pytest.raises(DatasetError, match="no readable record"):
        detect_format([])
    with pytest.raises(DatasetError, match="none of the first 2 readable records"):
        detect_format([{"text": "x"}, [1, 2]])
    with pytest.raises(DatasetError, match="ambiguous: openai and sharegpt"):
        detect_format([SHAREGPT, OPENAI])
    assert detect_format([SHAREGPT, OPENAI, SHAREGPT, {"text": "x"}]) == "sharegpt"


def test_a_file_of_unreadable_records_cannot_be_detected(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(b"{oops\n{also bad\n")
    with pytest.raises(DatasetError, match="no readable record"):
        read_dataset(path)
    samples = list(read_dataset(path, "sharegpt"))  # with a format given, each is a finding
    assert [len(_unreadable(s)) for s in samples] == [1, 1]


def test_peeking_for_detection_loses_nothing_and_passes_repeat(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl.gz"
    records = [{**SHAREGPT, "id": f"r{i}"} for i in range(40)]
    path.write_bytes(gzip.compress(_lines(*records)))
    dataset = read_dataset(path)
    assert dataset.format == "sharegpt" and dataset.detected
    first = [(s.index, s.id) for s in dataset]
    assert first == [(i, f"r{i}") for i in range(40)]
    assert [(s.index, s.id) for s in dataset] == first


def test_bad_records_become_findings_and_the_rest_is_read(tmp_path: Path) -> None:
    deep = '{"conversations": ' + "[" * 10_000 + "]" * 10_000 + "}"
    path = tmp_path / "d.jsonl"
    path.write_bytes(
        b"\n".join(
            [
                json.dumps(SHAREGPT).encode(),
                b'{"conversations": [}',  # invalid JSON
                b'{"conversations": "\xff"}',  # invalid UTF-8
                b"[1, 2]",  # not an object
                json.dumps(OPENAI).encode(),  # another format
                deep.encode(),  # 10,000 levels
                json.dumps({**SHAREGPT, "id": "last"}).encode(),
            ]
        )
    )
    dataset = read_dataset(path)
    assert dataset.format == "sharegpt"
    samples = list(dataset)
    assert [s.index for s in samples] == list(range(7))
    assert [bool(_unreadable(s)) for s in samples] == [False, True, True, True, True, True, False]
    assert "line 2: invalid JSON" in _unreadable(samples[1])[0]
    assert "not in the sharegpt format" in _unreadable(samples[3])[0]
    assert "a JSON array" in _unreadable(samples[3])[0]
    assert "an object with messages, tools" in _unreadable(samples[4])[0]
    assert samples[4].raw == OPENAI
    assert samples[6].id == "last" and samples[6].tools[0].name == "area"
    assert all(s.format == "sharegpt" for s in samples)


def test_truncated_array_dataset_keeps_the_first_records(tmp_path: Path) -> None:
    text = json.dumps([SHAREGPT, SHAREGPT, SHAREGPT])
    path = tmp_path / "d.json"
    path.write_text(text[: len(text) - 40])
    samples = list(read_dataset(path))
    assert len(samples) == 3
    assert not _unreadable(samples[0]) and not _unreadable(samples[1])
    assert "element 2 cannot be read" in _unreadable(samples[2])[0]


def test_ten_megabyte_argument_does_not_break_the_stream(tmp_path: Path) -> None:
    huge = dict(SHAREGPT)
    call = {"name": "area", "arguments": {"w": "9" * (10 * 1024 * 1024)}}
    huge["conversations"] = [
        SHAREGPT["conversations"][0],
        {"from": "function_call", "value": json.dumps(call)},
    ]
    path = tmp_path / "d.jsonl"
    path.write_bytes(_lines(SHAREGPT, huge, {**SHAREGPT, "id": "after"}))
    samples = list(read_dataset(path))
    assert len(samples) == 3 and samples[2].id == "after"
    assert not _unreadable(samples[1])
    # the parser either reads the call or reports it; it never raises
    call_turn = samples[1].turns[1]
    assert call_turn.calls or any(f.code == "call.unparsable" for f in samples[1].findings)


def test_from_records_reads_decoded_records() -> None:
    dataset = Dataset.from_records([SHAREGPT, 7, {**SHAREGPT, "idx": 12}])
    samples = list(dataset)
    assert dataset.format == "sharegpt" and dataset.detected
    assert [s.id for s in samples] == ["0", "1", "12"]
    assert _unreadable(samples[1])
    fixed = Dataset.from_records([OPENAI], "openai")
    assert not fixed.detected and [s.format for s in fixed] == ["openai"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "conversations",
                    "messages",
                    "from",
                    "value",
                    "role",
                    "content",
                    "tools",
                    "system",
                    "chat",
                    "query",
                    "answers",
                    "question",
                    "function",
                    "tool_calls",
                    "name",
                    "arguments",
                    "id",
                    "involved_classes",
                    "functions",
                    "function_call",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)
_ROLES = st.sampled_from(
    [
        "human",
        "gpt",
        "function_call",
        "observation",
        "system",
        "user",
        "assistant",
        "tool",
        "function",
        "developer",
        "other",
    ]
)
_MESSAGE = st.fixed_dictionaries(
    {"from": _ROLES, "role": _ROLES, "value": _JSON | st.text(), "content": _JSON | st.text()}
)
_CONVERSATIONAL = st.fixed_dictionaries(
    {"conversations": st.lists(_MESSAGE, max_size=5), "messages": st.lists(_MESSAGE, max_size=5)},
    optional={"tools": _JSON, "system": st.text(), "question": _JSON, "function": _JSON},
)


@settings(max_examples=50, deadline=None)
@given(record=_JSON | _CONVERSATIONAL)
def test_readers_never_raise_on_arbitrary_json(record: object) -> None:
    for name in FORMATS:
        sample = get_reader(name).read(record, 5)
        assert sample.index == 5 and sample.format == name


@pytest.mark.slow
def test_large_jsonl_streams_with_flat_memory(tmp_path: Path) -> None:
    line = json.dumps({**SHAREGPT, "pad": "p" * 50_000}).encode() + b"\n"
    path = tmp_path / "big.jsonl"
    count = (200 * 1024 * 1024) // len(line)
    with path.open("wb") as out:
        for _ in range(count):
            out.write(line)
    before = _rss_mib()
    peak = before
    seen = 0
    for sample in read_dataset(path):
        seen += 1
        assert not sample.findings
        if seen % 200 == 0:
            peak = max(peak, _rss_mib())
    assert seen == count
    grown = peak - before
    assert grown < 40, f"RSS grew by {grown:.0f} MiB while reading a 200 MiB file"


def _rss_mib() -> float:
    """Resident memory now (not the process's lifetime peak, which earlier tests set)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status on this system")


class _BrokenReader:
    """A reader with a bug: the dataset turns its exception into an unreadable sample."""

    name = "broken"

    def detect(self, record: object) -> bool:
        return True

    def read(self, record: object, index: int) -> Sample:
        raise TypeError("unsupported operand")


def test_a_reader_bug_on_one_record_does_not_stop_the_stream() -> None:
    from verifier._readers import _base

    _base.READERS.add("broken", _BrokenReader())
    try:
        samples = list(Dataset.from_records([{"id": "x"}, {"id": "y"}], "broken"))
    finally:
        _base.READERS.remove("broken")
    assert [s.id for s in samples] == ["x", "y"]
    assert _unreadable(samples[0]) == [
        "record 0 cannot be read as broken: TypeError: unsupported operand"
    ]


def test_sharegpt_with_user_assistant_tags_is_not_toolace() -> None:
    record = {
        "conversations": [
            {"from": "user", "value": "area?"},
            {"from": "function_call", "value": '{"name": "area", "arguments": {}}'},
            {"from": "observation", "value": "{}"},
            {"from": "assistant", "value": "done"},
        ],
        "tools": "[]",
    }
    assert detect_format([record]) == "sharegpt"
    sample = get_reader("sharegpt").read(record, 0)
    assert [t.role for t in sample.turns] == ["user", "assistant", "tool", "assistant"]


def test_public_surface_is_locked() -> None:
    import verifier
    import verifier._readers as readers

    assert readers.__all__ == [
        "Dataset",
        "RawRecord",
        "ReadLimits",
        "Reader",
        "detect_format",
        "get_reader",
        "iter_records",
        "read_dataset",
        "reader_names",
    ]
    assert all(getattr(verifier, name) is getattr(readers, name) for name in readers.__all__)
