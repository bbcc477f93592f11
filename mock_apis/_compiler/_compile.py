"""``compile(specs) -> MockBundle``: the spec→mock compiler, one toolset at a time.

Each tool goes through: name → entry identifier; parameters → the argument check the
host applies to every call (``toolspec.tool_check``: a tool whose parameters cannot be
checked is refused, ``spec.invalid_schema``, as the rule layer reports it) and the copy
values are generated from (refs inlined, annotated with value kinds); then the toolset
is planned (operation kinds, shared entities, response shapes) and rendered as one
module. Any keyword the check understands is accepted: what the generator does not use,
it ignores. A tool that fails any step is recorded in the manifest's ``errors`` with a
code and a sentence, and the rest of the toolset compiles: bad input costs one tool,
never the toolset.
"""

from __future__ import annotations

import builtins
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from mock_apis._compiler._bundle import (
    BundleCache,
    EntityEntry,
    Manifest,
    MockBundle,
    ToolEntry,
    ToolError,
)
from mock_apis._compiler._codegen import render
from mock_apis._compiler._errors import ToolCompileError
from mock_apis._compiler._hints import annotate
from mock_apis._compiler._impls import Checker, split, syntax_check
from mock_apis._compiler._names import identifier
from mock_apis._compiler._plans import Planned, plan_toolset
from mock_apis._compiler._schemas import normalise, output_schema
from mock_apis._compiler._shapes import enum_contradicts
from toolspec import ToolSpec, schema_problem, tool_check
from toolspec.errors import CompileError


def source_digest() -> str:
    """sha256 of the compiler's own source: any change to it yields new bundle ids, so a
    cache never serves a bundle that this compiler would generate differently."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


COMPILER_VERSION = f"1.{source_digest()}"
#: The interface between generated modules and the ``tpmock_*`` runtime modules; the
#: runtime (``mock_apis._runtime``) takes its own from here. 2: arguments are checked on
#: the host, the runtime has no validator.
RUNTIME_ABI = 2
MAX_NAME = 200


def bundle_key(specs: list[ToolSpec], seed: int, impl_source: str | None) -> str:
    """sha256 of everything a bundle's behaviour depends on."""
    payload = {
        "compiler": COMPILER_VERSION,
        "abi": RUNTIME_ABI,
        "seed": seed,
        "specs": [[s.name, s.spec_hash, s.hints] for s in specs],
        "impl": impl_source,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def compile(
    specs: Iterable[ToolSpec],
    *,
    seed: int = 0,
    impl_source: str | None = None,
    impl_checker: Checker = syntax_check,
    cache_dir: Path | None = None,
) -> MockBundle:
    """Compile a toolset; tools that cannot compile are listed in ``bundle.errors``.

    ``impl_source`` is a Python file whose top-level functions, named by tool identifier,
    replace the generated mocks; ``impl_checker`` decides whether each compiles (callers
    that run bundles pass a RestrictedPython check). With ``cache_dir``, a bundle compiled
    before from the same inputs is loaded instead of compiled.
    """
    spec_list = list(specs)
    for spec in spec_list:
        if not isinstance(spec, ToolSpec):
            raise CompileError(f"compile() takes ToolSpec objects, got {type(spec).__name__}")
    sha = bundle_key(spec_list, seed, impl_source)
    cache = BundleCache(cache_dir) if cache_dir is not None else None
    if cache is not None:
        cached = cache.get(sha)
        if cached is not None:
            return cached
    bundle = build(spec_list, seed, impl_source, impl_checker, sha)
    if cache is not None:
        cache.put(bundle)
    return bundle


def admit(specs: list[ToolSpec], errors: list[ToolError]) -> list[tuple[ToolSpec, str, list[str]]]:
    """Specs with their entry identifiers; duplicates and unusable names become errors."""
    seen: dict[str, ToolSpec] = {}
    idents: dict[str, str] = {}
    out: list[tuple[ToolSpec, str, list[str]]] = []
    for spec in specs:
        notes: list[str] = []
        if spec.name in seen:
            if seen[spec.name].spec_hash != spec.spec_hash:
                errors.append(
                    ToolError(
                        tool=spec.name,
                        code="spec.duplicate",
                        message="conflicting duplicate definition: the first one is kept",
                    )
                )
            continue
        ident = identifier(spec.name)
        problem = None
        if not ident or len(spec.name) > MAX_NAME or not spec.name.isprintable():
            problem = "the name is empty, too long or has control characters"
        elif ident in idents:
            problem = f"its identifier {ident!r} is also that of tool {idents[ident]!r}"
        if problem:
            errors.append(ToolError(tool=spec.name, code="spec.bad_name", message=problem))
            continue
        if ident != spec.name:
            notes.append(f"name is not a Python identifier: implement it as {ident}()")
        seen[spec.name] = spec
        idents[ident] = spec.name
        out.append((spec, ident, notes))
    return out


def prepare(spec: ToolSpec, notes: list[str]) -> Planned:
    spec_hash = spec.spec_hash  # of the spec as given, before refs are resolved
    check = tool_check(spec.name, spec.parameters, spec.hints)
    if isinstance(check, str):
        raise ToolCompileError(spec.name, "spec.invalid_schema", check)
    params = normalise(spec.parameters, spec.name, notes)
    params = annotate(params, spec.hints, "", "", notes)
    for key, sub in (params.get("properties") or {}).items():
        if isinstance(sub, dict) and enum_contradicts(sub):
            notes.append(f"/properties/{key}: no enum value is a {sub['type']}: none is valid")
    if spec.output_schema is not None:
        try:
            problem = schema_problem(spec.output_schema)
            if problem is not None:
                raise ToolCompileError(spec.name, "spec.invalid_schema", problem)
            out = output_schema(spec.output_schema, spec.name)
            spec = spec.model_copy(update={"output_schema": out})
        except ToolCompileError as exc:
            notes.append(f"declared output schema unusable ({exc.detail}); shape inferred instead")
            spec = spec.model_copy(update={"output_schema": None})
    return Planned(spec=spec, params=params, notes=notes, spec_hash=spec_hash, checked=check.schema)


def build(
    specs: list[ToolSpec], seed: int, impl_source: str | None, checker: Checker, sha: str
) -> MockBundle:
    errors: list[ToolError] = []
    planned: list[Planned] = []
    idents: dict[str, str] = {}
    for spec, ident, notes in admit(specs, errors):
        try:
            planned.append(prepare(spec, notes))
        except ToolCompileError as exc:
            errors.append(ToolError(tool=spec.name, code=exc.code, message=exc.detail))
            continue
        idents[spec.name] = ident
    plans, entities = plan_toolset(planned)
    impl_module = impl_sha = None
    impls: dict[str, str] = {}
    modules: dict[str, str] = {}
    if impl_source is not None:
        impl_module = f"tpmock_impl_{sha[:12]}"
        impl_sha = hashlib.sha256(impl_source.encode()).hexdigest()
        impls, impl_text = implementations(impl_source, checker, idents, errors)
        modules[impl_module] = impl_text
    module = f"tpmock_bundle_{sha[:12]}"
    entries = {name: f"tool_{ident}" for name, ident in idents.items()}
    source = render(
        version=COMPILER_VERSION,
        abi=RUNTIME_ABI,
        sha=sha,
        seed=seed,
        plans={"tools": plans, "entities": entities},
        entries=entries,
        impls=impls,
        impl_module=impl_module,
    )
    builtins.compile(source, f"{module}.py", "exec")  # generated code must always parse
    modules = {module: source, **modules}
    tools = [
        ToolEntry(
            name=t.spec.name,
            entry=entries[t.spec.name],
            description=t.spec.description,
            spec_hash=t.spec_hash,
            parameters=t.params,
            argument_schema=t.checked,
            kind=t.kind,
            entity=t.entity,
            source="impl" if t.spec.name in impls else "generated",
            deterministic=t.entity is None and t.spec.name not in impls,
            response_schema=plans[t.spec.name]["response"],
            declared_output=t.spec.output_schema is not None,
            notes=t.notes,
        )
        for t in planned
    ]
    manifest = Manifest(
        sha256=sha,
        compiler_version=COMPILER_VERSION,
        runtime_abi=RUNTIME_ABI,
        seed=seed,
        module=module,
        impl_module=impl_module,
        impl_sha256=impl_sha,
        tools=tools,
        entities={
            e: EntityEntry(id_field=p["id_field"], tools=p["tools"], fields=p["fields"])
            for e, p in entities.items()
        },
        errors=errors,
    )
    return MockBundle(manifest=manifest, modules=modules)


def implementations(
    source: str, checker: Checker, idents: dict[str, str], errors: list[ToolError]
) -> tuple[dict[str, str], str]:
    """(tool name → implementing function, module source) for the functions that compile."""
    parts = split(source, checker)
    if parts.file_error is not None:
        errors.extend(
            ToolError(tool=name, code="compile.impl", message=parts.file_error)
            for name, ident in idents.items()
            if f"def {ident}(" in source
        )
        return {}, "\n"
    by_ident = {ident: name for name, ident in idents.items()}
    for func, problem in parts.errors.items():
        if func in by_ident:
            errors.append(
                ToolError(
                    tool=by_ident[func],
                    code="compile.impl",
                    message=f"implementation does not compile ({problem}); "
                    "the generated mock answers instead",
                )
            )
    impls = {by_ident[f]: f for f in parts.functions if f in by_ident}
    return impls, parts.source()
