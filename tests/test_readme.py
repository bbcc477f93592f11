"""The README's examples, run as written, so that they cannot rot.

Each test takes a fenced block out of README.md by a line it contains, runs it (in a
temporary directory holding ``examples/``, against a loopback service where it needs
one) and checks what the README says it prints: the ``make run`` output, the shape of a
result line, the curl session against ``toolproof serve`` and the CI gate.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import EXAMPLES, ROOT
from tests.toolproof.live import live_server, new_key, service_settings

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS: list[str] = re.findall(r"^```[a-z]*\n(.*?)^```", README, flags=re.DOTALL | re.MULTILINE)
TOOLPROOF = f"{sys.executable} -m toolproof"


def block_with(marker: str) -> str:
    found = [b for b in BLOCKS if marker in b]
    assert len(found) == 1, f"{len(found)} README blocks contain {marker!r}"
    return found[0]


def workdir(tmp_path: Path) -> Path:
    """A directory where the examples' relative paths (``examples/…``) resolve."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "examples").symlink_to(EXAMPLES, target_is_directory=True)
    return tmp_path


def run(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def table_rows(text: str) -> set[tuple[str, ...]]:
    """(code, severity, findings, samples) of each row of a findings table."""
    rows = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("│")[1:5]]
        if len(cells) == 4 and cells[0] and cells[2].isdigit():
            rows.add(tuple(cells))
    return rows


def test_make_run_prints_what_the_readme_shows(tmp_path: Path) -> None:
    shown = block_with("$ make run")
    lines = shown.splitlines()
    command = (lines[1] + lines[2]).replace("\\", " ").replace(".venv/bin/toolproof", TOOLPROOF)
    out = run(command, workdir(tmp_path))
    assert out.returncode == 0, out.stderr
    printed = out.stdout + out.stderr
    summary = next(line for line in lines if line.startswith("100 samples"))
    assert summary.split(" · 1.")[0] in printed  # all but the time it took
    assert table_rows(shown) and table_rows(shown) == table_rows(printed)
    for line in lines[-4:]:  # top tools, then the three files written
        assert line in printed
    for name in ("results.jsonl", "report.html", "junit.xml"):
        assert (tmp_path / "build" / name).stat().st_size > 0

    # The result line the README shows, with "…" where it leaves text out.
    example = block_with('{"id":"0","index":0').strip()
    _in_order(example, (tmp_path / "build" / "results.jsonl").read_text().splitlines()[0])


def test_the_curl_session_against_toolproof_serve(tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed: the README's session is written with curl")
    settings = service_settings(tmp_path / "home")
    key = new_key(settings, "data-team")
    session = block_with("curl -s localhost:8000/v1/verify")
    cwd = workdir(tmp_path / "session")
    with live_server(settings) as url:
        out = run(session.replace("localhost:8000", url.removeprefix("http://")), cwd, KEY=key)
        assert out.returncode == 0, out.stderr
        decoder, text, documents = json.JSONDecoder(), out.stdout.strip(), []
        while text:
            document, end = decoder.raw_decode(text)
            documents.append(document)
            text = text[end:].strip()
        verified, status = documents
        assert [r["id"] for r in verified["results"]] == ["0", "1"]
        assert verified["results"][0]["verdict"] == "fail"  # as the README's comment shows
        deadline = time.monotonic() + 60
        while status["status"] != "done" and time.monotonic() < deadline:
            time.sleep(0.1)
            status = httpx.get(f"{url}/v1/jobs/{status['id']}",
                               headers={"Authorization": f"Bearer {key}"}).json()  # fmt: skip
    assert (status["done"], status["total"], status["passed"], status["pass_rate"]) == (
        100,
        100,
        12,
        0.12,
    )
    results = [json.loads(line) for line in (cwd / "results.jsonl").read_text().splitlines()]
    assert [r["index"] for r in results] == list(range(100))
    assert sum(r["verdict"] == "pass" for r in results) == 12


def test_the_ci_gate_fails_a_release_below_the_bar(tmp_path: Path) -> None:
    gate = block_with("--fail-under 0.95")
    line = next(x for x in gate.splitlines() if "toolproof verify" in x)
    command = line.split("run:", 1)[1].strip().replace("toolproof", TOOLPROOF, 1)
    data = tmp_path / "data"
    data.mkdir()
    records = json.loads((EXAMPLES / "toolace_sharegpt_100.json").read_text())
    (data / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    failing = run(command, tmp_path)
    assert failing.returncode == 1, failing.stdout + failing.stderr  # 12 % < 95 %
    assert (tmp_path / "junit.xml").stat().st_size > 0
    verdicts = [json.loads(x) for x in (tmp_path / "results.jsonl").read_text().splitlines()]
    clean = [r for r, v in zip(records, verdicts, strict=True) if v["verdict"] == "pass"]
    (data / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in clean))
    passing = run(command, tmp_path)
    assert passing.returncode == 0, passing.stdout + passing.stderr


def _commands(block: str) -> list[tuple[str, list[str]]]:
    """The ``$ command`` lines of a shell-session block (with ``\\`` continuations),
    each with the lines it is shown to print."""
    sessions: list[tuple[str, list[str]]] = []
    lines = iter(block.splitlines())
    for line in lines:
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\"):
                command = command[:-1] + next(lines)
            sessions.append((command, []))
        elif sessions:
            sessions[-1][1].append(line)
    return sessions


def _shown_in(shown: list[str], printed: str) -> None:
    """Every printed line the README shows is in the output (rich wraps at its width)."""
    flat = " ".join(printed.split())
    for line in shown:
        assert " ".join(line.split()) in flat, f"{line!r} not printed:\n{printed}"


def test_the_bfcl_run_and_check_session(tmp_path: Path) -> None:
    """``bfcl run`` against a loopback model that answers 3 of the first 20 entries with a
    wrongly typed first argument, then ``bfcl check`` on what it wrote."""
    from tests.e2e.fake_model import FakeModel, model_server
    from verifier.bfcl import CATEGORIES, DEFAULT_DATA_DIR, load_entries

    entries = load_entries(DEFAULT_DATA_DIR, CATEGORIES["simple_python"])[:20]
    wrong = {"simple_python_3", "simple_python_7", "simple_python_11"}
    plans = {e.id: "wrong" if e.id in wrong else "right" for e in entries}
    sessions = _commands(block_with("$ toolproof bfcl run")) + _commands(
        block_with("$ toolproof bfcl check --category simple_python")
    )
    with model_server(FakeModel(entries, plans, "fc")) as url:
        for command, shown in sessions:
            command = command.replace("http://127.0.0.1:8000/v1", url)
            out = run(command.replace("toolproof", TOOLPROOF, 1), tmp_path)
            assert out.returncode == 0, out.stdout + out.stderr
            if command.startswith("sed"):
                assert out.stdout.splitlines() == shown
            else:
                _shown_in(shown, out.stdout + out.stderr)


def _in_order(example: str, actual: str) -> None:
    """``actual`` holds the pieces of ``example`` between its "…" elisions, in order
    (the README writes "(…)" or ", …]" where it leaves text out)."""
    at = 0
    for piece in (p.strip() for p in example.split("…")):
        found = actual.find(piece, at)
        assert found >= 0, f"{piece!r} not in {actual[at : at + 300]!r}"
        at = found + len(piece)


def test_the_mock_tools_session(tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed: the README's session is written with curl")
    from tests.toolproof.live import free_port

    block = block_with("toolproof mock serve")
    lines = block.splitlines()
    cwd = workdir(tmp_path)
    compiled = run(lines[0].split("#")[0].replace("toolproof", TOOLPROOF, 1), cwd)
    assert compiled.returncode == 0, compiled.stderr
    assert (cwd / "bundle" / "manifest.json").is_file()
    port = free_port()
    serve = lines[1].split("&")[0].replace("toolproof", TOOLPROOF, 1)
    server = subprocess.Popen(["bash", "-c", f"exec {serve.replace('8000', str(port))}"],
                              cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).is_success:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        for call, expected in ((lines[2], lines[3]), (lines[4], lines[5])):
            out = run(call.replace("localhost:8000", f"127.0.0.1:{port}"), cwd)
            assert out.returncode == 0, out.stderr
            _in_order(expected.removeprefix("# → "), out.stdout)
    finally:
        server.terminate()
        server.wait(15)


def test_the_bfcl_multi_turn_session(tmp_path: Path, bfcl_backends: object) -> None:
    """``bfcl backends fetch`` (the test cache is TOOLPROOF_HOME: found intact, offline)
    then ``bfcl check`` on the example results; the accuracy the README shows is BFCL's
    own on the same results (its committed verdicts on those corpus cases)."""
    from tests.conftest import cache_dir

    sessions = _commands(block_with("$ toolproof bfcl backends fetch"))
    cwd = workdir(tmp_path)
    for command, shown in sessions:
        out = run(command.replace("toolproof", TOOLPROOF, 1), cwd, TOOLPROOF_HOME=str(cache_dir()))
        assert out.returncode == 0, out.stdout + out.stderr
        if "backends fetch" in command:
            assert "BFCL 2026.3.23 backends: " in out.stdout  # the path is TOOLPROOF_HOME's
        else:
            _shown_in(shown, out.stdout)
    sys.path.insert(0, str(ROOT / "tests" / "data" / "bfcl"))
    try:
        import make_mt_corpus  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    with gzip.open(make_mt_corpus.OUT, "rt", encoding="utf-8") as handle:
        corpus = [json.loads(x) for x in handle]
    verdicts = make_mt_corpus.OUT.with_name("mt_bfcl_verdicts.jsonl.gz")
    with gzip.open(verdicts, "rt", encoding="utf-8") as handle:
        bfcl = {v["case"]: v["valid"] for v in map(json.loads, handle)}
    chosen = make_mt_corpus.example_cases(corpus)
    for category in make_mt_corpus.CATEGORIES:
        path = EXAMPLES / "bfcl_multi_turn" / f"BFCL_v4_{category}_result.json"
        lines = [json.loads(x) for x in path.read_text().splitlines()]
        cases = [c for c in chosen if c["category"] == category]
        assert lines == [{"id": c["id"], "result": c["result"]} for c in cases]
        correct = sum(bfcl[c["case"]] for c in cases)
        assert f"│ {category:<23} │ {correct:>7} │   200 │" in README
