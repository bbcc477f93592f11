"""``toolproof compile`` and ``toolproof mock serve`` as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from mock_apis import MockBundle
from toolproof.cli import app

TOOLS = [
    {"type": "function", "function": {"name": "create_order", "description": "Create an order",
     "parameters": {"type": "object", "properties": {"item": {"type": "string"}},
                    "required": ["item"]}}},
    {"type": "function", "function": {"name": "get_order", "description": "Get an order",
     "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}},
                    "required": ["order_id"]}}},
    {"name": "tree", "description": "recursive", "parameters": {"type": "object",
     "properties": {"n": {"$ref": "#/$defs/n"}}, "$defs": {"n": {"type": "object",
     "properties": {"c": {"$ref": "#/$defs/n"}}}}}},
    {"name": "broken", "description": "a pattern no engine compiles", "parameters": {
     "type": "object", "properties": {"q": {"type": "string", "pattern": "(["}}}},
    {"description": "no name at all"},
]  # fmt: skip


@pytest.fixture
def tools_file(tmp_path: Path) -> Path:
    path = tmp_path / "TOOLS.json"
    path.write_text(json.dumps(TOOLS), encoding="utf-8")
    return path


def test_compile_writes_the_bundle_and_lists_what_failed(tools_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    result = CliRunner().invoke(app, ["compile", str(tools_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    bundle = MockBundle.read(out)
    # a recursive $ref is checked on the host like any schema: the tool is mocked
    assert [t.name for t in bundle.manifest.tools] == ["create_order", "get_order", "tree"]
    assert "order" in bundle.manifest.entities
    assert "broken" in result.output and "spec.invalid_schema" in result.output
    assert "#4" in result.output  # the nameless tool is reported by its position
    script = (
        f"import {bundle.module} as b, json; print(json.dumps(b.tool_create_order(item='tea')))"
    )
    ran = subprocess.run([sys.executable, "-E", "-s", "-c", script], cwd=out, capture_output=True,
                         text=True, timeout=60, check=True)  # fmt: skip
    envelope = json.loads(ran.stdout)
    assert envelope["ok"] and envelope["result"]["item"] == "tea"
    strict = CliRunner().invoke(app, ["compile", str(tools_file), "--out", str(out), "--strict"])
    assert strict.exit_code == 1


def test_compile_prints_a_call_that_runs(tmp_path: Path, examples_dir: Path) -> None:
    """The "try it" hint is a shell command with real example arguments, not ``{...}``."""
    out = tmp_path / "it's a bundle"  # a path the hint must quote
    tools = examples_dir / "seeds" / "glaive_tools.json"
    result = CliRunner().invoke(app, ["compile", str(tools), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (hint,) = [x for x in result.output.splitlines() if x.startswith("try it: ")]
    assert "{...}" not in hint
    ran = subprocess.run(["bash", "-c", hint.removeprefix("try it: ")], capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("{'ok': True, 'result': ")


def test_compile_with_an_implementation_file(tools_file: Path, tmp_path: Path) -> None:
    impl = tmp_path / "impl.py"
    impl.write_text("def get_order(order_id):\n    return {'order_id': order_id}\n", "utf-8")
    out = tmp_path / "bundle"
    result = CliRunner().invoke(
        app, ["compile", str(tools_file), "--out", str(out), "--impl", str(impl)]
    )
    assert result.exit_code == 0, result.output
    bundle = MockBundle.read(out)
    assert {t.name: t.source for t in bundle.manifest.tools}["get_order"] == "impl"
    assert len(bundle.modules) == 2


@pytest.mark.parametrize("content", ["not json at all {", "[]", '{"tools": 3}'])
def test_compile_rejects_unusable_input_with_exit_2(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["compile", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    missing = CliRunner().invoke(app, ["compile", str(tmp_path / "nope.json"), "--out", "o"])
    assert missing.exit_code == 2


def test_mock_serve_end_to_end(tools_file: Path, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TOOLPROOF_HOME": str(tmp_path / "home")}
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        command = ["mock", "serve", str(tools_file), "--port", str(port)]
        proc = subprocess.Popen(
            [sys.executable, "-m", "toolproof", *command],
            env=env, stdout=subprocess.DEVNULL, stderr=sink,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text(encoding="utf-8")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        health = httpx.get(f"{url}/healthz", timeout=5).json()
        assert health["backend"] == "process"
        created = httpx.post(f"{url}/tools/create_order", json={"item": "tea"}, timeout=30)
        oid = created.json()["result"]["order_id"]
        got = httpx.post(f"{url}/tools/get_order", json={"order_id": oid}, timeout=30)
        assert got.json()["result"]["item"] == "tea"
        assert list((tmp_path / "home" / "bundles").iterdir())  # compiled into the cache
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode in (0, -signal.SIGINT, 130)


def test_mock_serve_refuses_impls_without_a_sandbox(tools_file: Path, tmp_path: Path) -> None:
    impl = tmp_path / "impl.py"
    impl.write_text("def get_order(order_id):\n    return {}\n", "utf-8")
    args = ["mock", "serve", str(tools_file), "--impl", str(impl), "--sandbox", "inprocess"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "only in a sandbox" in result.output
