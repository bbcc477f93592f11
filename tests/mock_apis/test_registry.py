"""The registry of compiled toolsets, the package surface, and the docker backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mock_apis
from mock_apis import MockBundle, MockRunner, ToolsetRegistry, read_tools
from toolspec import ToolSpec


def test_the_public_surface_is_locked() -> None:
    assert sorted(mock_apis.__all__) == [
        "InProcessSandbox", "MockApp", "MockBundle", "MockOutcome", "MockRunner", "MockSession",
        "RUNTIME_ABI", "SESSION_HEADER", "SessionPool", "ThreadSessions", "ToolEntry",
        "ToolError", "ToolsetCache", "ToolsetRegistry", "classify_name", "compile",
        "compile_toolset", "create_app", "example_arguments", "expand_pattern",
        "id_pattern", "id_prefix",
        "json_response", "open_sandbox", "pattern_program", "read_tools", "restricted_check",
        "runner_names", "runtime_modules", "sandbox_bundle", "singular", "tool_problem",
        "toolset_key",
    ]  # fmt: skip
    for name in mock_apis.__all__:
        assert getattr(mock_apis, name) is not None
    with pytest.raises(AttributeError):
        _ = mock_apis.nothing_here


def test_registry_compiles_once_and_finds_bundles_by_id(
    shop_specs: list[ToolSpec], tmp_path: Path
) -> None:
    registry = ToolsetRegistry(tmp_path, capacity=1)
    bundle = registry.register(shop_specs)
    assert registry.register(list(shop_specs)) is bundle
    assert registry.get(bundle.sha256) is bundle
    other = registry.register(shop_specs[:2])
    assert registry.get(other.sha256) is other
    assert registry.get(bundle.sha256) == bundle  # evicted from memory, read from disk
    with pytest.raises(KeyError):
        registry.get("0" * 64)
    with pytest.raises(KeyError):
        ToolsetRegistry().get(bundle.sha256)


def test_tools_files_in_jsonl_function_doc_form(data_dir: Path, tmp_path: Path) -> None:
    records = json.loads((data_dir / "mock" / "real_toolsets.json").read_text("utf-8"))
    docs = next(r["tools"] for r in records if r["source"].endswith("travel_booking.json"))
    path = tmp_path / "travel_booking.json"
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n", encoding="utf-8")
    specs, errors = read_tools(path)
    assert len(specs) == len(docs) and not errors
    assert any(s.output_schema for s in specs)  # BFCL's ``response`` becomes the output schema


@pytest.mark.docker
def test_docker_backend_answers_like_in_process(shop: MockBundle) -> None:
    with MockRunner("docker") as docker, MockRunner("inprocess") as local:
        args = {"item": "tea", "quantity": 1}
        remote = docker.session(shop).call("create_order", args)
        assert remote.ok, remote.findings
        assert remote.result == local.session(shop).call("create_order", args).result
