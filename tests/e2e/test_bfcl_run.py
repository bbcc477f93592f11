"""``toolproof bfcl run`` against a loopback HTTP server that answers like a model.

The server (http.server in a thread on 127.0.0.1, a free port) knows each entry by its user
message and answers some right, some wrong, some with a 500 or a 429 first; one entry keeps
failing until the server is told to recover, so the second run shows resumption.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.e2e.fake_model import FakeModel, model_server
from toolproof.cli import app
from verifier.bfcl import CATEGORIES, DEFAULT_DATA_DIR, load_entries

ENTRIES = load_entries(DEFAULT_DATA_DIR, CATEGORIES["simple_python"])[:6]


@pytest.fixture
def serve() -> Iterator[Any]:
    with ExitStack() as stack:
        yield lambda model: stack.enter_context(model_server(model))


PLANS = {
    ENTRIES[0].id: "right",
    ENTRIES[1].id: "wrong",
    ENTRIES[2].id: "error_once",
    ENTRIES[3].id: "rate_once",
    ENTRIES[4].id: "right",
    ENTRIES[5].id: "down",
}


def _run(url: str, out: Path, mode: str) -> Any:
    return CliRunner().invoke(
        app,
        [
            "bfcl", "run", "--base-url", url, "--model", "fake", "--category", "simple_python",
            "--mode", mode, "--out", str(out), "--limit", "6", "--retries", "2",
            "--backoff", "0.01", "--concurrency", "3",
        ],
    )  # fmt: skip


@pytest.mark.parametrize("mode", ["fc", "prompt"])
def test_run_retries_resumes_and_scores(serve: Any, tmp_path: Path, mode: str) -> None:
    model = FakeModel(ENTRIES, PLANS, mode)
    url = serve(model)
    out = tmp_path / "BFCL_v4_simple_python_result.json"

    first = _run(url, out, mode)
    assert first.exit_code == 1, first.output
    assert "answered 5, already done 0, failed 1" in first.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["id"] for r in lines) == sorted(e.id for e in ENTRIES[:5])
    assert all(r["input_token_count"] == 10 and "latency" in r for r in lines)
    assert model.hits[ENTRIES[2].id] == 2 and model.hits[ENTRIES[3].id] == 2
    assert model.hits[ENTRIES[5].id] == 3  # one try and two retries
    if mode == "fc":
        assert all(isinstance(r["result"], list) for r in lines)
    else:
        assert all(isinstance(r["result"], str) for r in lines)

    verdicts_path = tmp_path / "BFCL_v4_simple_python_result.verdicts.jsonl"
    verdicts = {v["id"]: v for v in map(json.loads, verdicts_path.read_text().splitlines())}
    assert verdicts[ENTRIES[0].id]["valid"] is True
    assert verdicts[ENTRIES[1].id]["valid"] is False
    assert verdicts[ENTRIES[1].id]["error_type"].startswith(("type_error", "value_error"))
    assert verdicts[ENTRIES[5].id]["error_type"] == "toolproof:missing_result"

    model.recovered = True
    before = sum(model.hits.values())
    second = _run(url, out, mode)
    assert second.exit_code == 0, second.output
    assert "answered 1, already done 5, failed 0" in second.output
    assert sum(model.hits.values()) == before + 1  # only the missing entry was asked
    summary = json.loads(
        (tmp_path / "BFCL_v4_simple_python_result.verdicts.summary.json").read_text()
    )
    score = summary["categories"]["simple_python"]
    assert (score["correct_count"], score["total_count"]) == (5, 6)  # --limit 6 is scored alone


def test_run_rejects_unknown_mode_and_category(tmp_path: Path) -> None:
    base = ["bfcl", "run", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"]
    bad_mode = CliRunner().invoke(
        app, [*base, "--category", "simple_python", "--mode", "chat", "--out", str(tmp_path / "r")]
    )
    assert bad_mode.exit_code == 2 and "known: fc, prompt" in bad_mode.output
    bad_category = CliRunner().invoke(
        app, [*base, "--category", "simple", "--out", str(tmp_path / "r")]
    )
    assert bad_category.exit_code == 2 and "live_relevance" in bad_category.output
