"""A loopback HTTP server that answers like a model, for ``toolproof bfcl run`` tests.

It knows each BFCL entry by its user message and follows a plan per entry: 'right',
'wrong' (the first argument gets a value of the wrong type: ``'wrong'``, or 12345 for a
string), 'error_once' (a 500 first), 'rate_once' (a 429 first), 'down' (500 until
``recovered``). It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from verifier.bfcl import Entry


def user_text(entry_question: list[Any]) -> str:
    return str(entry_question[0][-1]["content"])


def answer_args(entry: Entry, wrong: bool) -> tuple[str, dict[str, Any]]:
    name, params = next(iter((entry.answers or [])[0].items()))
    args = {k: next(v for v in values if v != "") for k, values in params.items() if values != [""]}
    if wrong:
        key = next(iter(args))
        args[key] = "wrong" if not isinstance(args[key], str) else 12345
    return name, args


class FakeModel:
    """Plans per entry: 'right', 'wrong', 'error_once', 'rate_once', 'down' (always 500)."""

    def __init__(self, entries: list[Entry], plans: dict[str, str], mode: str) -> None:
        self.by_text = {user_text(e.question): e for e in entries}
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
        name, args = answer_args(entry, wrong=plan == "wrong")
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


@contextmanager
def model_server(model: FakeModel) -> Iterator[str]:
    """``model`` behind ``POST /v1/chat/completions``; yields the base URL (``…/v1``)."""

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
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
