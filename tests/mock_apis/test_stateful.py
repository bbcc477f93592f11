"""Stateful toolsets: one session sees its own creates, updates, cancels and deletes."""

from __future__ import annotations

import re

from mock_apis import MockBundle, MockRunner


def test_create_then_look_up_update_cancel_delete(shop: MockBundle, inprocess: MockRunner) -> None:
    s = inprocess.session(shop)
    created = s.call("create_order", {"item": "green tea", "quantity": 2})
    assert created.ok
    order_id = created.result["order_id"]
    assert re.fullmatch(r"ORD-\d{6}", order_id)  # the pattern get_order demands
    assert created.result["status"] == "created"
    got = s.call("get_order", {"order_id": order_id})
    assert got.result == created.result
    updated = s.call("update_order", {"order_id": order_id, "quantity": 5})
    assert updated.result["quantity"] == 5
    assert s.call("get_order", {"order_id": order_id}).result["quantity"] == 5
    assert s.call("cancel_order", {"order_id": order_id}).result["status"] == "cancelled"
    assert s.call("get_order", {"order_id": order_id}).result["status"] == "cancelled"
    deleted = s.call("delete_order", {"order_id": order_id})
    assert deleted.ok and deleted.result["deleted"] is True
    gone = s.call("get_order", {"order_id": order_id})
    assert gone.status == 404 and gone.codes == ["exec.error"]
    assert s.call("cancel_order", {"order_id": order_id}).status == 404


def test_search_finds_what_the_session_created(shop: MockBundle, inprocess: MockRunner) -> None:
    s = inprocess.session(shop)
    mine = s.call("create_order", {"item": "oolong", "quantity": 1}).result["order_id"]
    found = s.call("search_orders", {"item": "oolong"}).result
    assert mine in [r["order_id"] for r in found["results"]]
    assert all(r["item"] == "oolong" for r in found["results"])
    assert found["count"] == len(found["results"])
    again = s.call("search_orders", {"item": "oolong"}).result
    assert again["results"] == found["results"]  # what a search showed is remembered
    assert s.call("search_orders", {"item": "oolong", "limit": 1}).result["count"] == 1


def test_open_world_lookups_are_plausible_and_remembered(
    shop: MockBundle, inprocess: MockRunner
) -> None:
    s = inprocess.session(shop)
    first = s.call("get_order", {"order_id": "ORD-424242"})
    assert first.ok and first.result["order_id"] == "ORD-424242"
    assert isinstance(first.result["item"], str) and first.result["quantity"] >= 1
    assert s.call("get_order", {"order_id": "ORD-424242"}).result == first.result
    other = inprocess.session(shop).call("get_order", {"order_id": "ORD-424242"})
    assert other.result == first.result  # seeded by the id: every session agrees


def test_sessions_are_isolated_and_reset(shop: MockBundle, inprocess: MockRunner) -> None:
    a, b = inprocess.session(shop), inprocess.session(shop)
    oid = a.call("create_order", {"item": "chai", "quantity": 3}).result["order_id"]
    a.call("delete_order", {"order_id": oid})
    assert a.call("get_order", {"order_id": oid}).status == 404
    assert b.call("get_order", {"order_id": oid}).ok  # b never deleted it
    a.reset()
    assert a.call("get_order", {"order_id": oid}).ok


def test_repeated_creates_make_distinct_records(shop: MockBundle, inprocess: MockRunner) -> None:
    s = inprocess.session(shop)
    args = {"item": "mate", "quantity": 1}
    one, two = s.call("create_order", args), s.call("create_order", args)
    assert one.result["order_id"] != two.result["order_id"]
    fresh = inprocess.session(shop).call("create_order", args)
    assert fresh.result == one.result  # a replayed dialog gets the same answers


def test_ids_take_the_format_other_tools_demand(inprocess: MockRunner) -> None:
    from mock_apis import compile
    from toolspec import ToolSpec

    def spec(name: str, props: dict[str, object], hints: dict[str, str] | None = None) -> ToolSpec:
        params = {"type": "object", "properties": props, "required": list(props)}
        return ToolSpec(name=name, parameters=params, hints=hints or {})

    booking = compile([
        spec("book_room", {"hotel": {"type": "string"}}),
        spec("get_booking", {"booking_id": {"type": "string", "format": "uuid"}}),
    ])  # fmt: skip
    made = inprocess.session(booking).call("book_room", {"hotel": "Ritz"}).result
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}"
    assert re.fullmatch(uuid, made["booking_id"]) and made["hotel"] == "Ritz"
    stated = compile([
        spec("create_ticket", {"title": {"type": "string"}}),
        spec("delete_ticket", {"ticket_id": {"type": "string"}}),
        spec("get_ticket", {"ticket_id": {"type": "string"}}, {"/properties/ticket_id": "uuid"}),
    ])  # fmt: skip
    ticket = inprocess.session(stated).call("create_ticket", {"title": "Printer"}).result
    assert len(ticket["ticket_id"]) == 36  # a format stated only in a description counts too
