"""Rule layer throughput: ``check_rules`` per sample against ``jsonschema.validate`` per call.

Workload: ~20,000 OpenAI-format samples generated in memory from a fixed seed, each with
2-4 tools (enums, formats, nested objects, bounds) and 1-2 calls answered by tool turns;
about 4 % of calls are broken on purpose. Every sample gets its *own* ``ToolSpec``
objects, as a reader builds them per record, so the cache-key computation is timed too.

Figures (samples/s): the naive baseline (``jsonschema.validate(args, schema)`` per call,
which re-checks the schema every time, as most pipelines do), a cached
``Draft202012Validator`` per tool, the raw fast validators (``jsonschema_rs`` — the one
``check_rules`` uses — and ``fastjsonschema``) on calls alone, and ``check_rules``, which
does all the rule checks (spec, calls, formats, hints, dialog, consistency).
Rates are per CPU second of this one process (``time.process_time``), best of three
passes, so other work on a shared machine distorts them less. The compile cache is keyed
by content; its identity shortcut (for readers that reuse objects) holds only the last
4,096 objects of 60,000, so nearly every lookup computes its key in every pass. Only the
first pass compiles (printed separately).
Targets (issue 3): ≥ 20,000 samples/s and ≥ 10 times the naive baseline.
"""

from __future__ import annotations

import contextlib
import copy
import random
import time
from collections.abc import Callable
from typing import Any

import fastjsonschema
import jsonschema
import jsonschema_rs

from toolspec import ToolSpec
from verifier import Sample, ToolCall, Turn, check_rules
from verifier._rules import clear_cache

N_SAMPLES = 20_000
N_NAIVE = 1_000  # the naive baseline is slow; its rate is measured on a prefix
SEED = 20261128
BROKEN_RATE = 0.04

_CITIES = ["Paris", "Berlin", "Tokyo", "Lima", "Oslo", "Austin", "Cairo", "Delhi"]


def _tool(i: int) -> tuple[dict[str, Any], Callable[[random.Random], dict[str, Any]]]:
    """One tool template (name, description, parameters) and a valid-argument generator."""
    kind = i % 5
    verbs = ["get_weather", "book_flight", "convert_currency", "find_places", "send_invite"]
    name = f"{verbs[kind]}_{i}"
    if kind == 0:
        params = {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name", "minLength": 1},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"],
                         "description": "Temperature unit"},
                "days": {"type": "integer", "minimum": 1, "maximum": 14,
                         "description": "Forecast length in days"},
            },
            "required": ["city"],
        }  # fmt: skip

        def gen(r: random.Random) -> dict[str, Any]:
            return {"city": r.choice(_CITIES), "unit": r.choice(["celsius", "fahrenheit"]),
                    "days": r.randint(1, 14)}  # fmt: skip
    elif kind == 1:
        params = {
            "type": "object",
            "properties": {
                "origin": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "IATA code"},
                "destination": {"type": "string", "pattern": "^[A-Z]{3}$",
                                "description": "IATA code of the arrival airport"},
                "date": {"type": "string", "format": "date", "description": "Departure day"},
                "passengers": {"type": "array", "minItems": 1, "maxItems": 9,
                               "description": "Travellers",
                               "items": {"type": "object", "description": "A traveller",
                                         "properties": {
                                             "name": {"type": "string", "description": "Full name"},
                                             "age": {"type": "integer", "minimum": 0,
                                                     "description": "Age in years"}},
                                         "required": ["name"]}},
                "cabin": {"type": "string", "enum": ["economy", "business", "first"],
                          "description": "Cabin class"},
            },
            "required": ["origin", "destination", "date"],
        }  # fmt: skip

        def gen(r: random.Random) -> dict[str, Any]:
            return {"origin": r.choice(["CDG", "JFK", "NRT"]), "destination": "LIM",
                    "date": f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
                    "passengers": [{"name": "Ana Ruiz", "age": r.randint(1, 90)}],
                    "cabin": r.choice(["economy", "business"])}  # fmt: skip
    elif kind == 2:
        params = {
            "type": "object",
            "properties": {
                "amount": {"type": "number", "exclusiveMinimum": 0,
                           "description": "Sum to convert"},
                "from_currency": {"type": "string", "description": "Source currency, ISO 4217"},
                "to_currency": {"type": "string", "description": "Target currency, ISO 4217"},
            },
            "required": ["amount", "from_currency", "to_currency"],
        }  # fmt: skip

        def gen(r: random.Random) -> dict[str, Any]:
            return {"amount": round(r.uniform(1, 1000), 2),
                    "from_currency": r.choice(["USD", "EUR"]), "to_currency": "JPY"}  # fmt: skip
    elif kind == 3:
        params = {
            "type": "object",
            "properties": {
                "center": {"type": "object", "description": "Search centre",
                           "properties": {
                               "lat": {"type": "number", "minimum": -90, "maximum": 90,
                                       "description": "Latitude"},
                               "lon": {"type": "number", "minimum": -180, "maximum": 180,
                                       "description": "Longitude"}},
                           "required": ["lat", "lon"]},
                "radius_m": {"type": "integer", "minimum": 1, "description": "Radius in metres"},
                "category": {"type": "string", "enum": ["cafe", "museum", "park", "pharmacy"],
                             "description": "Kind of place"},
            },
            "required": ["center"],
        }  # fmt: skip

        def gen(r: random.Random) -> dict[str, Any]:
            return {"center": {"lat": r.uniform(-90, 90), "lon": r.uniform(-180, 180)},
                    "radius_m": r.randint(1, 5000), "category": "park"}  # fmt: skip
    else:
        params = {
            "type": "object",
            "properties": {
                "email": {"type": "string", "format": "email", "description": "Invitee address"},
                "start": {"type": "string", "format": "date-time", "description": "Start time"},
                "event_id": {"type": "string", "format": "uuid", "description": "Event UUID"},
                "note": {"type": "string", "maxLength": 200, "description": "Message to add"},
            },
            "required": ["email", "start"],
        }  # fmt: skip

        def gen(r: random.Random) -> dict[str, Any]:
            return {"email": f"user{r.randint(1, 99)}@example.org",
                    "start": f"2025-03-{r.randint(1, 28):02d}T09:30:00Z",
                    "event_id": "0b7e5a58-2f4e-4d43-9b8a-7d3f5d3c2a11"}  # fmt: skip

    spec = {"name": name, "description": f"{name.split('_')[0].title()} things via {name}",
            "parameters": params}  # fmt: skip
    return spec, gen


def _break(args: dict[str, Any], r: random.Random) -> dict[str, Any]:
    bad = copy.deepcopy(args)
    key = r.choice(sorted(bad))
    how = r.randrange(3)
    if how == 0:
        bad[key] = [bad[key]]  # wrong type
    elif how == 1:
        del bad[key]  # possibly a missing required parameter
        bad["unexpected"] = 1
    else:
        bad[key] = "12/25/2024"
    return bad


def make_samples(n: int = N_SAMPLES, seed: int = SEED) -> list[Sample]:
    """The benchmark's samples, deterministic for a seed."""
    r = random.Random(seed)
    pool = [_tool(i) for i in range(40)]
    hints = {"/properties/from_currency": "iso4217", "/properties/to_currency": "iso4217"}
    samples = []
    for i in range(n):
        chosen = r.sample(pool, r.randint(2, 4))
        tools = [
            ToolSpec(**spec, hints=hints if "currency" in spec["name"] else {})
            for spec, _ in chosen
        ]
        turns = [Turn("user", "Please help me with my plans for next week.")]
        calls = []
        for c in range(r.randint(1, 2)):
            spec, gen = r.choice(chosen)
            args = gen(r)
            if r.random() < BROKEN_RATE:
                args = _break(args, r)
            calls.append(ToolCall(spec["name"], args, id=f"call_{i}_{c}"))
        turns.append(Turn("assistant", None, calls))
        turns += [Turn("tool", '{"ok": true}', name=c.name, call_id=c.id) for c in calls]
        turns.append(Turn("assistant", "Done: everything is booked."))
        samples.append(Sample(index=i, id=str(i), format="openai", tools=tools, turns=turns))
    return samples


def _calls(sample: Sample) -> list[tuple[ToolCall, ToolSpec]]:
    by_name = {t.name: t for t in sample.tools}
    return [(c, by_name[c.name]) for t in sample.turns for c in t.calls if c.name in by_name]


def _rate(
    label: str, samples: list[Sample], fn: Callable[[Sample], object], repeat: int = 3
) -> float:
    """Best of ``repeat`` passes, in samples per CPU second of this process."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for s in samples:
            fn(s)
        best = min(best, time.process_time() - started)
    rate = len(samples) / best
    print(f"{label:<58} {rate:>10,.0f} samples/s")
    return rate


def main() -> None:
    samples = make_samples()
    n_calls = sum(len(t.calls) for s in samples for t in s.turns)
    print(f"{len(samples):,} samples, {n_calls:,} calls, seed {SEED}")

    def naive(s: Sample) -> None:
        for call, spec in _calls(s):
            with contextlib.suppress(jsonschema.ValidationError):
                jsonschema.validate(call.arguments, spec.parameters)

    checker = jsonschema.FormatChecker()
    cached: dict[str, jsonschema.Draft202012Validator] = {}
    rs: dict[str, Any] = {}
    fjs: dict[str, Any] = {}

    def cached_js(s: Sample) -> None:
        for call, spec in _calls(s):
            v = cached.get(spec.name)
            if v is None:
                v = cached[spec.name] = jsonschema.Draft202012Validator(
                    spec.parameters, format_checker=checker
                )
            v.is_valid(call.arguments)

    def rust(s: Sample) -> None:
        for call, spec in _calls(s):
            v = rs.get(spec.name)
            if v is None:
                v = rs[spec.name] = jsonschema_rs.validator_for(
                    spec.parameters, validate_formats=True
                )
            v.is_valid(call.arguments)

    def fast(s: Sample) -> None:
        for call, spec in _calls(s):
            v = fjs.get(spec.name)
            if v is None:
                v = fjs[spec.name] = fastjsonschema.compile(spec.parameters)
            with contextlib.suppress(fastjsonschema.JsonSchemaException):
                v(call.arguments)

    base = _rate(
        "naive: jsonschema.validate per call (baseline)", samples[:N_NAIVE], naive, repeat=1
    )
    _rate("cached jsonschema Draft202012Validator.is_valid per call", samples, cached_js)
    _rate("fastjsonschema compiled, per call (validation only)", samples, fast)
    _rate("jsonschema_rs compiled, per call (validation only)", samples, rust)
    clear_cache()
    cold = _rate("toolproof check_rules, first pass (compiles every tool)", samples,
                 check_rules, repeat=1)  # fmt: skip
    ours = _rate("toolproof check_rules per sample (all rule checks)", samples, check_rules)
    flagged = sum(1 for s in samples if any(f.severity == "error" for f in check_rules(s)))
    print(f"samples with an error finding: {flagged:,} ({flagged / len(samples):.1%})")
    print(f"ratio check_rules / naive baseline: {ours / base:.1f}x (target >= 10x); "
          f"first pass {cold / base:.1f}x")  # fmt: skip
    print(f"target >= 20,000 samples/s: {'met' if ours >= 20_000 else 'MISSED'}")


if __name__ == "__main__":
    main()
