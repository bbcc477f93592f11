"""The wiring has one home: nothing but the command line imports ``toolproof._cli``.

The service, the job workers and synthesis build their layers through
``toolproof.compose``; the CLI is a shell over the same pieces, never their source.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("toolspec", "sandbox", "mock_apis", "verifier", "synth", "toolproof")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_only_the_command_line_imports_the_cli_modules() -> None:
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if rel.parts[:2] == ("toolproof", "_cli") or rel == Path("toolproof/cli.py"):
                continue
            if any(
                m == "toolproof._cli" or m.startswith("toolproof._cli.") for m in _imports(path)
            ):
                offenders.append(str(rel))
    assert offenders == []
