"""Decoding model output as BFCL reads it, without evaluating anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from toolspec.errors import ParseError
from verifier.bfcl import decode_output, has_call, is_call_list


def test_python_calls_in_brackets_fences_or_bare() -> None:
    expected = [{"f": {"a": 1, "b": "x"}}]
    assert decode_output("[f(a=1, b='x')]", "python") == expected
    assert decode_output("f(a=1, b='x')", "python") == expected
    assert decode_output('  [f(a = 1,b="x")]\n', "python") == expected


def test_fenced_python_is_not_read_as_a_call() -> None:
    # BFCL strips backticks only, so "python\n[...]" is a subscript, not a call list.
    with pytest.raises(ParseError):
        decode_output("```python\n[f(a=1)]\n```", "python")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("(1, 2)", (1, 2)),  # tuples stay tuples
        ("-3", -3),
        ("+3", -3),  # BFCL negates whatever unary operator it sees
        ("2 ** 10", 1024),
        ("1 / 4 + 1", 1.25),
        ("-2 * 3", -6),  # inside arithmetic, operators mean what Python says
        ("city", "city"),  # a bare name is its identifier
        ("g()", "g()"),  # a nested call without keywords is its source text
        ("g(h=1)", {"g": {"h": 1}}),
        ("x[0]", "x[0]"),
        ("...", "..."),
        ("{'k': [1, 2.5, None, True]}", {"k": [1, 2.5, None, True]}),
    ],
)
def test_python_values(text: str, value: Any) -> None:
    assert decode_output(f"[f(a={text})]", "python") == [{"f": {"a": value}}]


@pytest.mark.parametrize(
    "text",
    [
        "[f(a=-x)]",
        "[f(a=math.pi)]",
        "[f(a=lambda: 1)]",
        "[f(a={1, 2})]",
        "[f(a=f'{x}')]",
        "[f(a=2 ** 100000)]",
        "[f(a=1), 3]",
        "[f(a=1",
        "I would call f",
    ],
)
def test_python_refusals(text: str) -> None:
    with pytest.raises(ParseError):
        decode_output(text, "python")


def test_decoding_never_evaluates(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"[f(a=__import__('os').system('touch {marker}') + 1)]"
    with pytest.raises(ParseError):
        decode_output(text, "python")
    assert not marker.exists()


def test_a_repeated_argument_keeps_its_last_value() -> None:
    # ast.parse accepts it (only the compiler refuses), and BFCL keeps the last value
    assert decode_output("[f(a=1, a=2)]", "python") == [{"f": {"a": 2}}]


def test_positional_arguments_are_dropped_and_names_follow_attributes() -> None:
    assert decode_output("[f(1, a=2)]", "python") == [{"f": {"a": 2}}]
    assert decode_output("[m.sub.f(a=2)]", "python") == [{"m.sub.f": {"a": 2}}]
    assert decode_output("[x[0].f(a=2)]", "python") == [{"f": {"a": 2}}]


def test_function_calling_lists() -> None:
    assert decode_output([{"f": '{"a": 1}'}, {"g": {"b": 2}}], "python") == [
        {"f": {"a": 1}},
        {"g": {"b": 2}},
    ]
    with pytest.raises(ParseError):
        decode_output([{"f": "{not json"}], "python")
    with pytest.raises(ParseError):
        decode_output(["f"], "python")
    assert not is_call_list(decode_output([{"f": "[1, 2]"}], "python"))


def test_java_values_keep_their_source_text() -> None:
    text = (
        'A.b(s="x y", n=5L, arr=new int[] { 1, 2 }, m=new HashMap<String, Integer>() '
        '{{ put("a", 1); }}, v=myVar, c=new ArrayList<String>(Arrays.asList("a", "b")));'
    )
    assert decode_output(text, "java") == [
        {
            "A.b": {
                "s": "x y",
                "n": "5L",
                "arr": "new int[]{1,2}",
                "m": "new HashMap<String,Integer>()",
                "v": "myVar",
                "c": 'new ArrayList<String>(Arrays.asList("a", "b"))',
            }
        }
    ]


def test_java_syntax_is_judged_by_bfcls_grammar() -> None:
    assert decode_output("f(a=1);", "java") == [{"f": {"a": "1"}}]
    assert decode_output("f(a=1); g(b=2);", "java") == [{"f": {"a": "1"}}]
    for text in ["f(a=1", "f(a=1,);", "f(a=1, a=2);", "f(a=1)", "f(a=1) g(b=2)"]:
        with pytest.raises(ParseError):
            decode_output(text, "java")
    assert not is_call_list(decode_output("x;", "java"))


def test_javascript_reads_the_first_call_statement() -> None:
    assert decode_output('f(a=[1, 2], b="x", c=true)', "javascript") == [
        {"f": {"a": "[1, 2]", "b": "x", "c": "true"}}
    ]
    assert decode_output("let x = 1;\ng(k={a: 1})", "javascript") == [{"g": {"k": "{a: 1}"}}]
    assert not is_call_list(decode_output("[f(a=1), g(b=2)]", "javascript"))
    with pytest.raises(ParseError):
        decode_output("f(a=1", "javascript")


@pytest.mark.parametrize(
    ("result", "called"),
    [
        ("[f(a=1)]", True),
        ([{"f": "{}"}], True),
        ("I cannot help with that.", False),
        ("[]", False),
        ([], False),
        ("", False),
        ("[f()]", True),
    ],
)
def test_has_call(result: Any, called: bool) -> None:
    assert has_call(result)[0] is called
