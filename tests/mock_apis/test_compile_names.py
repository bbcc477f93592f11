"""Tool names → identifiers, operation kinds and entities."""

from __future__ import annotations

import pytest

from mock_apis._compiler._names import classify, identifier, words


@pytest.mark.parametrize(
    ("name", "ident"),
    [
        ("get_weather", "get_weather"),
        ("Market Trends API", "Market_Trends_API"),
        ("math.factorial", "math_factorial"),
        ("_private", "private"),
        ("3d_render", "t_3d_render"),
        ("class", "t_class"),
        ("PLANS", "t_PLANS"),
        ("Café Finder", "Cafe_Finder"),
        ("!!!", ""),
    ],
)
def test_identifier(name: str, ident: str) -> None:
    assert identifier(name) == ident


def test_words_split_every_casing() -> None:
    assert words("getOrderByID") == ["get", "order", "by", "id"]
    assert words("Get Futures Prices") == ["get", "futures", "prices"]


@pytest.mark.parametrize(
    ("name", "kind", "entity"),
    [
        ("create_order", "create", "order"),
        ("getOrderDetails", "get", "order"),
        ("cancel_order", "cancel", "order"),
        ("order_cancel", "cancel", "order"),
        ("search_orders", "search", "order"),
        ("get_orders", "list", "order"),
        ("book_flight", "create", "flight"),
        ("delete_user_account", "delete", "account"),
        ("get_news", "get", "news"),
        ("Market Trends API", "action", "market_trend"),
        ("count_pronunciation_checks", "action", "pronunciation_check"),
        ("export_cabins", "action", "cabin"),
        ("batch_get_heating_oil_deliveries", "list", "heating_oil_delivery"),
        ("", "action", None),
    ],
)
def test_classify(name: str, kind: str, entity: str | None) -> None:
    assert classify(name) == (kind, entity)


def test_a_dotted_name_is_classified_by_its_function_part() -> None:
    assert classify("music_composer.create_mix") == ("create", "mix")
    assert classify("math.factorial") == ("action", "factorial")
