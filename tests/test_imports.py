"""The import graph has arrows only downward, and a package's ``__init__`` is its API.

DESIGN.md's layout: ``toolspec`` ← ``sandbox`` ← ``mock_apis`` ← ``verifier`` ← ``synth`` ←
``toolproof``. A module may import its own package freely and the packages below it
through their public names; never a package above it, never another package's private
(``_name``) modules, and ``sandbox`` takes only the errors and the registry from
``toolspec`` (it knows nothing about tools). Every import counts: inside functions (the
lazy imports of the CLI) and under ``TYPE_CHECKING`` too.

And the wiring has one home: nothing but the command line imports ``toolproof._cli``; the
service, the job workers and synthesis build their layers through ``toolproof.compose``.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Bottom to top: a package may import only those before it.
PACKAGES = ("toolspec", "sandbox", "mock_apis", "verifier", "synth", "toolproof")
RANK = {name: rank for rank, name in enumerate(PACKAGES)}
#: What ``sandbox`` may take from ``toolspec``: the error root and the generic registry.
SANDBOX_FROM_TOOLSPEC = ("toolspec.errors", "toolspec.registry")


def _module_name(root: Path, path: Path) -> list[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imports(root: Path, path: Path) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for every import in ``path``; ``from m import a`` yields ``m.a``
    (``a`` may be a sub-module), relative imports resolved against the file's package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_name(root, path)
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                yield node.lineno, base if alias.name == "*" else f"{base}.{alias.name}"


def violations(root: Path) -> list[str]:
    """Every upward or private cross-package import under ``root``, as ``file:line: why``."""
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            where = path.relative_to(root).as_posix()
            for line, module in _imports(root, path):
                target, *rest = module.split(".")
                if target not in RANK or target == package:
                    continue
                if RANK[target] > RANK[package]:
                    found.append(f"{where}:{line}: {package} imports {module}, above it")
                elif any(part.startswith("_") for part in rest):
                    found.append(f"{where}:{line}: {module} is private to {target}")
                elif package == "sandbox" and not module.startswith(SANDBOX_FROM_TOOLSPEC):
                    found.append(f"{where}:{line}: sandbox imports {module} (only the errors)")
    return found


def test_the_import_graph_points_down_and_uses_public_names() -> None:
    assert violations(ROOT) == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return root


def test_the_graph_check_catches_each_kind_of_violation(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            # The layout before issue 16: the foundation lived in synth.
            "sandbox/_errors.py": "from synth.errors import SandboxError\n",
            "mock_apis/_registry.py": "import os\nfrom synth._compiler import BundleCache\n",
            "toolspec/_spec.py": "def f():\n    import sandbox\n",
            "synth/_pool.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from toolproof.settings import Settings\n"
            ),
            "verifier/_exec/_compare.py": "from mock_apis._compiler._bundle import ToolEntry\n",
            "verifier/_judge/_x.py": "from mock_apis import _server\nimport sandbox._session\n",
            "sandbox/_registry.py": "from toolspec.registry import Registry\n",
            "sandbox/_y.py": "from toolspec import ToolSpec\n",
            # Allowed: own package (absolute and relative), public names of those below.
            "verifier/_ok.py": (
                "from verifier._model import Sample\nfrom . import _model\n"
                "from mock_apis import compile\nfrom toolspec.errors import ToolproofError\n"
            ),
            "toolproof/_ok.py": "from synth import PoolBuilder\nfrom verifier import Pipeline\n",
        },
    )
    assert violations(root) == [
        "toolspec/_spec.py:2: toolspec imports sandbox, above it",
        "sandbox/_errors.py:1: sandbox imports synth.errors.SandboxError, above it",
        "sandbox/_y.py:1: sandbox imports toolspec.ToolSpec (only the errors)",
        "mock_apis/_registry.py:2: mock_apis imports synth._compiler.BundleCache, above it",
        "verifier/_exec/_compare.py:1: mock_apis._compiler._bundle.ToolEntry is private to "
        "mock_apis",
        "verifier/_judge/_x.py:1: mock_apis._server is private to mock_apis",
        "verifier/_judge/_x.py:2: sandbox._session is private to sandbox",
        "synth/_pool.py:3: synth imports toolproof.settings.Settings, above it",
    ]


def test_only_the_command_line_imports_the_cli_modules() -> None:
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if rel.parts[:2] == ("toolproof", "_cli") or rel == Path("toolproof/cli.py"):
                continue
            if any(
                m == "toolproof._cli" or m.startswith("toolproof._cli.")
                for _, m in _imports(ROOT, path)
            ):
                offenders.append(str(rel))
    assert offenders == []
