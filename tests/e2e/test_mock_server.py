"""Journey: a real mock server on loopback (process sandbox), called over HTTP and MCP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mcp import Client

from mock_apis import SESSION_HEADER, MockRunner, compile_toolset
from tests.toolproof.live import uvicorn_thread
from toolspec import ToolSpec, import_tools

TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
     "parameters": {"type": "object", "properties": {"location": {"type": "string"}},
                    "required": ["location"]}}},
    {"type": "function", "function": {"name": "book_table", "description": "Book a table",
     "parameters": {"type": "object", "properties": {"restaurant": {"type": "string"},
                    "people": {"type": "integer", "minimum": 1}}, "required": ["restaurant"]}}},
    {"type": "function", "function": {"name": "cancel_table", "description": "Cancel a booking",
     "parameters": {"type": "object", "properties": {"table_id": {"type": "string"}},
                    "required": ["table_id"]}}},
    {"name": "Market Trends API", "description": "Latest market trends",
     "parameters": {"type": "object", "properties": {"kind": {"type": "string"}}}},
]  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    from mock_apis import create_app

    specs: list[ToolSpec] = import_tools(TOOLS)
    bundle = compile_toolset(specs)
    with (
        MockRunner("process") as runner,
        uvicorn_thread(create_app(bundle, runner, host="127.0.0.1")) as url,
    ):
        yield url


def test_http_calls_share_state_within_a_session(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as http:
        s1 = {SESSION_HEADER: "journey"}
        booked = http.post(
            "/tools/book_table", json={"restaurant": "Chez Lu", "people": 2}, headers=s1
        )
        assert booked.status_code == 200, booked.text
        table_id = booked.json()["result"]["table_id"]
        cancelled = http.post("/tools/cancel_table", json={"table_id": table_id}, headers=s1)
        assert cancelled.json()["result"]["status"] == "cancelled"
        assert cancelled.json()["result"]["restaurant"] == "Chez Lu"
        bad = http.post("/tools/book_table", json={"people": 0}, headers=s1)
        assert bad.status_code == 422
        codes = sorted(f["code"] for f in bad.json()["findings"])
        assert codes == ["call.missing_required", "call.range_violation"]


def test_concurrent_calls_are_batched_and_all_answered(server: str) -> None:
    async def run() -> list[int]:
        async with httpx.AsyncClient(base_url=server, timeout=60) as http:
            calls = [
                http.post("/tools/get_weather", json={"location": f"City {i}"},
                          headers={SESSION_HEADER: f"s{i % 3}"})
                for i in range(60)
            ]  # fmt: skip
            return [r.status_code for r in await asyncio.gather(*calls)]

    assert asyncio.run(run()) == [200] * 60


def test_mcp_lists_and_calls_the_same_tools(server: str) -> None:
    async def run() -> tuple[set[str], Any, Any]:
        async with Client(f"{server}/mcp") as client:
            listed = await client.list_tools()
            ok = await client.call_tool("get_weather", {"location": "Oslo"})
            bad = await client.call_tool("get_weather", {"location": 5})
            return {t.name for t in listed.tools}, ok, bad

    names, ok, bad = asyncio.run(run())
    assert names == {"get_weather", "book_table", "cancel_table", "Market_Trends_API"}
    assert not ok.is_error
    assert json.loads(ok.content[0].text)["location"] == "Oslo"
    assert ok.structured_content["location"] == "Oslo"
    assert bad.is_error
    assert json.loads(bad.content[0].text)["findings"][0]["code"] == "call.type_mismatch"
