"""Fixtures: a small stateful toolset, compiled once, and an in-process runner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mock_apis import MockBundle, MockRunner, compile
from toolspec import ToolSpec


def tool(
    name: str, desc: str, props: dict[str, Any], required: list[str] | None = None
) -> ToolSpec:
    params = {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
    }
    return ToolSpec(name=name, description=desc, parameters=params)


STR: dict[str, Any] = {"type": "string"}
SHOP = [
    tool("create_order", "Place an order for an item",
         {"item": STR, "quantity": {"type": "integer", "minimum": 1, "maximum": 99},
          "email": {"type": "string", "format": "email"}}, ["item", "quantity"]),
    tool("get_order", "Look up an order by id",
         {"order_id": {"type": "string", "pattern": r"^ORD-\d{6}$"}}),
    tool("update_order", "Change the quantity of an order",
         {"order_id": STR, "quantity": {"type": "integer", "minimum": 1}}),
    tool("cancel_order", "Cancel an order", {"order_id": STR}),
    tool("delete_order", "Delete an order", {"order_id": STR}),
    tool("search_orders", "Find orders by item", {"item": STR, "limit": {"type": "integer"}}, []),
    tool("get_weather", "Current weather in a city",
         {"location": STR, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"],
                                    "default": "celsius"}}, ["location"]),
    tool("Market Trends API", "Latest market trends",
         {"trend_type": {"enum": ["GAINERS", "LOSERS"]}}),
]  # fmt: skip


@pytest.fixture(scope="session")
def shop_specs() -> list[ToolSpec]:
    return list(SHOP)


@pytest.fixture(scope="session")
def shop() -> MockBundle:
    return compile(SHOP)


@pytest.fixture
def inprocess() -> Iterator[MockRunner]:
    with MockRunner("inprocess") as runner:
        yield runner
