"""Generate the BFCL agreement corpus from BFCL's possible answers (deterministic, seed 4).

Each case is a model output for one entry of a single-turn category: correct answers in
varied formatting (Python call syntax with varied spacing, quotes, argument order, optional
arguments left out, other acceptable values; function-calling JSON lists; Java and
JavaScript source) and each kind of wrong answer (wrong function, missing and extra
parameters, wrong types and values, wrong call counts, unparsable text, and both sides of
the relevance categories). BFCL's own verdicts on these cases are recorded beside it
(``bfcl_verdicts.jsonl.gz``; SOURCE.md says how they were produced).

    .venv/bin/python tests/data/bfcl/make_corpus.py   # rewrites corpus.jsonl.gz
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from verifier.bfcl import CATEGORIES, DEFAULT_DATA_DIR, Category, Entry, load_entries

HERE = Path(__file__).resolve().parent
SAMPLE = {
    "simple_python": 200,
    "multiple": 120,
    "parallel": 120,
    "parallel_multiple": 120,
    "irrelevance": 120,
    "live_simple": 150,
    "live_multiple": 250,
    "live_irrelevance": 150,
}
"""Entries per category used (all of the others)."""

Call = tuple[str, dict[str, Any]]


def _types(entry: Entry, name: str) -> dict[str, dict[str, Any]]:
    for doc in entry.functions:
        if doc["name"] == name:
            props: dict[str, dict[str, Any]] = doc["parameters"]["properties"]
            return props
    return {}


def _pick_value(rng: random.Random, spec: dict[str, Any], values: list[Any]) -> Any:
    choices = [v for v in values if v != ""]
    value = rng.choice(choices) if choices else None
    items: dict[str, Any] = spec["items"] if isinstance(spec.get("items"), dict) else {}
    if spec.get("type") == "dict" and isinstance(value, dict):
        return {k: rng.choice(v) if isinstance(v, list) and v else v for k, v in value.items()}
    if items.get("type") == "dict" and isinstance(value, list):
        return [
            {k: rng.choice(v) if isinstance(v, list) and v else v for k, v in d.items()}
            if isinstance(d, dict)
            else d
            for d in value
        ]
    return value


def _answer_calls(rng: random.Random, entry: Entry, keep_optional: float) -> list[Call]:
    calls: list[Call] = []
    for answer in entry.answers or []:
        name, params = next(iter(answer.items()))
        props = _types(entry, name)
        args: dict[str, Any] = {}
        for param, values in params.items():
            if "" in values and rng.random() > keep_optional:
                continue
            if all(v == "" for v in values):
                continue
            args[param] = _pick_value(rng, props.get(param, {}), values)
        calls.append((name, args))
    return calls


# ---- Python call syntax -------------------------------------------------------------


def _py_value(value: Any, style: int) -> str:
    if isinstance(value, str):
        return json.dumps(value) if style % 2 else repr(value)
    if isinstance(value, list):
        sep = ", " if style < 2 else ","
        return "[" + sep.join(_py_value(v, style) for v in value) + "]"
    if isinstance(value, dict):
        sep = ", " if style < 2 else ","
        return (
            "{"
            + sep.join(f"{_py_value(k, style)}: {_py_value(v, style)}" for k, v in value.items())
            + "}"
        )
    return repr(value)


def _tricky_value(value: Any, trick: str) -> str:
    if trick == "arith" and type(value) is int:
        return f"{value - 1} + 1"
    if trick == "arith" and type(value) is float:
        return f"{value} * 1"
    if trick == "unary_plus" and type(value) in (int, float):
        return f"+{value}"
    if trick == "bare_name" and isinstance(value, str) and value.isidentifier():
        return value
    if trick == "punct_variant" and isinstance(value, str):
        return repr(value.upper().replace(" ", "_") + ".")
    if trick == "nested_wrong" and isinstance(value, list) and value:
        swapped = [str(v) if not isinstance(v, str) else len(v) for v in value]
        return repr(swapped)
    return repr(value)


def python_text(rng: random.Random, calls: list[Call], trick: str | None = None) -> str:
    if trick is not None:
        body = ", ".join(
            f"{n}({', '.join(f'{k}={_tricky_value(v, trick)}' for k, v in a.items())})"
            for n, a in calls
        )
        return f"[{body}]"
    style = rng.randrange(4)
    eq = rng.choice(["=", "=", " = "])
    sep = rng.choice([", ", ",", " ,  "])
    parts = []
    for name, args in calls:
        items = list(args.items())
        if rng.random() < 0.4:
            rng.shuffle(items)
        inner = sep.join(f"{k}{eq}{_py_value(v, style)}" for k, v in items)
        parts.append(f"{name}({inner})")
    body = ", ".join(parts)
    wrap = rng.randrange(6)
    if wrap == 0 and len(calls) == 1:
        return body
    if wrap == 1:
        return f"```python\n[{body}]\n```"
    if wrap == 2:
        return f"  [{body}]\n"
    return f"[{body}]"


def fc_list(calls: list[Call]) -> list[dict[str, str]]:
    return [{name: json.dumps(args)} for name, args in calls]


# ---- Java and JavaScript source ------------------------------------------------------


def _java(value: Any, spec: dict[str, Any], rng: random.Random) -> str:
    kind = spec.get("type")
    item = (spec.get("items") or {}).get("type")
    if kind == "long" and isinstance(value, int):
        return f"{value}L"
    if kind == "float" and isinstance(value, int | float):
        return f"{float(value)}f"
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind == "String" and isinstance(value, str):
        return json.dumps(value)
    if kind in ("Array", "ArrayList") and isinstance(value, list):
        elems = ", ".join(_java(v, {"type": item}, rng) for v in value)
        if kind == "Array":
            return f"new {item or 'Object'}[]{{{elems}}}"
        return f"new ArrayList<>(Arrays.asList({elems}))"
    if kind == "HashMap" and isinstance(value, dict):
        puts = " ".join(f'put("{k}", {_java(v, {}, rng)});' for k, v in value.items())
        return f"new HashMap<String, Object>() {{{{ {puts} }}}}"
    if isinstance(value, str):
        return value if rng.random() < 0.8 else json.dumps(value)
    return str(value)


def _js(value: Any, spec: dict[str, Any], rng: random.Random) -> str:
    kind = spec.get("type")
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind == "Bigint" and isinstance(value, int):
        return f"{value}n"
    if kind == "String" and isinstance(value, str):
        return json.dumps(value) if rng.random() < 0.7 else repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_js(v, {}, rng) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_js(v, {}, rng)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return value if kind == "any" else json.dumps(value)
    return str(value)


def source_text(rng: random.Random, entry: Entry, calls: list[Call], language: str) -> str:
    render = _java if language == "java" else _js
    name, args = calls[0]
    props = _types(entry, name)
    inner = ", ".join(f"{k}={render(v, props.get(k, {}), rng)}" for k, v in args.items())
    end = ";" if language == "java" or rng.random() < 0.5 else ""
    return f"{name}({inner}){end}"


def source_fc(rng: random.Random, entry: Entry, calls: list[Call], language: str) -> list[Any]:
    render = _java if language == "java" else _js
    name, args = calls[0]
    props = _types(entry, name)
    return [{name: json.dumps({k: render(v, props.get(k, {}), rng) for k, v in args.items()})}]


# ---- wrong answers --------------------------------------------------------------------


def _mutate_value(rng: random.Random, value: Any, kind: str) -> Any:
    if kind == "type":
        if isinstance(value, str):
            return rng.choice([123, 4.5, True, ["x"]])
        if isinstance(value, bool | int | float):
            return str(value)
        return "not_a_" + type(value).__name__
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1000
    if isinstance(value, str):
        return value + " zzz wrong"
    if isinstance(value, list):
        return [*value, value[0]] if value else ["extra"]
    if isinstance(value, dict):
        return {**value, "unexpected_key": 1}
    return "wrong"


def wrong_calls(rng: random.Random, calls: list[Call], kind: str) -> list[Call]:
    out = [(n, dict(a)) for n, a in calls]
    target = rng.randrange(len(out))
    name, args = out[target]
    if kind == "wrong_function":
        out[target] = (name + "_v2", args)
    elif kind == "missing_param" and args:
        del args[rng.choice(list(args))]
    elif kind == "extra_param":
        args["unexpected_param"] = rng.choice([1, "x", True])
    elif kind in ("wrong_type", "wrong_value") and args:
        key = rng.choice(list(args))
        args[key] = _mutate_value(rng, args[key], "type" if kind == "wrong_type" else "value")
    elif kind == "wrong_count":
        if len(out) > 1 and rng.random() < 0.5:
            out.pop(target)
        else:
            out.append(out[target])
    elif kind == "tuple_for_list" and args:
        for key, value in args.items():
            if isinstance(value, list):
                args[key] = tuple(value)
    elif kind == "int_for_float":
        for key, value in args.items():
            if isinstance(value, float) and value.is_integer():
                args[key] = int(value)
    return out


def _tuple_text(calls: list[Call]) -> str:
    # repr keeps tuples as tuples, which json cannot express
    return (
        "["
        + ", ".join(f"{n}({', '.join(f'{k}={v!r}' for k, v in a.items())})" for n, a in calls)
        + "]"
    )


def unparsable(rng: random.Random, text: str) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return text[: max(1, len(text) // 2)]
    if choice == 1:
        return "I think you should call the function with those values."
    if choice == 2:
        return text.replace("(", " ", 1)
    return text + " and then done"


PROSE = [
    "I cannot help with that using the available functions.",
    "None of the functions can be used. The question lacks the parameters required.",
    "[]",
    "",
    "Sure! Let me know what else you need.",
]

TRICKS = ["arith", "unary_plus", "bare_name", "punct_variant", "nested_wrong"]
WRONG = [
    "wrong_function",
    "missing_param",
    "extra_param",
    "wrong_type",
    "wrong_value",
    "wrong_count",
]


def cases_for(rng: random.Random, category: Category, entry: Entry) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if not category.has_answers:
        fake = _fake_call(rng, entry)
        out.append(("prose", rng.choice(PROSE)))
        out.append(("fc_empty", []))
        out.append(("call_python", python_text(rng, [fake])))
        out.append(("call_fc", fc_list([fake])))
        out.append(("unparsable", unparsable(rng, python_text(rng, [fake]))))
        return out
    lang = category.language
    correct = _answer_calls(rng, entry, keep_optional=0.5)
    if lang == "python":
        out.append(("correct_python", python_text(rng, correct)))
        out.append(("correct_python_alt", python_text(rng, _answer_calls(rng, entry, 0.2))))
        if category.kind == "parallel" and len(correct) > 1:
            shuffled = correct[:]
            rng.shuffle(shuffled)
            out.append(("correct_parallel_shuffled", python_text(rng, shuffled)))
        out.append(("correct_fc", fc_list(_answer_calls(rng, entry, 0.8))))
        for kind in WRONG:
            mutated = wrong_calls(rng, correct, kind)
            if rng.random() < 0.5:
                out.append((kind, python_text(rng, mutated)))
            else:
                out.append((kind + "_fc", fc_list(mutated)))
        out.append(("tuple_for_list", _tuple_text(wrong_calls(rng, correct, "tuple_for_list"))))
        out.append(("int_for_float", python_text(rng, wrong_calls(rng, correct, "int_for_float"))))
        for trick in TRICKS:
            out.append((trick, python_text(rng, correct, trick)))
    else:
        out.append(("correct_source", source_text(rng, entry, correct, lang)))
        out.append(("correct_source_fc", source_fc(rng, entry, correct, lang)))
        for kind in WRONG:
            mutated = wrong_calls(rng, correct, kind)
            out.append((kind, source_text(rng, entry, mutated, lang)))
        out.append(("python_style", python_text(rng, correct)))
        out.append(("raw_fc", fc_list(correct)))
    out.append(("unparsable", unparsable(rng, python_text(rng, correct))))
    out.append(("empty", rng.choice(["", "[]", []])))
    return out


def _fake_call(rng: random.Random, entry: Entry) -> Call:
    if not entry.functions:
        return "search", {}
    doc = rng.choice(entry.functions)
    props: dict[str, dict[str, Any]] = doc["parameters"]["properties"]
    makers: dict[str, Callable[[], Any]] = {
        "integer": lambda: rng.randrange(100),
        "float": lambda: rng.random() * 10,
        "boolean": lambda: rng.random() < 0.5,
        "array": lambda: ["a", "b"],
    }
    args = {k: makers.get(v.get("type", ""), lambda: "value")() for k, v in list(props.items())[:3]}
    return str(doc["name"]), args


def main() -> None:
    rng = random.Random(4)
    with gzip.open(HERE / "corpus.jsonl.gz", "wt", encoding="utf-8") as handle:
        number = 0
        for category in CATEGORIES.values():
            entries = load_entries(DEFAULT_DATA_DIR, category)
            if category.name in SAMPLE:
                entries = rng.sample(entries, SAMPLE[category.name])
            for entry in entries:
                for kind, result in cases_for(rng, category, entry):
                    record = {
                        "case": number,
                        "category": category.name,
                        "id": entry.id,
                        "kind": kind,
                        "result": result,
                    }
                    handle.write(json.dumps(record) + "\n")
                    number += 1
    print(f"{number} cases")


if __name__ == "__main__":
    main()
