"""``MockBundle``: a compiled toolset, its manifest, and the content-addressed disk cache.

A bundle is the generated module (plus the supplied implementations, if any), the entry
function of every tool, and a manifest that says what was inferred: each tool's operation,
entity, response schema, source (generated or supplied) and notes, the entities and their
id fields, and the tools that did not compile with the reason. Its id is the sha256 of the
compiler version, the runtime ABI, the seed, the specs and the implementation source, so a
bundle on disk is valid for exactly those inputs and never needs invalidation.

On disk (``toolproof compile --out DIR`` and the cache): ``manifest.json`` and one ``.py``
file per module, named after the module.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from toolspec.errors import CompileError

MANIFEST = "manifest.json"


class ToolEntry(BaseModel):
    """One compiled tool, as the manifest describes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    entry: str
    description: str = ""
    spec_hash: str
    #: The parameter schema as the mock generates from it: local refs inlined, annotated.
    parameters: dict[str, Any]
    #: The strict schema every call's arguments are checked against on the host, before
    #: the call reaches a sandbox (``toolspec.strict_schema``: the rule layer's own).
    argument_schema: dict[str, Any]
    kind: str
    entity: str | None = None
    #: ``generated`` (from the spec) or ``impl`` (supplied by a person or an LLM).
    source: str = "generated"
    #: Answers depend only on (seed, tool, arguments): no shared entity state, no impl.
    deterministic: bool = True
    #: The declared output schema, else the inferred one (with ``x-gen`` annotations).
    response_schema: dict[str, Any]
    declared_output: bool = False
    notes: list[str] = Field(default_factory=list)


class EntityEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id_field: str
    tools: list[str]
    fields: list[str]


class ToolError(BaseModel):
    """A tool (or an implementation of it) that could not be compiled, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tool: str
    code: str
    message: str


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sha256: str
    compiler_version: str
    runtime_abi: int
    seed: int
    module: str
    impl_module: str | None = None
    impl_sha256: str | None = None
    tools: list[ToolEntry]
    entities: dict[str, EntityEntry] = Field(default_factory=dict)
    errors: list[ToolError] = Field(default_factory=list)


class MockBundle(BaseModel):
    """A compiled toolset: modules (name → source) to load, entries to call, a manifest."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    manifest: Manifest
    modules: dict[str, str]

    @property
    def sha256(self) -> str:
        return self.manifest.sha256

    @property
    def module(self) -> str:
        """The generated module, whose ``tool_*`` functions are the entries."""
        return self.manifest.module

    @property
    def entries(self) -> dict[str, str]:
        """Tool name → entry function name in :attr:`module`."""
        return {t.name: t.entry for t in self.manifest.tools}

    @property
    def errors(self) -> list[ToolError]:
        return list(self.manifest.errors)

    def tool(self, name: str) -> ToolEntry | None:
        return next((t for t in self.manifest.tools if t.name == name), None)

    def write(self, directory: Path) -> Path:
        """Write the bundle into ``directory`` atomically (a reader never sees half of it)."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bundle-", dir=directory.parent))
        for name, source in self.modules.items():
            (tmp / f"{name}.py").write_text(source, encoding="utf-8")
        (tmp / MANIFEST).write_text(self.manifest.model_dump_json(indent=1), encoding="utf-8")
        if directory.exists():
            for old in directory.iterdir():
                old.unlink()
            directory.rmdir()
        os.replace(tmp, directory)
        return directory

    @classmethod
    def read(cls, directory: Path) -> MockBundle:
        """Load a bundle written by :meth:`write`; raises ``CompileError`` if it is not one."""
        try:
            manifest = Manifest.model_validate_json((directory / MANIFEST).read_bytes())
            names = [manifest.module] + ([manifest.impl_module] if manifest.impl_module else [])
            modules = {n: (directory / f"{n}.py").read_text(encoding="utf-8") for n in names}
        except (OSError, ValueError) as exc:
            raise CompileError(f"{directory} is not a readable mock bundle: {exc}") from exc
        return cls(manifest=manifest, modules=modules)


class BundleCache:
    """Bundles on disk under ``root/<sha256>/``; content-addressed, so never stale."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256

    def get(self, sha256: str) -> MockBundle | None:
        directory = self.path(sha256)
        if not (directory / MANIFEST).is_file():
            return None
        try:
            return MockBundle.read(directory)
        except CompileError:
            return None  # a damaged entry is recompiled and overwritten

    def put(self, bundle: MockBundle) -> Path:
        return bundle.write(self.path(bundle.sha256))
