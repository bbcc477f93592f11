"""``toolproof bfcl run`` against a loopback HTTP server that answers like a model.

The server (http.server in a thread on 127.0.0.1, a free port) knows each entry by its user
message and answers some right, some wrong, some with a 500 or a 429 first; one entry keeps
failing until the server is told to recover, so the second run shows resumption.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from toolproof.cli import app
from verifier.bfcl import CATEGORIES, DEFAULT_DATA_DIR, Entry, load_entries

ENTRIES = load_entries(DEFAULT_DATA_DIR, CATEGORIES["simple_python"])[:6]


def _user_text(entry_question: list[Any]) -> str:
    return str(entry_question[0][-1]["content"])


def _answer_args(entry: Entry, wrong: bool) -> tuple[str, dict[str, Any]]:
    name, params = next(iter((entry.answers or [])[0].items()))
    args = {k: next(v for v in values if v != "") for k, values in params.items() if values != [""]}
    if wrong:
        key = next(iter(args))
        args[key] = "definitely wrong" if not isinstance(args[key], str) else 12345
    return name, args


class FakeModel:
    """Plans per entry: 'right', 'wrong', 'error_once', 'rate_once', 'down' (always 500)."""

    def __init__(self, plans: dict[str, str], mode: str) -> None:
        self.by_text = {_user_text(e.question): e for e in ENTRIES}
        self.plans = plans
        self.mode = mode
        self.hits: Counter[str] = Counter()
        self.recovered = False
        self.lock = threading.Lock()

    def reply(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        user = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
        entry = self.by_text[user]
        with self.lock:
            self.hits[entry.id] += 1
            count = self.hits[entry.id]
        plan = self.plans[entry.id]
        if plan == "down" and not self.recovered:
            return 500, {"error": "down"}, {}
        if plan == "error_once" and count == 1:
            return 500, {"error": "try again"}, {}
        if plan == "rate_once" and count == 1:
            return 429, {"error": "slow down"}, {"Retry-After": "0"}
        name, args = _answer_args(entry, wrong=plan == "wrong")
        if self.mode == "fc":
            assert body["tools"], "function-calling requests carry tools"
            call = {"function": {"name": name.replace(".", "_"), "arguments": json.dumps(args)}}
            message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
        else:
            assert body["messages"][0]["role"] == "system"
            assert "[func_name1(params_name1=params_value1" in body["messages"][0]["content"]
            text = ", ".join(f"{k}={v!r}" for k, v in args.items())
            message = {"role": "assistant", "content": f"[{name}({text})]"}
        usage = {"prompt_tokens": 10, "completion_tokens": 5}
        return 200, {"choices": [{"message": message}], "usage": usage}, {}


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[ThreadingHTTPServer] = []

    def start(model: FakeModel) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                assert self.path == "/v1/chat/completions"
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, payload, headers = model.reply(body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/v1"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


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
    model = FakeModel(PLANS, mode)
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
