"""schemathesis, every check and phase, against ``toolproof mock serve``'s /openapi.json.

The mock server of the 60 Glaive tools in examples/seeds (process sandbox), as a user
starts it; no check is excluded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.fuzz import ROOT, fuzz
from tests.toolproof.live import free_port

pytestmark = pytest.mark.slow
TOOLS = ROOT / "examples" / "seeds" / "glaive_tools.json"


@pytest.fixture(scope="module")
def mock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("mock-schema")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(home) / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "toolproof", "mock", "serve", str(TOOLS), "--port", str(port)],
            env={**os.environ, "TOOLPROOF_HOME": str(home)}, stdout=out, stderr=out, cwd=ROOT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, "the mock server did not answer in time"
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def test_every_check_passes(mock_server: str) -> None:
    report = fuzz(mock_server, max_examples=8)
    assert "60 selected" in report  # every tool was tested


def test_answers_outside_the_tools_are_problems(mock_server: str) -> None:
    with httpx.Client(base_url=mock_server, timeout=30) as http:
        wrong = http.request("TRACE", "/tools/search_recipes")
        assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
        assert wrong.json()["code"] == "request.method"
        missing = http.get("/tools/no_such_tool")
        assert missing.status_code == 404 and missing.json()["code"] == "call.unknown_tool"
        nowhere = http.get("/nowhere")
        assert nowhere.status_code == 404
        assert nowhere.headers["content-type"].startswith("application/problem+json")
        # no body is the empty object: accepted where no parameter is required
        doc = http.get("/openapi.json").json()
        optional = [p for p, item in doc["paths"].items()
                    if not item["post"]["requestBody"]["required"]]  # fmt: skip
        assert optional
        assert http.post(optional[0]).status_code == 200
        assert http.post("/tools/search_recipes").status_code == 422
