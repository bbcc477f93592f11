"""A mock's quote for a named company carries that company's ticker, never another's."""

from __future__ import annotations

import pytest

from mock_apis import MockRunner, compile_toolset
from toolspec import ToolSpec

QUOTE = ToolSpec(
    name="get_stock_quote",
    description="Latest quote of a company's stock",
    parameters={"type": "object", "required": ["company"],
                "properties": {"company": {"type": "string", "description": "Company name"}}},
)  # fmt: skip


@pytest.mark.parametrize(
    ("company", "symbol"),
    [("Apple", "AAPL"), ("Tesla Inc", "TSLA"), ("Zebra Technologies", "ZEBR")],
)
def test_the_symbol_follows_the_company(company: str, symbol: str) -> None:
    with MockRunner("inprocess") as runner, runner.session(compile_toolset([QUOTE])) as s:
        answer = s.call("get_stock_quote", {"company": company})
    assert answer.ok and answer.result["symbol"] == symbol
