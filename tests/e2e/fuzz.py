"""schemathesis against a live server, as a user runs it: ``st run --checks all``.

Every phase (examples, coverage, fuzzing, stateful) and every check, bounded: a few
examples per operation, a fixed seed, deterministic generation, no example database.
The hooks (``fuzz_hooks``) say what the document cannot; each exclusion a test asks for
carries its reason beside it there, and in the README.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ST = Path(sys.executable).with_name("st")


def fuzz(
    url: str,
    *,
    exclude: Sequence[str] = (),
    headers: Sequence[str] = (),
    max_examples: int = 10,
    timeout_s: float = 240,
) -> str:
    """Run every check against ``url``'s own /openapi.json; its report, or an assertion
    error quoting the failures."""
    command = [
        str(ST), "run", f"{url}/openapi.json", "--checks", "all",
        "--max-examples", str(max_examples), "--seed", "14",
        "--generation-deterministic",
        "--workers", "1", "--no-color", "--request-timeout", "30",
    ]  # fmt: skip
    if exclude:
        command += ["--exclude-checks", ",".join(exclude)]
    for header in headers:
        command += ["-H", header]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.e2e.fuzz_hooks", "PYTHONPATH": str(ROOT)}
    # its own working directory: schemathesis keeps a cache of failures there (.schemathesis)
    # and would replay it on the next run
    with tempfile.TemporaryDirectory() as cwd:
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s
        )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-12000:]
    return report
