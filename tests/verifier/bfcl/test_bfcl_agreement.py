"""toolproof's BFCL checker agrees with BFCL's own decoder+checker on every corpus case.

The corpus (tests/data/bfcl/corpus.jsonl.gz, made by make_corpus.py from BFCL's possible
answers) and BFCL's verdicts on it (bfcl_verdicts.jsonl.gz, produced by running BFCL's code
outside this repository, see SOURCE.md) are fixed data; this test needs no BFCL.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from verifier.bfcl import CATEGORIES, DEFAULT_DATA_DIR, Category, Entry, check_entry, load_entries

DECODER_ERRORS = {"ast_decoder:decoder_failed", "relevance_error:decoder_failed"}
"""BFCL reports its decoder's exception text (e.g. from ``eval``); only the verdict must match."""


def _read(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module")
def entries() -> dict[str, tuple[Category, Entry]]:
    out: dict[str, tuple[Category, Entry]] = {}
    for category in CATEGORIES.values():
        for entry in load_entries(DEFAULT_DATA_DIR, category):
            out[entry.id] = (category, entry)
    return out


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=repr))


def test_every_corpus_case_gets_bfcls_verdict(
    data_dir: Path, entries: dict[str, tuple[Category, Entry]]
) -> None:
    cases = _read(data_dir / "bfcl" / "corpus.jsonl.gz")
    expected = {v["case"]: v for v in _read(data_dir / "bfcl" / "bfcl_verdicts.jsonl.gz")}
    assert len(cases) == len(expected) > 15_000
    verdict_diffs: list[str] = []
    message_diffs: list[str] = []
    for case in cases:
        category, entry = entries[case["id"]]
        mine = check_entry(category, entry, case["result"])
        theirs = expected[case["case"]]
        if (mine.valid, mine.error_type) != (theirs["valid"], theirs["error_type"]):
            verdict_diffs.append(
                f"case {case['case']} ({case['kind']}): toolproof {mine.valid} "
                f"{mine.error_type}, BFCL {theirs['valid']} {theirs['error_type']}"
            )
        elif theirs["error_type"] not in DECODER_ERRORS and _plain(mine.error) != theirs["error"]:
            message_diffs.append(f"case {case['case']}: {mine.error} != {theirs['error']}")
    assert verdict_diffs == []
    assert message_diffs == []


def test_corpus_covers_every_kind_of_verdict(data_dir: Path) -> None:
    verdicts = _read(data_dir / "bfcl" / "bfcl_verdicts.jsonl.gz")
    kinds = Counter(v["error_type"] if not v["valid"] else "valid" for v in verdicts)
    for kind in (
        "valid",
        "ast_decoder:decoder_failed",
        "ast_decoder:decoder_wrong_output_format",
        "simple_function_checker:wrong_func_name",
        "simple_function_checker:missing_required",
        "simple_function_checker:unexpected_param",
        "simple_function_checker:missing_optional",
        "simple_function_checker:wrong_count",
        "multiple_function_checker:wrong_count",
        "parallel_function_checker_no_order:wrong_count",
        "parallel_function_checker_no_order:cannot_find_match",
        "type_error:simple",
        "type_error:nested",
        "type_error:java",
        "type_error:js",
        "value_error:string",
        "value_error:others",
        "value_error:list/tuple",
        "value_error:dict_key",
        "irrelevance_error:decoder_success",
        "relevance_error:decoder_failed",
    ):
        assert kinds[kind] > 0, kind
