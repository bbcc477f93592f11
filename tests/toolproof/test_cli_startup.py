"""`toolproof --help` stays quick: building the command line loads no pipeline.

The packages export lazily (``toolspec.lazy_exports``) and each command imports its machinery when
it runs; an eager import slipping back in would cost every invocation about a second.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "httpx",
    "jsonschema",
    "fastapi",
    "sqlalchemy",
    "pydantic",
    "pydantic_settings",
    "mock_apis._compiler",
    "synth",
    "verifier._rules",
    "verifier._judge",
    "verifier.bfcl._check",
    "mock_apis._runner",
    "mock_apis._server",
)


def loaded_after(code: str) -> list[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    names: list[str] = json.loads(out.splitlines()[-1])
    return [n for n in names if n.split(".")[0] in HEAVY or n.startswith(HEAVY)]


def test_the_command_line_is_built_without_the_pipeline() -> None:
    assert loaded_after("import toolproof.cli") == []


def test_the_root_error_and_the_version_load_alone() -> None:
    assert loaded_after("import toolspec.errors, toolproof") == []


def test_the_service_loads_no_mcp() -> None:
    """The HTTP service uses the mock server's session pool and answers, not its MCP
    transport (about a second of every worker's start-up)."""
    probe = "import toolproof.service._app\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", f"import sys, json\n{probe}"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    modules = json.loads(out.splitlines()[-1])
    assert "mock_apis._server._sessions" in modules
    assert not [m for m in modules if m == "mcp" or m.startswith(("mcp.", "mcp_types"))]


def test_lazy_exports_still_resolve() -> None:
    code = (
        "from verifier import Pipeline, detect_format\n"
        "from toolspec import ToolSpec\n"
        "from mock_apis import MockRunner, compile, create_app\n"
        "from mock_apis._server import SESSION_HEADER, MockApp\n"
        "from synth import PoolBuilder, verifying_agents\n"
        "import verifier, mock_apis\n"
        "assert 'Pipeline' in dir(verifier) and callable(mock_apis.compile)\n"
        "try:\n    verifier.nothing_here\nexcept AttributeError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    assert "module 'verifier' has no attribute 'nothing_here'" in out


def test_version_is_printed_without_a_command() -> None:
    from importlib.metadata import version

    from verifier._version import TOOLPROOF_VERSION

    done = subprocess.run([sys.executable, "-m", "toolproof", "--version"], capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == TOOLPROOF_VERSION == version("toolproof")
