"""Running bundles: the process sandbox answers like in-process; impls run only sandboxed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from mock_apis import (
    MockBundle,
    MockOutcome,
    MockRunner,
    compile_toolset,
    example_arguments,
    restricted_check,
    runner_names,
)
from mock_apis._runner import sandbox_bundle
from mock_apis._runtime import runtime_modules
from sandbox import Limits
from toolspec import ToolSpec
from toolspec.errors import ConfigError

IMPL = """
def get_weather(location, unit="celsius"):
    return {"location": location, "temperature": 21.5, "unit": unit, "source": "impl"}


def cancel_order(order_id):
    raise ValueError("cancellations are closed")


def create_order(item, quantity, email=None):
    while True:
        pass


def search_orders(**args):
    import os
    return os.listdir("/")
"""


@pytest.fixture(scope="module")
def process() -> Iterator[MockRunner]:
    with MockRunner("process", limits=Limits(wall_s=2.0)) as runner:
        yield runner


def test_process_sandbox_answers_exactly_like_in_process(
    shop: MockBundle, process: MockRunner, inprocess: MockRunner
) -> None:
    sandboxed, local = process.session(shop), inprocess.session(shop)
    created = sandboxed.call("create_order", {"item": "tea", "quantity": 1})
    assert created.ok, created.findings
    assert created.result == local.call("create_order", {"item": "tea", "quantity": 1}).result
    oid = created.result["order_id"]
    assert sandboxed.call("get_order", {"order_id": oid}).result == created.result
    for tool in shop.manifest.tools:
        args = example_arguments(tool)
        assert sandboxed.call(tool.name, args).ok
    batch = sandboxed.call_many([("get_weather", {"location": "Oslo"}), ("nope", {}),
                                 ("get_weather", {"location": 3})])  # fmt: skip
    assert [o.status for o in batch] == [200, 404, 422]
    sandboxed.close()


@pytest.mark.parametrize("backend", ["process", "inprocess"])
def test_call_each_answers_as_rebind_and_call_many_would(
    shop_specs: list[ToolSpec], backend: str, process: MockRunner, inprocess: MockRunner
) -> None:
    runner = process if backend == "process" else inprocess
    shop, weather = compile_toolset(shop_specs), compile_toolset(shop_specs[:1])
    order = ("create_order", {"item": "tea", "quantity": 1})
    jobs = [
        (shop, [order, ("get_weather", {"location": 3}), ("nope", {})]),
        (weather, [("get_weather", {"location": "Oslo"}), order]),  # no such tool here
        (shop, [order]),  # state starts empty again
    ]
    with runner.session(weather) as one, runner.session(weather) as other:
        expected = []
        for bundle, calls in jobs:
            other.rebind(bundle)
            expected.append([_plain(o) for o in other.call_many(calls)])
        got = [[_plain(o) for o in outcomes] for outcomes in one.call_each(jobs)]
        assert got == expected and one.bundle is shop
        assert [len(o) for o in got] == [3, 2, 1] and got[2][0]["ok"]


def _plain(outcome: MockOutcome) -> dict[str, Any]:
    return {**dataclasses.asdict(outcome), "duration_ms": None}


def test_workers_share_the_runtime_only_under_generated_code(shop_specs: list[ToolSpec]) -> None:
    generated = sandbox_bundle(compile_toolset(shop_specs))
    assert generated.shared == frozenset(runtime_modules())
    assert sandbox_bundle(compile_toolset(shop_specs, impl_source=IMPL)).shared == frozenset()


def test_supplied_implementations_run_only_in_a_sandbox(
    shop_specs: list[ToolSpec], process: MockRunner, inprocess: MockRunner
) -> None:
    bundle = compile_toolset(shop_specs, impl_source=IMPL)
    assert not bundle.errors
    with pytest.raises(ConfigError, match="only in a sandbox"):
        inprocess.session(bundle)
    s = process.session(bundle)
    weather = s.call("get_weather", {"location": "Oslo"})
    assert weather.result == {"location": "Oslo", "temperature": 21.5, "unit": "celsius",
                              "source": "impl"}  # fmt: skip
    assert s.call("get_weather", {"location": 1}).codes == ["call.type_mismatch"]  # still validated
    failed = s.call("cancel_order", {"order_id": "ORD-000001"})
    assert failed.status == 500 and failed.codes == ["exec.error"]
    assert "cancellations are closed" in failed.findings[0]["message"]
    escaped = s.call("search_orders", {})
    assert escaped.codes == ["exec.error"] and "not allowed" in escaped.findings[0]["message"]
    hung = s.call("create_order", {"item": "tea", "quantity": 1}, timeout=0.5)
    assert hung.status == 504 and hung.codes == ["exec.timeout"]
    assert s.call("get_weather", {"location": "Rome"}).ok  # a fresh worker took over
    s.close()


def test_restricted_python_rejects_impls_at_compile_time(shop_specs: list[ToolSpec]) -> None:
    source = "def get_weather(location):\n    return location.__class__\n"
    bundle = compile_toolset(shop_specs, impl_source=source)
    assert [(e.tool, e.code) for e in bundle.errors] == [("get_weather", "compile.impl")]
    assert "__class__" in bundle.errors[0].message
    assert restricted_check("x = 1\n", "f.py") == []


def test_unknown_backends_list_the_known_ones() -> None:
    assert {"inprocess", "process", "docker"} <= set(runner_names())
    with pytest.raises(ConfigError, match=r"known: .*inprocess"):
        MockRunner("vm")


@pytest.mark.parametrize("backend", ["inprocess", "process"])
def test_rebind_switches_toolsets_with_empty_state(
    backend: str, shop: MockBundle, shop_specs: list[ToolSpec]
) -> None:
    weather_only = compile_toolset(shop_specs[6:7])
    with MockRunner(backend) as runner, runner.session(shop) as s:
        oid = s.call("create_order", {"item": "tea", "quantity": 1}).result["order_id"]
        s.call("delete_order", {"order_id": oid})
        s.rebind(weather_only)
        assert s.call("get_weather", {"location": "Oslo"}).ok
        assert s.call("get_order", {"order_id": oid}).codes == ["call.unknown_tool"]
        s.rebind(shop)
        assert s.call("get_order", {"order_id": oid}).ok  # the deletion was forgotten


HUNGRY = """
def get_weather(location, unit="celsius"):
    if location == "huge":
        return {"text": "a" * 100_000_000}
    return {"blob": "a" * 10_000_000_000}
"""


def test_an_implementation_over_the_memory_limit_is_a_crash_and_loses_its_worker(
    shop_specs: list[ToolSpec], process: MockRunner
) -> None:
    bundle = compile_toolset(shop_specs, impl_source=HUNGRY)
    s = process.session(bundle)
    worker = s.session.worker  # type: ignore[attr-defined]
    greedy = s.call("get_weather", {"location": "Oslo"})
    assert greedy.status == 502 and greedy.codes == ["exec.crash"], greedy.findings
    assert "memory" in greedy.findings[0]["message"]
    assert s.session.worker is not worker  # type: ignore[attr-defined]
    huge = s.call("get_weather", {"location": "huge"})
    assert huge.codes == ["exec.error"] and "output" in huge.findings[0]["message"], huge
    assert s.call("create_order", {"item": "tea", "quantity": 1}).ok  # the session goes on
    s.close()
