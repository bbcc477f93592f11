"""The execution layer: calls executed against compiled mocks, outcomes as findings."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from mock_apis import MockRunner
from sandbox import FakeSandbox
from toolspec import ToolSpec
from verifier import Pipeline, Sample, ToolCall, Turn, check_rules
from verifier._exec import ExecLayer, looks_like_error, pair_calls

ORDER_TOOLS = [
    ToolSpec(
        name="create_order",
        description="Create an order for an item.",
        parameters={
            "type": "object",
            "properties": {"item": {"type": "string", "description": "Item to order."}},
            "required": ["item"],
        },
    ),
    ToolSpec(
        name="delete_order",
        description="Delete an order by its id.",
        parameters={
            "type": "object",
            "properties": {"order_id": {"type": "string", "description": "The order id."}},
            "required": ["order_id"],
        },
    ),
    ToolSpec(
        name="get_order",
        description="Get an order by its id.",
        parameters={
            "type": "object",
            "properties": {"order_id": {"type": "string", "description": "The order id."}},
            "required": ["order_id"],
        },
    ),
]

PRICE = ToolSpec(
    name="get_price",
    description="Price of a product.",
    parameters={
        "type": "object",
        "properties": {"product": {"type": "string", "description": "Product name."}},
        "required": ["product"],
    },
    output_schema={
        "type": "object",
        "properties": {"price": {"type": "number"}, "currency": {"type": "string"}},
        "required": ["price", "currency"],
    },
)


def dialog(tools: list[ToolSpec], *steps: tuple[str, dict[str, Any], Any]) -> Sample:
    turns = [Turn(role="user", content="please help")]
    for i, (name, args, response) in enumerate(steps):
        turns.append(Turn(role="assistant", calls=[ToolCall(name, args, id=f"c{i}")]))
        text = response if isinstance(response, str) else orjson.dumps(response).decode()
        turns.append(Turn(role="tool", content=text, name=name, call_id=f"c{i}"))
    turns.append(Turn(role="assistant", content="Done."))
    return Sample(index=0, id="s0", format="openai", tools=tools, turns=turns)


@pytest.fixture(scope="module")
def layer() -> Iterator[ExecLayer]:
    with MockRunner("inprocess") as runner:
        exec_layer = ExecLayer(runner)
        yield exec_layer
        exec_layer.close()


def codes(findings: list[Any]) -> list[tuple[str, str]]:
    return [(f.code, f.severity) for f in findings]


def test_clean_calls_execute_and_are_recorded(layer: ExecLayer) -> None:
    sample = dialog(ORDER_TOOLS, ("create_order", {"item": "tea"}, {"order_id": "o1"}))
    assert layer(sample) == []
    (record,) = sample.trace.calls
    assert record.ok and record.tool == "create_order" and record.response_turn == 2
    assert sample.trace.provenance["bundle_hash"]


def test_lookup_after_delete_contradicts_a_successful_response(layer: ExecLayer) -> None:
    create = ("create_order", {"item": "tea"}, {"order_id": "o1"})
    first = dialog(ORDER_TOOLS, create)
    layer(first)
    order_id = first.trace.calls[0].result["order_id"]
    sample = dialog(
        ORDER_TOOLS,
        create,
        ("delete_order", {"order_id": order_id}, {"deleted": True}),
        ("get_order", {"order_id": order_id}, {"order_id": order_id, "item": "tea"}),
    )
    found = codes(layer(sample))
    assert ("exec.error", "error") in found
    assert ("exec.response_mismatch", "error") in found
    # the same dialog whose dataset answer reports the failure is consistent
    honest = dialog(
        ORDER_TOOLS,
        create,
        ("delete_order", {"order_id": order_id}, {"deleted": True}),
        ("get_order", {"order_id": order_id}, {"error": "order not found"}),
    )
    assert ("exec.response_mismatch", "error") not in codes(layer(honest))


def test_state_resets_between_samples(layer: ExecLayer) -> None:
    first = dialog(ORDER_TOOLS, ("create_order", {"item": "tea"}, {"order_id": "o1"}))
    layer(first)
    order_id = first.trace.calls[0].result["order_id"]
    cancel = dialog(ORDER_TOOLS, ("delete_order", {"order_id": order_id}, {"ok": True}))
    assert layer(cancel) == []
    # a new sample: the order deleted in the previous sample is not remembered
    lookup = dialog(ORDER_TOOLS, ("get_order", {"order_id": order_id}, {"item": "tea"}))
    assert layer(lookup) == []


def test_declared_output_schema(layer: ExecLayer) -> None:
    good = dialog([PRICE], ("get_price", {"product": "tea"}, {"price": 3.5, "currency": "EUR"}))
    assert layer(good) == []
    bad = dialog([PRICE], ("get_price", {"product": "tea"}, {"price": "cheap"}))
    (finding,) = layer(bad)
    assert finding.code == "exec.response_mismatch" and finding.turn == 1
    assert "declared output schema" in finding.message
    text = dialog([PRICE], ("get_price", {"product": "tea"}, "it costs 3 euros"))
    assert codes(layer(text)) == [("exec.response_mismatch", "error")]


@pytest.mark.timeout(20)
def test_a_catastrophic_output_schema_pattern_is_bounded(layer: ExecLayer) -> None:
    """The dataset's tool response is checked against the spec's output schema on the
    host: its patterns run on the bounded engine, not Python's re (minutes at 40 chars)."""
    evil = PRICE.model_copy(update={"output_schema": {
        "type": "object",
        "properties": {"currency": {"type": "string", "pattern": "^(a+)+$"}},
        "patternProperties": {"^(b+)+$": {"type": "number"}},
    }})  # fmt: skip
    started = time.perf_counter()
    for response in ({"currency": "a" * 40 + "!"}, {"b" * 40 + "!": 1, "currency": "aaa"}):
        layer(dialog([evil], ("get_price", {"product": "tea"}, response)))
    assert time.perf_counter() - started < 5


def test_argument_problems_are_left_to_the_rule_layer(layer: ExecLayer) -> None:
    sample = dialog(ORDER_TOOLS, ("create_order", {"item": 5}, {"order_id": "o1"}))
    assert layer(sample) == []
    (record,) = sample.trace.calls
    assert record.ok is False and record.outcome == "rejected"
    assert record.error == "`item` must be a string; got 5 (integer)"  # the rule layer's words
    assert check_rules(sample)[0].message == record.error


def test_a_call_to_no_tool_is_recorded_as_rejected(layer: ExecLayer) -> None:
    sample = dialog(
        ORDER_TOOLS,
        ("create_order", {"item": "tea"}, {"order_id": "o1"}),
        ("order_pizza", {"size": "L"}, {"ok": True}),
    )
    assert layer(sample) == []
    assert [(r.tool, r.outcome) for r in sample.trace.calls] == [
        ("create_order", "ok"),
        ("order_pizza", "rejected"),
    ]


def test_sandbox_timeouts_and_crashes_become_findings() -> None:
    def handler(entry: str, args: dict[str, Any], state: dict[str, Any]) -> Any:
        raise TimeoutError("ran past 5 s")

    with MockRunner(FakeSandbox(handler)) as runner:
        exec_layer = ExecLayer(runner)
        sample = dialog(ORDER_TOOLS, ("create_order", {"item": "tea"}, {"order_id": "o1"}))
        assert codes(exec_layer(sample)) == [("exec.timeout", "error")]
        exec_layer.close()


def test_pipeline_prefetches_windows_in_order(layer: ExecLayer) -> None:
    samples = []
    for i in range(10):
        s = dialog(ORDER_TOOLS, ("create_order", {"item": f"item {i}"}, {"order_id": "x"}))
        s.index, s.id = i, f"s{i}"
        samples.append(s)
    pipeline = Pipeline(["rules", "exec"], extra_layers={"exec": layer}, window=4)
    results = [r for _, r in pipeline.run(samples)]
    assert [r.index for r in results] == list(range(10))
    assert all(r.provenance["bundle_hash"] for r in results)


def test_real_process_sandbox_runs_a_sample() -> None:
    with MockRunner("process") as runner:
        exec_layer = ExecLayer(runner)
        sample = dialog(ORDER_TOOLS, ("create_order", {"item": "tea"}, {"order_id": "o1"}))
        assert exec_layer(sample) == []
        assert sample.trace.calls[0].ok
        exec_layer.close()


def test_pairing_follows_ids_then_names_then_order() -> None:
    turns = [
        Turn(role="user", content="x"),
        Turn(role="assistant", calls=[ToolCall("a", {}, "1"), ToolCall("b", {}, "2")]),
        Turn(role="tool", content="{}", call_id="2"),
        Turn(role="tool", content="{}", name="a"),
        Turn(role="assistant", calls=[ToolCall("c", {})]),
        Turn(role="user", content="y"),
    ]
    sites = pair_calls(Sample(index=0, id="0", format="openai", turns=turns))
    assert [(s.tool_call.name, s.response) for s in sites] == [("a", 3), ("b", 2), ("c", None)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"error": "nope"}, True),
        ({"status": "error"}, True),
        ({"message": "Order not found"}, True),
        ("Error: invalid id", True),
        ({"order_id": "o1"}, False),
        ([1, 2], False),
    ],
)
def test_error_like_responses(value: Any, expected: bool) -> None:
    assert looks_like_error(value) is expected


def test_sessions_are_reused_across_samples_and_toolsets() -> None:
    """One warm worker per thread: a new toolset rebinds it, state still starts empty."""
    with MockRunner("process") as runner:
        exec_layer = ExecLayer(runner)
        first = dialog(ORDER_TOOLS, ("create_order", {"item": "tea"}, {"order_id": "o1"}))
        price = dialog([PRICE], ("get_price", {"product": "tea"}, {"price": 1, "currency": "EUR"}))
        again = dialog(ORDER_TOOLS, ("create_order", {"item": "tea"}, {"order_id": "o1"}))
        for sample in (first, price, again):
            assert exec_layer(sample) == []
        assert len(exec_layer.sessions) == 1
        # same inputs, fresh state each time: the same deterministic answer
        assert first.trace.calls[0].result == again.trace.calls[0].result
        exec_layer.close()


@pytest.mark.timeout(60)
def test_a_catastrophic_pattern_never_runs_in_the_sandbox() -> None:
    """Patterns are matched on the host, by the argument check's bounded engine, before a
    call is sent: a hostile one costs no sandbox time and ends no worker."""
    from sandbox import Limits

    tool = ToolSpec(name="f", description="Does f.", parameters={
        "type": "object",
        "properties": {"a": {"type": "string", "pattern": "^(a+)+$", "description": "An a."}},
        "patternProperties": {"^(b+)+$": {"type": "integer"}},
    })  # fmt: skip
    with MockRunner("process", Limits(wall_s=1.0)) as runner:
        exec_layer = ExecLayer(runner)
        started = time.perf_counter()
        hostile = dialog([tool], ("f", {"a": "a" * 40 + "!"}, {}))
        assert exec_layer(hostile) == []
        assert [r.outcome for r in hostile.trace.calls] == ["rejected"]
        # no pattern names this key and the schema leaves other keys open: the call runs
        odd_key = dialog([tool], ("f", {"b" * 40 + "!": 1}, {}))
        assert exec_layer(odd_key) == []
        assert [r.outcome for r in odd_key.trace.calls] == ["ok"]
        assert time.perf_counter() - started < 10
        assert exec_layer(dialog([tool], ("f", {"a": "aaaa"}, {}))) == []
        exec_layer.close()


class _NoWorkers(FakeSandbox):
    """A sandbox whose sessions never start (no worker can be had)."""

    def session(self, bundle: Any, limits: Any = None) -> Any:
        from toolspec.errors import SandboxError

        raise SandboxError("no worker left")


def test_a_window_whose_session_cannot_start_is_exec_crash_for_each_sample() -> None:
    """Prefetched samples get the crash their lane's session gave; samples without calls
    keep their own findings, and the pipeline's order holds."""
    samples = []
    for i in range(6):
        s = dialog(ORDER_TOOLS, ("create_order", {"item": f"item {i}"}, {"order_id": "x"}))
        if i == 3:
            s = dialog(ORDER_TOOLS)  # no call: nothing to execute
        s.index, s.id = i, f"s{i}"
        samples.append(s)
    with MockRunner(_NoWorkers(lambda entry, args: None)) as runner:
        exec_layer = ExecLayer(runner, concurrency=2)
        pipeline = Pipeline(["rules", "exec"], extra_layers={"exec": exec_layer}, window=4)
        results = [r for _, r in pipeline.run(samples)]
        exec_layer.close()
    assert [r.index for r in results] == list(range(6))
    crashed = [[f.message for f in r.findings if f.code == "exec.crash"] for r in results]
    expected = ["no sandbox session could start: no worker left"]
    assert crashed == [expected, expected, expected, [], expected, expected]


def test_a_closed_layer_starts_no_worker_for_a_pipeline_still_running() -> None:
    """A request given up on may still run its pipeline after the layer closed: its next
    window stops it rather than starting workers that nobody would end."""
    from sandbox import SessionClosedError

    fake = FakeSandbox(lambda entry, args: {"ok": True, "result": {}})
    with MockRunner(fake) as runner:
        exec_layer = ExecLayer(runner, concurrency=1)
        exec_layer.close()
        sample = dialog(ORDER_TOOLS, ("create_order", {"item": "tea"}, {"order_id": "o1"}))
        with pytest.raises(SessionClosedError):
            exec_layer.prefetch([sample])
        assert fake.sessions == []
