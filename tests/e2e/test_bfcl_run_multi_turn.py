"""``toolproof bfcl run`` on multi-turn categories: a loopback model that replays the
ground truth turn by turn (its calls executed in the sandbox between steps), then the
result file scored as BFCL scores it."""

from __future__ import annotations

import ast
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import cache_dir
from tests.e2e.fake_model import model_server
from toolproof.cli import app
from toolproof.settings import get_settings
from verifier.bfcl import DEFAULT_DATA_DIR, MULTI_TURN_CATEGORIES, Backends, load_multi_turn

ENTRIES = {
    e.id: e
    for c in MULTI_TURN_CATEGORIES.values()
    for e in load_multi_turn(DEFAULT_DATA_DIR, c)[:2]
}
TOOL_RESULTS = "[{'role': 'tool'"


class ReplayModel:
    """Answers each turn's first step with the ground truth's calls and the next with
    text; an entry in ``looping`` calls for ever (BFCL's step limit must end it)."""

    def __init__(self, mode: str, looping: set[str], category: str) -> None:
        self.mode, self.looping = mode, looping
        self.turn: dict[str, int] = {}
        self.lock = threading.Lock()
        # categories share questions: one category per model, its first messages unique
        entries = [e for e in ENTRIES.values() if e.category == category]
        self.first = {self._first_user(e.question[0]): e for e in entries}

    @staticmethod
    def _first_user(messages: list[dict[str, Any]]) -> str:
        return str(next(m["content"] for m in messages if m["role"] == "user"))

    def reply(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        chat = body["messages"]
        entry = self.first[self._first_user(chat)]
        last = chat[-1]
        result_back = last["role"] == "tool" or str(last.get("content", "")).startswith(
            TOOL_RESULTS
        )
        with self.lock:
            if not result_back:
                self.turn[entry.id] = self.turn.get(entry.id, -1) + 1
            turn = self.turn[entry.id]
        calls = entry.ground_truth[turn] if turn < len(entry.ground_truth) else []
        if entry.id in self.looping:
            calls = [next(c for t in entry.ground_truth for c in t)]
        elif result_back:
            calls = []
        if self.mode == "fc":  # held-out functions appear on the turn BFCL reveals them
            offered = {t["function"]["name"] for t in body["tools"]}
            for reveal, names in entry.missed_function.items():
                assert set(names) <= offered if turn >= int(reveal) else not set(names) & offered
        if not calls:
            message: dict[str, Any] = {"role": "assistant", "content": "Done."}
        elif self.mode == "fc":
            assert body["tools"] and all(t["type"] == "function" for t in body["tools"])
            tool_calls = []
            for number, call in enumerate(calls):
                node = ast.parse(call, mode="eval").body
                assert isinstance(node, ast.Call)
                args = {str(k.arg): ast.literal_eval(k.value) for k in node.keywords}
                tool_calls.append({"id": f"call_{number}", "type": "function", "function": {
                    "name": ast.unparse(node.func), "arguments": json.dumps(args)}})  # fmt: skip
            message = {"role": "assistant", "content": None, "tool_calls": tool_calls}
        else:
            assert chat[0]["role"] == "system" and "[func_name1(" in chat[0]["content"]
            message = {"role": "assistant", "content": "[" + ", ".join(calls) + "]"}
        usage = {"prompt_tokens": 10, "completion_tokens": 5}
        return 200, {"choices": [{"message": message}], "usage": usage}, {}


def _positional(entry_id: str) -> bool:
    """Ground truth with a positional argument, which BFCL's decoders drop (it fails)."""
    calls = [c for t in ENTRIES[entry_id].ground_truth for c in t]
    return any(ast.parse(c, mode="eval").body.args for c in calls)  # type: ignore[attr-defined]


@pytest.mark.parametrize("mode", ["fc", "prompt"])
def test_run_replays_the_ground_truth_turn_by_turn(
    bfcl_backends: Backends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    looping = {"multi_turn_miss_param_1"}
    monkeypatch.setenv("TOOLPROOF_HOME", str(cache_dir()))
    records: dict[str, Any] = {}
    verdicts: dict[str, Any] = {}
    for category in MULTI_TURN_CATEGORIES:
        get_settings.cache_clear()
        out = tmp_path / "results" / f"BFCL_v4_{category}_result.json"
        with model_server(ReplayModel(mode, looping, category)) as url:  # type: ignore[arg-type]
            run = CliRunner().invoke(app, [
                "bfcl", "run", "--base-url", url, "--model", "m", "--category", category,
                "--mode", mode, "--limit", "2", "--out", str(out)])  # fmt: skip
        get_settings.cache_clear()
        assert run.exit_code == 0, run.output
        records.update((r["id"], r) for r in map(json.loads, out.read_text().splitlines()))
        written = out.with_name(out.stem + ".verdicts.jsonl").read_text().splitlines()
        verdicts.update((v["id"], v) for v in map(json.loads, written))
    assert set(records) == set(verdicts) == set(ENTRIES)
    for entry_id, verdict in verdicts.items():
        if entry_id in looping:  # 21 steps in its first turn: BFCL's step limit ended it
            assert len(records[entry_id]["result"]) == 1
            assert len(records[entry_id]["result"][0]) == 21
            assert verdict["error_type"] == "multi_turn:force_terminated"
        else:
            assert len(records[entry_id]["result"]) == len(ENTRIES[entry_id].ground_truth)
            assert verdict["valid"] is not _positional(entry_id), verdict


@pytest.mark.docker
def test_run_on_the_docker_sandbox(
    bfcl_backends: Backends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    category = "multi_turn_base"
    monkeypatch.setenv("TOOLPROOF_HOME", str(cache_dir()))
    get_settings.cache_clear()
    out = tmp_path / f"BFCL_v4_{category}_result.json"
    with model_server(ReplayModel("fc", set(), category)) as url:  # type: ignore[arg-type]
        run = CliRunner().invoke(app, [
            "bfcl", "run", "--base-url", url, "--model", "m", "--category", category,
            "--limit", "2", "--out", str(out), "--sandbox", "docker"])  # fmt: skip
    get_settings.cache_clear()
    assert run.exit_code == 0, run.output
    written = out.with_name(out.stem + ".verdicts.jsonl").read_text().splitlines()
    for verdict in map(json.loads, written):
        assert verdict["valid"] is not _positional(verdict["id"]), verdict
