"""Normalisation used for grounding: text, numbers, dates, times."""

from __future__ import annotations

import pytest

from verifier._judge import _normalize as nz
from verifier._judge._client import RetryPolicy


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("New-York,  NY!", "new york ny"),
        ("São Paulo", "sao paulo"),
        ("5 Kilometers", "5 km"),
        ("$1,200", "usd 1200"),
        ("50%", "50 percent"),
    ],
)
def test_norm(text: str, expected: str) -> None:
    assert nz.norm(text) == expected


@pytest.mark.parametrize(
    ("text", "contains"),
    [
        ("1,000 rows", {1000.0}),
        ("5 km", {5.0}),
        ("1.5 million", {1_500_000.0, 1.5}),
        ("5k users", {5000.0}),
        ("20% off", {20.0, 0.2}),
        ("twenty-five", {25.0}),
        ("two tickets", {2.0}),
        ("a dozen eggs", {12.0}),
        ("-74.006", {-74.006, 74.006}),
    ],
)
def test_numbers(text: str, contains: set[float]) -> None:
    assert contains <= nz.numbers(text)


def test_numbers_do_not_come_from_inside_words() -> None:
    assert nz.numbers("mp3 player, covid19") == set()


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("March 5th, 2024", (2024, 3, 5)),
        ("5 March 2024", (2024, 3, 5)),
        ("the 5th of March, 2024", (2024, 3, 5)),
        ("2024-03-05", (2024, 3, 5)),
        ("2024/03/05", (2024, 3, 5)),
        ("05/03/2024", (2024, 3, 5)),
        ("05/03/2024", (2024, 5, 3)),
        ("05.03.24", (2024, 3, 5)),
        ("on Dec 25", (None, 12, 25)),
        ("March 2024", (2024, 3, 0)),
    ],
)
def test_dates(text: str, date: nz.Date) -> None:
    assert date in nz.dates(text)


def test_relative_and_impossible_dates_are_not_dates() -> None:
    assert nz.dates("tomorrow, next Friday, in two weeks") == set()
    assert nz.dates("2024-13-45") == set()


@pytest.mark.parametrize(
    ("text", "hm"),
    [
        ("at 3 pm", (15, 0)),
        ("10:30 AM", (10, 30)),
        ("12am", (0, 0)),
        ("at noon", (12, 0)),
        ("2024-03-05T15:45:00", (15, 45)),
    ],
)
def test_times(text: str, hm: tuple[int, int]) -> None:
    assert hm in nz.times(text.replace("T", " "))


@pytest.mark.parametrize(
    ("value", "is_date"),
    [
        ("2024-03-05", True),
        ("March 5, 2024", True),
        ("05/03/2024", True),
        ("Paris", False),
        ("12345", False),
        ("May I", False),
    ],
)
def test_looks_like_date(value: str, is_date: bool) -> None:
    assert nz.looks_like_date(value) is is_date


def test_backoff_grows_with_jitter_and_retry_after_is_capped() -> None:
    policy = RetryPolicy(backoff=1.0, max_backoff=8.0, max_retry_after=30.0)
    for attempt, base in [(0, 1.0), (1, 2.0), (2, 4.0), (5, 8.0)]:
        delays = {policy.delay(attempt, None) for _ in range(50)}
        assert all(base / 2 <= d <= base for d in delays)
        assert len(delays) > 1
    assert policy.delay(3, 2.5) == 2.5
    assert policy.delay(0, 600.0) == 30.0
    assert policy.delay(0, -5.0) == 0.0
