"""``toolproof verify`` as a user runs it: real files in, results/reports out, exit codes."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLPROOF = [sys.executable, "-m", "toolproof"]


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [*TOOLPROOF, *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def lines(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(x) for x in path.read_bytes().splitlines()]


def test_make_run_command_line(tmp_path: Path, examples_dir: Path) -> None:
    """The exact command `make run` runs, on the bundled sample."""
    out, report, junit = tmp_path / "r.jsonl", tmp_path / "report.html", tmp_path / "j.xml"
    proc = run(
        "verify",
        examples_dir / "toolace_sharegpt_100.json",
        "--layers",
        "rules",
        "--out",
        out,
        "--report",
        report,
        "--junit",
        junit,
    )
    assert proc.returncode == 0, proc.stderr
    assert "detected format: sharegpt" in proc.stderr
    assert "100 samples" in proc.stdout and "findings by code" in proc.stdout
    results = lines(out)
    assert [r["index"] for r in results] == list(range(100))
    # the third-party conversion names truncated tools ("API"): the rules must catch it
    codes = {f["code"] for r in results for f in r["findings"]}  # type: ignore[attr-defined]
    assert "call.unknown_tool" in codes
    assert report.read_text().startswith("<!doctype html>")
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "100"


def test_fail_under_gates(tmp_path: Path, examples_dir: Path) -> None:
    sample = examples_dir / "toolace_sharegpt_100.json"
    assert run("verify", sample, "--fail-under", "0.99", "-q").returncode == 1
    assert run("verify", sample, "--fail-under", "0", "-q").returncode == 0
    assert run("verify", sample, "--fail-under", "1.5", "-q").returncode == 0  # 1.5 %


def test_findings_table_has_a_row_per_code_and_severity(tmp_path: Path, examples_dir: Path) -> None:
    """The judge grades judge.hallucinated_value an error or a warning by its confidence:
    each row's sev column and counts must be those of its findings."""
    out = tmp_path / "r.jsonl"
    sample = examples_dir / "glaive_toolcall_en_demo.json"
    proc = run("verify", sample, "--layers", "rules,judge", "--out", out)
    assert proc.returncode == 0, proc.stderr
    counted: dict[tuple[str, str], int] = {}
    for result in lines(out):
        for f in result["findings"]:  # type: ignore[attr-defined]
            key = (f["code"], f["severity"])
            counted[key] = counted.get(key, 0) + 1
    rows = {}
    for line in proc.stdout.splitlines():
        cells = [c.strip() for c in line.split("│")[1:4]]
        if len(cells) == 3 and cells[0] and cells[2].isdigit():
            rows[(cells[0], cells[1])] = int(cells[2])
    assert rows == counted
    assert {sev for code, sev in rows if code == "judge.hallucinated_value"} == {"error", "warning"}


def test_zero_verified_samples_never_pass_a_gate(tmp_path: Path, examples_dir: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    for rate in ("0.95", "0"):
        proc = run("verify", empty, "--format", "openai", "--fail-under", rate)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "no sample was verified" in proc.stderr and "Traceback" not in proc.stderr
        assert "100.0%" not in proc.stdout and "nothing was verified" in proc.stdout
    assert run("verify", empty, "--format", "openai", "-q").returncode == 0  # no gate asked
    sample = examples_dir / "toolace_sharegpt_100.json"
    proc = run("verify", sample, "--min-samples", "101", "-q")
    assert proc.returncode == 1 and "fewer than --min-samples 101" in proc.stderr
    assert run("verify", sample, "--min-samples", "100", "--fail-under", "0", "-q").returncode == 0


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = run("verify", tmp_path / "nope.jsonl")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    directory = run("verify", tmp_path)
    assert directory.returncode == 2 and "Traceback" not in directory.stderr
    assert "is a directory" in directory.stderr
    bad_format = tmp_path / "x.jsonl"
    bad_format.write_text('{"messages": []}\n')
    proc = run("verify", bad_format, "--format", "nosuch")
    assert proc.returncode == 2 and "openai" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("verify", bad_format, "--layers", "rules,magic")
    assert proc.returncode == 2 and "magic" in proc.stderr
    proc = run("verify", bad_format, "--fail-under", "-3")
    assert proc.returncode == 2


def test_bad_records_are_findings_not_crashes(tmp_path: Path) -> None:
    good = {
        "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": '{"temp": 21}'},
            {"role": "assistant", "content": "It is 21 degrees in Paris."},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Current weather for a city.",
                    "parameters": {
                        "type": "object",
                        "properties": {"city": {"type": "string", "description": "City name."}},
                        "required": ["city"],
                    },
                },
            }
        ],
    }
    deep_args = "[" * 10_000 + "]" * 10_000
    deep = orjson.loads(orjson.dumps(good))
    deep["messages"][1]["tool_calls"][0]["function"]["arguments"] = deep_args
    raw = (
        b"\n".join(
            [
                orjson.dumps(good),
                b'{"messages": [truncated',
                b"\xff\xfe not utf-8",
                b"[1, 2, 3]",
                orjson.dumps(good),
                ("[" * 10_000).encode(),
                orjson.dumps(deep),
                orjson.dumps({**good, "big": "y" * 10_000_000}),
            ]
        )
        + b"\n"
    )
    path = tmp_path / "mixed.jsonl.gz"
    path.write_bytes(gzip.compress(raw))
    out = tmp_path / "r.jsonl"
    proc = run("verify", path, "--format", "openai", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    results = lines(out)
    assert [r["index"] for r in results] == list(range(8))
    verdicts = [r["verdict"] for r in results]
    assert verdicts[0] == "pass"
    for i in (1, 2, 3, 5):
        codes = [f["code"] for f in results[i]["findings"]]  # type: ignore[attr-defined]
        assert "sample.unreadable" in codes, (i, results[i])
    deep_codes = [f["code"] for f in results[6]["findings"]]  # type: ignore[attr-defined]
    assert "call.unparsable" in deep_codes
    # the second copy of the good record is a duplicate
    dup = [f["code"] for f in results[4]["findings"]]  # type: ignore[attr-defined]
    assert "sample.inconsistent" in dup


def test_results_to_stdout(tmp_path: Path, examples_dir: Path) -> None:
    proc = run("verify", examples_dir / "glaive_toolcall_en_demo.json", "--out", "-")
    assert proc.returncode == 0, proc.stderr
    results = [orjson.loads(x) for x in proc.stdout.splitlines()]
    assert len(results) == 300
    assert "300 samples" in proc.stderr


@pytest.mark.parametrize("name", ["toolace_sharegpt_100.json", "glaive_toolcall_en_demo.json"])
def test_every_bundled_sample_verifies(tmp_path: Path, examples_dir: Path, name: str) -> None:
    proc = run("verify", examples_dir / name, "-q", "--out", tmp_path / "r.jsonl")
    assert proc.returncode == 0, proc.stderr


def test_unreachable_judge_is_counted_never_a_silent_pass(
    tmp_path: Path, examples_dir: Path
) -> None:
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    records = orjson.loads((examples_dir / "glaive_toolcall_en_demo.json").read_bytes())[:2]
    data = tmp_path / "two.json"
    data.write_bytes(orjson.dumps(records))
    env_home = {"TOOLPROOF_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [*TOOLPROOF, "verify", str(data), "--layers", "rules,judge",
         "--judge", f"http://127.0.0.1:{port}", "--out", str(tmp_path / "r.jsonl")],
        cwd=ROOT, env={**os.environ, **env_home, "COLUMNS": "200"},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "the judge could not answer for 2 of 2 samples" in proc.stdout
    for result in lines(tmp_path / "r.jsonl"):
        codes = [f["code"] for f in result["findings"]]  # type: ignore[attr-defined]
        assert "judge.unavailable" in codes
