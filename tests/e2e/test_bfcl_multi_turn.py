"""``toolproof bfcl backends fetch`` and ``bfcl check`` on the multi-turn categories."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import cache_dir
from toolproof.cli import app
from toolproof.settings import get_settings
from verifier.bfcl import Backends, default_backends_dir

CATEGORIES = ("multi_turn_base", "multi_turn_miss_func", "multi_turn_miss_param",
              "multi_turn_long_context")  # fmt: skip


def _invoke(home: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.setenv("TOOLPROOF_HOME", str(home))
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, ["bfcl", *args])
    finally:
        get_settings.cache_clear()


def _results(directory: Path, per_category: int) -> Path:
    """The ground truth as a prompting model's results, for the first entries."""
    directory.mkdir()
    data = Path(__file__).resolve().parents[2] / "verifier" / "bfcl" / "data" / "possible_answer"
    for category in CATEGORIES:
        lines = (data / f"BFCL_v4_{category}.json").read_text().splitlines()[:per_category]
        with (directory / f"BFCL_v4_{category}_result.json").open("w") as out:
            for line in lines:
                answer = json.loads(line)
                turns = [[f"[{', '.join(t)}]"] if t else [] for t in answer["ground_truth"]]
                out.write(json.dumps({"id": answer["id"], "result": turns}) + "\n")
    return directory


def test_fetch_then_check_every_multi_turn_category(
    bfcl_backends: Backends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = cache_dir()  # fetched by the fixture: the command finds it intact, no download
    fetched = _invoke(home, monkeypatch, "backends", "fetch")
    assert fetched.exit_code == 0, fetched.output
    assert str(default_backends_dir(home)) in fetched.output.replace("\n", "")
    out = tmp_path / "verdicts.jsonl"
    results = _results(tmp_path / "results", 4)
    run = _invoke(home, monkeypatch, "check", "--category", "multi_turn", "--results",
                  str(results), "--out", str(out), "--partial")  # fmt: skip
    assert run.exit_code == 0, run.output
    verdicts = [json.loads(x) for x in out.read_text().splitlines()]
    assert [v["id"] for v in verdicts] == [f"{c}_{i}" for c in CATEGORIES for i in range(4)]
    # entry 0 has a positional argument in its ground truth (sort('final_report.pdf')),
    # which BFCL's decoder drops, so the ground truth fails its own third turn
    assert verdicts[0]["error_type"] == "multi_turn:execution_response_mismatch"
    assert all(v["valid"] for v in verdicts[1:4])
    summary = json.loads((tmp_path / "verdicts.summary.json").read_text())
    assert summary["categories"]["multi_turn_base"]["correct_count"] == 3
    assert summary["groups"]["multi_turn"]["complete"] is True
    assert "multi_turn_long_context" in run.output


def test_check_without_backends_is_an_approximation_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "v.jsonl"
    results = str(_results(tmp_path / "results", 2))
    run = _invoke(tmp_path / "home", monkeypatch, "check", "--category", "multi_turn_base",
                  "--results", results, "--out", str(out), "--partial")  # fmt: skip
    assert run.exit_code == 0, run.output
    text = " ".join(run.output.split())
    assert "approximation" in text and "bfcl backends fetch" in text
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    base = [line for line in lines if line["id"].startswith("multi_turn_base_")]
    assert len(base) == 2 and all(line["approximation"] is True for line in base)
    summary = json.loads(out.with_name("v.summary.json").read_text())
    assert "approximation" in summary
    missing = _invoke(tmp_path / "home", monkeypatch, "check", "--category", "multi_turn_base",
                      "--results", results, "--out", str(out), "--backends",
                      str(tmp_path / "nowhere"))  # fmt: skip
    assert missing.exit_code == 2 and "bfcl backends fetch" in missing.output  # asked for


def test_backends_that_are_not_the_release_need_trusted(
    bfcl_backends: Backends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "backends"
    shutil.copytree(bfcl_backends.source / "func_source_code", mine)
    args = ["check", "--category", "multi_turn_base", "--backends", str(mine), "--results",
            str(_results(tmp_path / "results", 2)), "--out", str(tmp_path / "v.jsonl"),
            "--partial"]  # fmt: skip
    refused = _invoke(tmp_path, monkeypatch, *args)
    assert refused.exit_code == 2 and "--trusted" in refused.output
    trusted = _invoke(tmp_path, monkeypatch, *args, "--trusted")
    assert trusted.exit_code == 0, trusted.output


@pytest.mark.docker
def test_docker_sandbox_gives_the_process_sandboxs_verdicts(
    bfcl_backends: Backends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The math backend's mpmath is in the sandbox image; every backend runs there too."""
    home = cache_dir()
    results = _results(tmp_path / "results", 3)
    verdicts = {}
    for sandbox in ("process", "docker"):
        out = tmp_path / f"{sandbox}.jsonl"
        args = ["--results", str(results), "--out", str(out), "--partial", "--sandbox", sandbox]
        run = _invoke(home, monkeypatch, "check", "--category", "multi_turn", *args)
        assert run.exit_code == 0, run.output
        verdicts[sandbox] = out.read_text()
    assert verdicts["docker"] == verdicts["process"] and verdicts["docker"]
