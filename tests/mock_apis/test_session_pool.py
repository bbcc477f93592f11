"""Mock sessions by owner: owners never evict each other; bounds in all and per owner."""

from __future__ import annotations

import asyncio

from mock_apis import MockBundle, MockRunner
from mock_apis._server._sessions import SessionPool


def _run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_another_owner_cannot_evict_a_session_or_its_state(
    shop: MockBundle, inprocess: MockRunner
) -> None:
    async def scenario() -> None:
        pool = SessionPool(inprocess, max_sessions=8, max_per_owner=4)
        created = await pool.call("s", "create_order", {"item": "tea", "quantity": 1}, "a", shop)
        order = created.result["order_id"]
        for n in range(20):  # b churns through many more sessions than it may keep
            assert (await pool.call(f"b{n}", "search_orders", {"item": "x"}, "b", shop)).ok
        assert len(pool.owners["b"]) == 4 and pool.total == 5
        got = await pool.call("s", "get_order", {"order_id": order}, "a", shop)
        assert got.ok and got.result == created.result  # a's state survived
        other = await pool.call("s", "get_order", {"order_id": order}, "b", shop)
        assert other.result != created.result  # same session name, other owner: not a's
        pool.close()

    _run(scenario())


def test_the_global_bound_refuses_an_owner_with_nothing_to_give_up(
    shop: MockBundle, inprocess: MockRunner
) -> None:
    async def scenario() -> None:
        pool = SessionPool(inprocess, max_sessions=3, max_per_owner=2)
        for owner, key in (("a", "1"), ("a", "2"), ("b", "1")):
            assert (await pool.call(key, "search_orders", {"item": "x"}, owner, shop)).ok
        refused = await pool.call("1", "search_orders", {"item": "x"}, "c", shop)
        assert refused.status == 429 and refused.codes == ["sandbox.sessions_full"]
        again = await pool.call("2", "search_orders", {"item": "x"}, "b", shop)
        assert again.ok and pool.total == 3  # b gave up its own least recently used
        assert list(pool.owners["b"]) == [(shop.sha256, "2")]
        assert await pool.drop("2", "b", shop) and pool.total == 2
        pool.close()

    _run(scenario())
