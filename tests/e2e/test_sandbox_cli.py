"""``toolproof sandbox run|doctor`` as a user runs them: a file of code in, an Outcome out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sandbox.process import probe
from toolproof.cli import app

ROOT = Path(__file__).resolve().parents[2]
CODE = (
    "import json\n"
    "def greet(name, times=1):\n"
    "    print('greeting', name)\n"
    "    return {'greeting': ' '.join(['hello ' + name] * times)}\n"
    "def where():\n"
    "    import os\n"
    "    return {'uid': os.getuid(), 'env': dict(os.environ)}\n"
    "def spin():\n"
    "    while True:\n"
    "        pass\n"
)


@pytest.fixture
def code(tmp_path: Path) -> Path:
    path = tmp_path / "tools.py"
    path.write_text(CODE)
    return path


@pytest.fixture
def docker_image() -> None:
    """Docker journeys need the sandbox image too (``make sandbox-image``), not just an engine."""
    from sandbox import BackendUnavailableError
    from sandbox.docker import DEFAULT_IMAGE, docker_client
    from sandbox.docker.prereqs import check_image

    try:
        client = docker_client()
        check_image(client, DEFAULT_IMAGE)
        client.close()
    except BackendUnavailableError as exc:
        if os.environ.get("TOOLPROOF_REQUIRE_DOCKER") == "1":
            pytest.fail(f"TOOLPROOF_REQUIRE_DOCKER=1 but {exc}")
        pytest.skip(str(exc))


DOCKER = pytest.param("docker", marks=pytest.mark.docker)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("backend", ["process", DOCKER])
def test_run_prints_the_outcome(code: Path, backend: str, request: pytest.FixtureRequest) -> None:
    if backend == "docker":
        request.getfixturevalue("docker_image")
    status, out = invoke(
        "sandbox",
        "run",
        "--backend",
        backend,
        "--code",
        str(code),
        "--entry",
        "greet",
        "--args",
        '{"name": "Ada", "times": 2}',
    )
    assert status == 0, out
    outcome = json.loads(out)
    assert outcome["ok"] is True and outcome["error"] is None
    assert outcome["value"] == {"greeting": "hello Ada hello Ada"}
    assert outcome["stdout_tail"] == "greeting Ada\n" and outcome["duration_ms"] > 0


@pytest.mark.parametrize("backend", ["process", DOCKER])
def test_restricted_by_default_and_no_restrict_leaves_the_backend(
    code: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    if backend == "docker":
        request.getfixturevalue("docker_image")
    status, out = invoke(
        "sandbox", "run", "--backend", backend, "--code", str(code), "--entry", "where"
    )
    assert status == 1 and json.loads(out)["error"]["type"] == "ImportError"
    status, out = invoke(
        "sandbox",
        "run",
        "--backend",
        backend,
        "--code",
        str(code),
        "--entry",
        "where",
        "--no-restrict",
    )
    assert status == 0, out
    value = json.loads(out)["value"]
    assert value["env"] == {}
    if os.geteuid() == 0:
        assert value["uid"] == 65534


def test_failures_are_outcomes_with_exit_1(code: Path) -> None:
    base = ["sandbox", "run", "--code", str(code)]
    status, out = invoke(*base, "--entry", "spin", "--timeout", "0.3")
    assert status == 1 and json.loads(out)["error"]["kind"] == "timeout"
    status, out = invoke(*base, "--entry", "greet", "--args", "[1, 2]")
    assert status == 1 and json.loads(out)["error"]["kind"] == "args"
    status, out = invoke(*base, "--entry", "nope")
    assert (
        status == 1 and "known: ['greet', 'spin', 'where']" in json.loads(out)["error"]["message"]
    )
    status, out = invoke(*base, "--entry", "greet", "--args", '{"name": "x"}', "--timeout", "0")
    assert status == 1 and json.loads(out)["error"]["kind"] == "args"


def test_usage_errors_exit_2(code: Path, tmp_path: Path) -> None:
    assert invoke("sandbox", "run", "--code", str(tmp_path / "missing.py"), "--entry", "f")[0] == 2
    status, out = invoke("sandbox", "run", "--code", str(code), "--entry", "greet", "--args", "{")
    assert status == 2 and "not JSON" in out
    status, out = invoke("sandbox", "run", "--backend", "nope", "--code", str(code), "--entry", "f")
    assert status == 2 and "known: docker, fake, process" in out


def test_doctor_reports_each_backend() -> None:
    status, out = invoke("sandbox", "doctor", "--json")
    assert status == 0, out
    report = {row["backend"]: row for row in json.loads(out)}
    assert set(report) == {"process", "docker"}
    assert report["process"]["works"] is True
    filtered = probe().seccomp  # doctor warns exactly when the filter is not in force
    assert any("seccomp" in w for w in report["process"]["warnings"]) is not filtered
    assert ("seccomp filter" in report["process"]["detail"]) is filtered


@pytest.mark.docker
@pytest.mark.usefixtures("docker_image")
def test_run_in_docker_from_a_shell(code: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolproof",
            "sandbox",
            "run",
            "--backend",
            "docker",
            "--code",
            str(code),
            "--entry",
            "greet",
            "--args",
            '{"name": "shell"}',
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["value"] == {"greeting": "hello shell"}
