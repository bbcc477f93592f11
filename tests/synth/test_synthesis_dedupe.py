"""Near-duplicate detection of the API pool: signatures, text similarity, names."""

from __future__ import annotations

from synth import Deduper, signature
from toolspec import ToolSpec


def spec(name: str, description: str, props: dict[str, object]) -> ToolSpec:
    return ToolSpec(
        name=name, description=description, parameters={"type": "object", "properties": props}
    )


CITY = {"type": "string", "description": "The city."}


def test_signature_ignores_case_and_separators() -> None:
    a = spec("getWeather", "Weather now.", {"City": CITY})
    b = spec("get_weather", "Current conditions.", {"city": CITY})
    assert signature(a) == signature(b) == "get weather(city:string)"


def test_signature_sees_types() -> None:
    a = spec("f", "x", {"n": {"type": "integer"}})
    b = spec("f", "x", {"n": {"type": "string"}})
    assert signature(a) != signature(b)


def test_deduper_rejects_same_name_signature_and_similar_text() -> None:
    d = Deduper()
    first = spec("search_hotels", "Search hotels in a city for a number of guests.", {"city": CITY})
    assert d.reason(first) is None
    d.add(first)
    assert "named" in (d.reason(first) or "")
    assert "signature" in (d.reason(spec("searchHotels", "Other words.", {"City": CITY})) or "")
    reworded = spec(
        "find_hotels", "Search the hotels in a city for a number of guests.", {"city": CITY}
    )
    assert "similar" in (d.reason(reworded) or "")
    different = spec("book_flight", "Book a flight between two airports.", {"origin": CITY})
    assert d.reason(different) is None
    assert len(d) == 1


def test_threshold_is_a_knob() -> None:
    strict = Deduper(threshold=0.99)
    a = spec("a_tool", "Search hotels in a city for guests.", {"city": CITY})
    strict.add(a)
    b = spec("b_tool", "Search hotels in a city for guests now.", {"city": CITY})
    assert strict.reason(b) is None


def test_prefix_filter_misses_no_duplicate_that_comparing_all_pairs_finds() -> None:
    """The index probes only each tool's rarest words; it must agree with brute force."""
    import random

    from synth._dedupe import jaccard, operation, text_words

    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(40)]
    specs = []
    for i in range(400):
        chosen = rng.sample(vocab[: rng.randint(10, 40)], rng.randint(3, 9))
        specs.append(spec(f"search_things_{i}", " ".join(chosen), {}))
    d = Deduper(threshold=0.6)
    kept: list[ToolSpec] = []
    for s in specs:
        brute = any(
            operation(k.name) == operation(s.name) and jaccard(text_words(k), text_words(s)) >= 0.6
            for k in kept
        )
        assert (d.reason(s) is not None) == brute, s.description
        if not brute:
            d.add(s)
            kept.append(s)
    assert 20 < len(kept) < 400
