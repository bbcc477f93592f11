"""``toolproof synth pool|dialogs`` as a user runs them, offline and against a loopback LLM.

The LLM is ``ScriptedChatServer`` (uvicorn on a free 127.0.0.1 port, started here): it
answers as each test scripts it, including broken answers (invalid JSON, a garbage body,
specs that fail the rule layer's checks, a call with a value the user never said).
Whatever is written must read back with ``toolproof verify`` and pass every layer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from verifier._judge._scripted import ScriptedChatServer, ScriptedReply

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TOOLPROOF_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "toolproof", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(x) for x in path.read_bytes().splitlines()]


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path) -> Path:
    """An offline pool from the bundled seeds (both files, BFCL docs and OpenAI tools)."""
    where = tmp_path_factory.mktemp("pool")
    out = where / "pool.jsonl"
    seeds = examples_dir / "seeds"
    proc = run(
        "synth",
        "pool",
        "--seeds",
        seeds / "bfcl_simple_python.jsonl",
        seeds / "glaive_tools.json",
        "--out",
        out,
        "--target",
        "150",
        home=where,
    )
    assert proc.returncode == 0, proc.stderr
    assert "150 tools in" in proc.stdout
    for part in ("added by origin", "domains:", "parameter types:"):
        assert part in proc.stdout
    return out


def test_pool_lines_and_resume(pool: Path, tmp_path: Path) -> None:
    entries = lines(pool)
    assert len(entries) == 150
    assert {"name", "description", "parameters", "domain", "provenance"} <= set(entries[0])
    origins = {e["provenance"]["origin"] for e in entries}
    assert origins == {"seed", "speciation", "adaptation", "evolution"}
    copy = tmp_path / "pool.jsonl"
    copy.write_bytes(pool.read_bytes())
    seeds = ROOT / "examples" / "seeds" / "glaive_tools.json"
    proc = run("synth", "pool", "--seeds", seeds, "--out", copy, "--target", "170", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "170 tools" in proc.stdout and "150 resumed" in proc.stdout
    assert copy.read_bytes().startswith(pool.read_bytes())


@pytest.mark.parametrize("fmt", ["openai", "toolace"])
def test_dialogs_pass_verify_when_read_back(pool: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"{fmt}.jsonl"
    proc = run(
        "synth",
        "dialogs",
        "--pool",
        pool,
        "--out",
        out,
        "--n",
        "40",
        "--format",
        fmt,
        home=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "40 verified dialogs" in proc.stdout and "pass rate" in proc.stdout
    assert "call patterns:" in proc.stdout and "domains:" in proc.stdout
    assert len(lines(out)) == 40
    check = run(
        "verify", out, "--layers", "rules,exec,judge", "--out", tmp_path / "r.jsonl", home=tmp_path
    )
    assert check.returncode == 0, check.stderr
    assert f"detected format: {fmt}" in check.stderr
    assert "40 passed · 0 failed" in check.stdout
    if fmt == "openai":
        record = lines(out)[0]
        assert {"messages", "tools"} <= set(record)
        tool_turns = [m for m in record["messages"] if m["role"] == "tool"]
        assert all(m["tool_call_id"] and orjson.loads(m["content"]) for m in tool_turns)


def test_dialogs_resume(pool: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    assert (
        run("synth", "dialogs", "--pool", pool, "--out", out, "--n", "15", home=tmp_path).returncode
        == 0
    )
    first = out.read_bytes()
    proc = run("synth", "dialogs", "--pool", pool, "--out", out, "--n", "25", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "15 resumed" in proc.stdout
    assert out.read_bytes().startswith(first) and len(lines(out)) == 25


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--llm", "gpt-4"], "--llm takes 'offline' or an http(s) URL"),
        (["--format", "sharegpt"], "known formats: openai, toolace"),
        (["--mix", "single=1,chaos=1"], "unknown call pattern"),
        (["--sandbox", "vm"], "unknown sandbox backend"),
    ],
)
def test_dialogs_usage_errors_exit_2(
    pool: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    proc = run(
        "synth",
        "dialogs",
        "--pool",
        pool,
        "--out",
        tmp_path / "d.jsonl",
        "--n",
        "2",
        *args,
        home=tmp_path,
    )
    assert proc.returncode == 2, proc.stdout
    assert message in proc.stderr


def test_input_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name": 1}\n')
    proc = run(
        "synth", "dialogs", "--pool", bad, "--out", tmp_path / "d.jsonl", "--n", "2", home=tmp_path
    )
    assert proc.returncode == 2 and "line 1 is not a pool entry" in proc.stderr
    proc = run(
        "synth",
        "pool",
        "--seeds",
        tmp_path / "missing.json",
        "--out",
        tmp_path / "p",
        "--target",
        "3",
        home=tmp_path,
    )
    assert proc.returncode == 2 and "cannot read tools file" in proc.stderr


# --- against a loopback OpenAI-compatible server ------------------------------------


def _tool(name: str, described: bool = True, schema_type: str = "string") -> dict[str, Any]:
    text = "City to search in." if described else "TODO"
    return {
        "name": name,
        "description": f"Find {name.split('_')[-1]} in a city.",
        "parameters": {
            "type": "object",
            "required": ["city"],
            "properties": {"city": {"type": schema_type, "description": text}},
        },
    }


class PoolModel:
    """Scripted pool answers: a tree, then per leaf a good tool, a tool with a placeholder
    description (spec.unclear), one with an invalid schema (spec.invalid_schema) and
    broken answers for adaptation (invalid JSON) and evolution (a garbage body)."""

    def __call__(self, request: dict[str, Any]) -> ScriptedReply:
        ask = request["messages"][-1]["content"]
        if ask.startswith("From these seed APIs"):
            return ScriptedReply(content='{"travel": ["hotels", "museums", "trains"]}')
        if ask.startswith("Propose 4 new"):
            leaf = ask.split(" / ", 1)[1].split(",", 1)[0]
            tools = [
                _tool(f"find_{leaf}"),
                _tool(f"vague_{leaf}", described=False),
                _tool(f"typo_{leaf}", schema_type="strng"),
            ]
            return ScriptedReply(
                content=f"Here you go:\n```json\n{orjson.dumps(tools).decode()}\n```"
            )
        if ask.startswith("Adapt"):
            return ScriptedReply(content='[{"name": "half')
        return ScriptedReply(raw=b"<html>502 Bad Gateway</html>")


@pytest.fixture
def chat_server() -> Iterator[ScriptedChatServer]:
    server = ScriptedChatServer()
    with server:
        yield server


def test_llm_pool_over_loopback(
    chat_server: ScriptedChatServer, tmp_path: Path, examples_dir: Path
) -> None:
    chat_server.respond = PoolModel()
    out = tmp_path / "pool.jsonl"
    seeds = examples_dir / "seeds" / "bfcl_simple_python.jsonl"
    proc = run(
        "synth",
        "pool",
        "--seeds",
        seeds,
        "--out",
        out,
        "--target",
        "60",
        "--llm",
        chat_server.url,
        home=tmp_path,
    )
    # three leaves give three good tools; then nothing new comes: short of the target
    assert proc.returncode == 1, proc.stderr
    assert "stopped short" in proc.stderr
    entries = lines(out)
    llm_made = [e for e in entries if e["provenance"]["origin"] != "seed"]
    assert sorted(e["name"] for e in llm_made) == ["find_hotels", "find_museums", "find_trains"]
    assert {e["domain"] for e in llm_made} == {"travel/hotels", "travel/museums", "travel/trains"}
    assert all(e["provenance"]["generator"] == "llm" for e in llm_made)
    assert "spec.unclear" in proc.stdout and "TODO" in proc.stdout
    assert "spec.invalid_schema" in proc.stdout and "no_answer" in proc.stdout
    assert chat_server.requests >= 4


class DialogModel:
    """Scripted agents: the user states the values it is given; the assistant calls them,
    except that it answers invalid JSON every 5th turn and puts a city the user never
    said into every 4th call (the judge must catch it)."""

    def __init__(self) -> None:
        self.wanted: dict[str, list[dict[str, Any]]] = {}
        self.turns = 0

    def __call__(self, request: dict[str, Any]) -> ScriptedReply:
        system, ask = request["messages"][0]["content"], request["messages"][-1]["content"]
        if system.startswith("You play the user"):
            wanted = orjson.loads(ask.split("): ", 1)[1].rsplit(". State every value", 1)[0])
            text = "Please do this: " + "; ".join(
                f"{w['tool']} with " + ", ".join(f"{k} {v}" for k, v in w["values"].items())
                for w in wanted
            )
            self.wanted[text] = wanted
            return ScriptedReply(content=text)
        self.turns += 1
        last = ask.splitlines()[-1]
        if self.turns % 5 == 0:
            return ScriptedReply(content="{'calls': oops")
        if last.startswith("user: "):
            calls = [
                {"name": w["tool"], "arguments": dict(w["values"])} for w in self.wanted[last[6:]]
            ]
            if self.turns % 4 == 0:
                for call in calls:
                    for key, value in call["arguments"].items():
                        if isinstance(value, str) and value[:1].isupper() and " " not in value:
                            call["arguments"][key] = "Atlantis"
            return ScriptedReply(content=orjson.dumps({"calls": calls}).decode())
        return ScriptedReply(content='{"answer": "Here is what the tools returned."}')


def test_llm_dialogs_over_loopback(
    chat_server: ScriptedChatServer, pool: Path, tmp_path: Path
) -> None:
    chat_server.respond = DialogModel()
    out = tmp_path / "d.jsonl"
    proc = run(
        "synth",
        "dialogs",
        "--pool",
        pool,
        "--out",
        out,
        "--n",
        "12",
        "--llm",
        chat_server.url,
        "--mix",
        "single=1,parallel=1",
        home=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "invalid_json" in proc.stdout
    records = lines(out)
    assert len(records) == 12
    assert not any("Atlantis" in orjson.dumps(r).decode() for r in records)
    assert all(r["messages"][1]["content"].startswith("Please do this:") for r in records)
    check = run("verify", out, "--layers", "rules,exec,judge", home=tmp_path)
    assert check.returncode == 0 and "12 passed · 0 failed" in check.stdout


def test_pool_defaults_to_the_bundled_catalogue_and_prints_the_tree(tmp_path: Path) -> None:
    out = tmp_path / "pool.jsonl"
    proc = run("synth", "pool", "--out", out, "--target", "40", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "domain tree: 30 domains, 390 sub-domains" in proc.stdout
    sources = {e["provenance"].get("source") for e in lines(out)}
    assert "BFCL_v4_live_multiple.json" in sources or "BFCL_v4_simple_python.json" in sources


def test_a_seed_that_does_not_import_costs_only_itself(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.json"
    good = _tool("find_museums")
    seeds.write_bytes(orjson.dumps([good, {"name": "broken", "parameters": 7}, "not a tool"]))
    out = tmp_path / "pool.jsonl"
    proc = run("synth", "pool", "--seeds", seeds, "--out", out, "--target", "20", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "seed_import 2" in proc.stdout
    assert "find_museums" in {e["name"] for e in lines(out)}
