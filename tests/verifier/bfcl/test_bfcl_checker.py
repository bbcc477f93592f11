"""BFCL's checking rules, one behaviour at a time, on small hand-made entries."""

from __future__ import annotations

from typing import Any

import pytest

from verifier.bfcl import CATEGORIES, Entry, check_entry

DOC = {
    "name": "geo.distance",
    "description": "Distance between two cities.",
    "parameters": {
        "type": "dict",
        "properties": {
            "origin": {"type": "string", "description": "From."},
            "destination": {"type": "string", "description": "To."},
            "unit": {"type": "string", "description": "km or miles."},
            "precision": {"type": "float", "description": "Digits."},
            "stops": {"type": "array", "items": {"type": "string"}, "description": "Via."},
            "opts": {"type": "dict", "description": "Options.", "properties": {}},
            "point": {"type": "tuple", "items": {"type": "float"}, "description": "Lat/lon."},
        },
        "required": ["origin", "destination"],
    },
}
ANSWER = {
    "geo.distance": {
        "origin": ["New York, NY", "NYC"],
        "destination": ["Boston"],
        "unit": ["km", ""],
        "precision": [2.0, ""],
        "stops": [["Hartford"], ""],
        "opts": [{"fast": [True], "tolls": [False, ""]}, ""],
        "point": [[1.5, 2.0], ""],
    }
}


def _entry(answers: list[dict[str, Any]] | None = None, docs: list[Any] | None = None) -> Entry:
    return Entry("simple_python_0", docs or [DOC], [], answers or [ANSWER])


def _check(result: Any, category: str = "simple_python", **kw: Any) -> tuple[bool, str | None]:
    verdict = check_entry(CATEGORIES[category], kw.pop("entry", _entry()), result, **kw)
    return verdict.valid, verdict.error_type


@pytest.mark.parametrize(
    "text",
    [
        "[geo.distance(origin='new york ny', destination='BOSTON')]",  # case, punctuation
        "[geo.distance(destination='Boston', origin='NYC', unit='km')]",  # order, optional
        "[geo.distance(origin='NYC', destination='Boston', precision=2)]",  # int for float
        "[geo.distance(origin='NYC', destination='Boston', stops=['hartford'])]",
        "[geo.distance(origin='NYC', destination='Boston', opts={'fast': True})]",
        "[geo.distance(origin='NYC', destination='Boston', point=(1.5, 2.0))]",
    ],
)
def test_accepted(text: str) -> None:
    assert _check(text) == (True, None)


OK = "geo.distance(origin='NYC', destination='Boston'"


@pytest.mark.parametrize(
    ("text", "error_type"),
    [
        (
            "[geo.dist(origin='NYC', destination='Boston')]",
            "simple_function_checker:wrong_func_name",
        ),
        ("[geo.distance(origin='NYC')]", "simple_function_checker:missing_required"),
        (f"[{OK}, x=1)]", "simple_function_checker:unexpected_param"),
        (f"[{OK}, unit=5)]", "type_error:simple"),
        ("[geo.distance(origin='NYC', destination='Paris')]", "value_error:string"),
        (f"[{OK}, precision=3)]", "value_error:others"),
        (f"[{OK}, stops=['x'])]", "value_error:list/tuple"),
        # the optional marker "" passes BFCL's item type check, so only the value fails
        (f"[{OK}, stops=[1])]", "value_error:list/tuple"),
        (f"[{OK}, opts={{'slow': 1}})]", "value_error:dict_key"),
        (f"[{OK}, opts={{'fast': False}})]", "value_error:dict_value"),
        (f"[{OK}), {OK})]", "simple_function_checker:wrong_count"),
        (f"[{OK}, stops=('Hartford',))]", "type_error:simple"),
    ],
)
def test_rejected(text: str, error_type: str) -> None:
    assert _check(text) == (False, error_type)


def test_items_of_a_list_are_type_checked_one_level_deep() -> None:
    answer = {"geo.distance": {**ANSWER["geo.distance"], "stops": [["Hartford"]]}}
    text = "[geo.distance(origin='NYC', destination='Boston', stops=[1])]"
    verdict = check_entry(CATEGORIES["simple_python"], _entry([answer]), text)
    assert (verdict.valid, verdict.error_type) == (False, "type_error:nested")
    assert verdict.error == [
        "Nested type checking failed for parameter 'stops'. Expected outer type array with "
        "inner type <class 'str'>. Parameter value: [1]."
    ]


def test_a_parameter_the_answer_requires_must_be_given() -> None:
    answer = {"geo.distance": {**ANSWER["geo.distance"], "unit": ["km"]}}
    entry = _entry([answer])
    assert _check("[geo.distance(origin='NYC', destination='Boston')]", entry=entry) == (
        False,
        "simple_function_checker:missing_optional",
    )


def test_function_calling_names_may_use_underscores_when_asked() -> None:
    result = [{"geo_distance": '{"origin": "NYC", "destination": "Boston"}'}]
    assert _check(result) == (False, "simple_function_checker:wrong_func_name")
    assert _check(result, underscore_to_dot=True) == (True, None)


def _parallel_entry() -> Entry:
    answers = [
        {"geo.distance": {"origin": ["NYC"], "destination": ["Boston"]}},
        {"geo.distance": {"origin": ["NYC"], "destination": ["Chicago"]}},
    ]
    return Entry("parallel_0", [DOC], [], answers)


def test_parallel_calls_match_in_any_order() -> None:
    text = (
        "[geo.distance(origin='NYC', destination='Chicago'), "
        "geo.distance(origin='NYC', destination='Boston')]"
    )
    assert _check(text, "parallel", entry=_parallel_entry()) == (True, None)
    wrong = text.replace("Chicago", "Denver")
    verdict = check_entry(CATEGORIES["parallel"], _parallel_entry(), wrong)
    assert verdict.error_type == "parallel_function_checker_no_order:cannot_find_match"
    assert verdict.error[0] == (
        "Could not find a matching function among index [0] of model output for index 1 of "
        "possible answers."
    )
    one = "[geo.distance(origin='NYC', destination='Boston')]"
    assert _check(one, "parallel", entry=_parallel_entry()) == (
        False,
        "parallel_function_checker_no_order:wrong_count",
    )


def test_multiple_picks_the_answers_function_among_several() -> None:
    other = {**DOC, "name": "geo.time"}
    entry = Entry(
        "multiple_0",
        [other, DOC],
        [],
        [{"geo.distance": {"origin": ["NYC"], "destination": ["Boston"]}}],
    )
    assert _check(
        "[geo.distance(origin='NYC', destination='Boston')]", "multiple", entry=entry
    ) == (True, None)
    assert _check("[geo.time(origin='NYC', destination='Boston')]", "multiple", entry=entry) == (
        False,
        "simple_function_checker:wrong_func_name",
    )


def _java_entry(kind: str, value: list[Any], items: str | None = None) -> Entry:
    spec: dict[str, Any] = {"type": kind, "description": "x"}
    if items:
        spec["items"] = {"type": items}
    doc = {
        "name": "A.f",
        "description": "d",
        "parameters": {"type": "dict", "properties": {"p": spec}, "required": ["p"]},
    }
    return Entry("simple_java_0", [doc], [], [{"A.f": {"p": value}}])


@pytest.mark.parametrize(
    ("kind", "items", "answer", "source", "verdict"),
    [
        ("long", None, [5], "5L", (True, None)),
        ("long", None, [5], "5", (False, "type_error:simple")),
        ("float", None, [1.5], "1.5f", (True, None)),
        ("boolean", None, [True], "true", (True, None)),
        ("integer", None, ["count"], "count", (True, None)),  # a variable name
        ("Array", "integer", [[1, 2]], "new int[]{1, 2}", (True, None)),
        (
            "ArrayList",
            "String",
            [["a", "b"]],
            'new ArrayList<>(Arrays.asList("a"))',
            (False, "value_error:list/tuple"),
        ),
        ("ArrayList", "String", [["a"]], 'new ArrayList<>(Arrays.asList("a"))', (True, None)),
        ("String", None, ["hello"], '"hello"', (True, None)),
    ],
)
def test_java_types(
    kind: str, items: str | None, answer: list[Any], source: str, verdict: Any
) -> None:
    entry = _java_entry(kind, answer, items)
    assert _check(f"A.f(p={source});", "simple_java", entry=entry) == verdict
    assert _check([{"A.f": f'{{"p": {source!r}}}'.replace("'", '"')}], "simple_java", entry=entry)[
        0
    ] in (True, False)


def test_java_values_must_arrive_as_strings_in_function_calling() -> None:
    entry = _java_entry("integer", [5])
    assert _check([{"A.f": '{"p": 5}'}], "simple_java", entry=entry) == (False, "type_error:java")
    assert _check([{"A.f": '{"p": "5"}'}], "simple_java", entry=entry) == (True, None)


@pytest.mark.parametrize(
    ("kind", "items", "answer", "source", "verdict"),
    [
        ("Bigint", None, [10], "10n", (True, None)),
        ("array", "integer", [[1, 2]], "[1, 2]", (True, None)),
        ("dict", None, [{"a": [1]}], "{a: 1}", (True, None)),
        ("Boolean", None, [False], "false", (True, None)),
        ("float", None, [2.5], "2.5", (True, None)),
        ("integer", None, [3], "3.5", (False, "type_error:simple")),
    ],
)
def test_javascript_types(
    kind: str, items: str | None, answer: list[Any], source: str, verdict: Any
) -> None:
    entry = _java_entry(kind, answer, items)
    entry = Entry("simple_javascript_0", entry.functions, [], entry.answers)
    assert _check(f"A.f(p={source})", "simple_javascript", entry=entry) == verdict
    assert _check([{"A.f": '{"p": 1}'}], "simple_javascript", entry=entry) == (
        False,
        "type_error:js",
    )


def test_relevance_categories() -> None:
    entry = Entry("irrelevance_0", [DOC], [], None)
    assert _check("I cannot answer that.", "irrelevance", entry=entry) == (True, None)
    assert _check("[geo.distance(origin='x')]", "irrelevance", entry=entry) == (
        False,
        "irrelevance_error:decoder_success",
    )
    assert _check([], "live_relevance", entry=entry) == (False, "relevance_error:decoder_failed")
    assert _check([{"geo_distance": "{}"}], "live_relevance", entry=entry) == (True, None)


@pytest.mark.parametrize("result", [None, 5, {"f": "{}"}, True])
def test_results_that_are_neither_strings_nor_lists(result: Any) -> None:
    verdict = check_entry(CATEGORIES["simple_python"], _entry(), result)
    assert (verdict.valid, verdict.error_type) == (False, "toolproof:invalid_result")
    assert "must be a string" in verdict.error[0]
