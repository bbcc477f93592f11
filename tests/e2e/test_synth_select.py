"""``toolproof synth select`` as a user runs it: offline proxy, and a target model's loss
from a loopback completions server (started here) that returns prompt log-probabilities
in vLLM's shapes (``echo`` + ``logprobs``, or ``prompt_logprobs``), or none at all."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest

from synth._select import loss, proxy, render
from tests.e2e.test_synth_cli import lines, run

Answer = Callable[[dict[str, Any]], dict[str, Any]]


def tokens(text: str) -> list[tuple[int, str]]:
    """Whitespace-separated pieces with their offsets (a stand-in tokenizer)."""
    return [(m.start(), m.group()) for m in re.finditer(r"\S+\s*", text)]


def logprob(token: str) -> float:
    """Longer tokens are "harder": a deterministic, content-dependent loss."""
    return -0.1 * len(token.strip())


def echo_logprobs(body: dict[str, Any]) -> dict[str, Any]:
    toks = tokens(body["prompt"])
    return {
        "choices": [
            {
                "text": body["prompt"],
                "logprobs": {
                    "tokens": [t for _, t in toks],
                    "token_logprobs": [None] + [logprob(t) for _, t in toks[1:]],
                    "text_offset": [o for o, _ in toks],
                },
            }
        ]
    }


def prompt_logprobs(body: dict[str, Any]) -> dict[str, Any]:
    toks = tokens(body["prompt"])
    entries: list[Any] = [None] + [
        {"7": {"logprob": logprob(t), "rank": 1, "decoded_token": t}} for _, t in toks[1:]
    ]
    first = toks[0][1]
    # vLLM gives no log-probability for the first token; its text still comes first.
    entries[0] = {"1": {"logprob": None, "rank": 1, "decoded_token": first}}
    return {"choices": [{"text": "", "prompt_logprobs": entries}]}


def no_logprobs(body: dict[str, Any]) -> dict[str, Any]:
    return {"choices": [{"text": "ok", "index": 0}]}


class Scorer:
    """A completions server on 127.0.0.1 answering with ``answer(request body)``."""

    def __init__(self, answer: Answer) -> None:
        self.bodies: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.bodies.append({"path": self.path, **body})
                data = json.dumps(answer(body)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> Scorer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def dialog(i: int, calls: int) -> dict[str, Any]:
    call = {
        "id": f"c{i}",
        "type": "function",
        "function": {"name": "get_order", "arguments": json.dumps({"order_id": f"O-{i}"})},
    }
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": f"Look up order O-{i} please."},
    ]
    for _ in range(calls):
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        messages.append({"role": "tool", "tool_call_id": f"c{i}", "content": '{"ok": true}'})
    messages.append({"role": "assistant", "content": "Done " + "word " * i + "end."})
    return {"id": f"d{i}", "messages": messages, "meta": {"patterns": ["single"]}}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"".join(orjson.dumps(dialog(i, i % 3)) + b"\n" for i in range(20)))
    return path


@pytest.mark.parametrize("answer", [echo_logprobs, prompt_logprobs])
def test_scores_are_the_models_assistant_token_loss(
    answer: Answer, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "kept.jsonl"
    with Scorer(answer) as scorer:
        proc = run(
            "synth",
            "select",
            data,
            "--out",
            out,
            "--scorer",
            scorer.url,
            "--model",
            "target-7b",
            "--keep-between",
            "0.25",
            "0.75",
            home=tmp_path,
        )
    assert proc.returncode == 0, proc.stderr
    assert len(scorer.bodies) == 20
    sent = scorer.bodies[0]
    assert sent["path"] == "/v1/completions" and sent["model"] == "target-7b"
    assert sent["echo"] is True and sent["logprobs"] and sent["max_tokens"] == 1
    kept = lines(out)
    assert 8 <= len(kept) <= 12
    records = [orjson.loads(x) for x in data.read_bytes().splitlines()]
    expected = {
        r["id"]: loss(render(r), echo_logprobs({"prompt": render(r).text})) for r in records
    }
    ranked = sorted(expected.values())
    for record in kept:
        score = record["meta"]["complexity"]["score"]
        assert score == pytest.approx(expected[record["id"]])
        assert ranked[4] <= score <= ranked[15]
        assert "target-7b" in record["meta"]["complexity"]["method"]
    assert "score distribution" in proc.stdout and "median" in proc.stdout


def test_without_a_scorer_the_offline_proxy_is_labelled(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "kept.jsonl"
    proc = run("synth", "select", data, "--out", out, home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "offline proxy" in proc.stdout
    kept = lines(out)
    assert 0 < len(kept) < 20
    assert all("offline proxy" in r["meta"]["complexity"]["method"] for r in kept)
    records = [orjson.loads(x) for x in data.read_bytes().splitlines()]
    assert proxy(records[2]) > proxy(records[0])  # more calls: harder


def test_a_scorer_without_log_probabilities_is_one_clear_error(data: Path, tmp_path: Path) -> None:
    with Scorer(no_logprobs) as scorer:
        proc = run(
            "synth",
            "select",
            data,
            "--out",
            tmp_path / "k.jsonl",
            "--scorer",
            scorer.url,
            home=tmp_path,
        )
    assert proc.returncode == 2
    assert proc.stderr.count("error:") == 1
    assert "no log-probabilities" in proc.stderr and "prompt_logprobs" in proc.stderr
    assert not (tmp_path / "k.jsonl").exists()


def test_bad_quantiles_are_a_usage_error(data: Path, tmp_path: Path) -> None:
    proc = run(
        "synth",
        "select",
        data,
        "--out",
        tmp_path / "k.jsonl",
        "--keep-between",
        "0.9",
        "0.1",
        home=tmp_path,
    )
    assert proc.returncode == 2 and "LOW < HIGH" in proc.stderr
