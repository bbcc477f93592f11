"""Sayable argument values: schema-valid, realistic, stated verbatim."""

from __future__ import annotations

import random

import pytest

from synth._values import Picker, say, valid


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("departure", {"type": "string", "format": "date"}),
        ("at", {"type": "string", "format": "date-time"}),
        ("start", {"type": "string", "format": "time"}),
        ("contact", {"type": "string", "format": "email"}),
        ("ref", {"type": "string", "format": "uuid"}),
        ("n", {"type": "integer", "minimum": 3, "maximum": 5}),
        ("x", {"type": "number", "exclusiveMinimum": 0, "maximum": 1}),
        ("mode", {"type": "string", "enum": ["a", "b"]}),
        (
            "tags",
            {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 2,
                "maxItems": 2,
                "uniqueItems": True,
            },
        ),
        ("code", {"type": "string", "pattern": "^[A-Z]{3}$", "description": "currency code"}),
        ("o", {"type": "object", "properties": {"k": {"type": "boolean"}}, "required": ["k"]}),
    ],
)
def test_values_satisfy_their_schema(name: str, schema: dict[str, object]) -> None:
    picker = Picker()
    rng = random.Random(1)
    for _ in range(20):
        assert valid(picker.value(name, schema, rng), schema)


def test_names_and_hints_choose_realistic_values() -> None:
    rng = random.Random(3)
    picker = Picker({"/properties/when": "date", "/properties/money": "iso4217"})
    assert picker.value("origin_city", {"type": "string"}, rng) in (
        "Paris",
        "Berlin",
        "Tokyo",
        "Madrid",
        "Chicago",
        "Toronto",
        "Sydney",
        "Lisbon",
        "Seoul",
        "Nairobi",
        "Denver",
        "Oslo",
    )
    when = picker.value("when", {"type": "string"}, rng, "/properties/when")
    assert valid(when, {"type": "string", "format": "date"})
    assert picker.value("money", {"type": "string"}, rng, "/properties/money") in (
        "USD",
        "EUR",
        "GBP",
        "JPY",
        "CHF",
    )
    assert "-" in picker.value("order_id", {"type": "string"}, rng)


def test_call_gives_up_on_an_unsatisfiable_schema() -> None:
    params = {
        "type": "object",
        # A pattern no string of at most three characters can match.
        "properties": {"v": {"type": "string", "pattern": "^q{9}$", "maxLength": 3}},
        "required": ["v"],
    }
    assert Picker().call(params, random.Random(0)) is None


def test_say_spells_values_out() -> None:
    assert say(["Paris", "Oslo", "Rome"]) == "Paris, Oslo and Rome"
    assert say({"page_size": 5}) == "page size 5"
    assert say(True) == "yes" and say(2.5) == "2.5"
