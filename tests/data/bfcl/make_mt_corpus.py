"""Write mt_corpus.jsonl.gz: multi-turn model results made from BFCL's ground truth.

Every entry of the four multi-turn categories gets its ground truth as a model would
have answered it (prompting text or function calls, alternately), plus one or two
mutations: a call dropped, an argument changed, calls reordered, a call repeated, a turn
left empty, a wrong function, text with a syntax error, a turn split into steps with chat
between, a turn missing (force termination), a result that is not a list. Seeded, so the
file is reproducible: ``python tests/data/bfcl/make_mt_corpus.py``.
"""

from __future__ import annotations

import ast
import gzip
import json
import random
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[3] / "verifier" / "bfcl" / "data"
CATEGORIES = (
    "multi_turn_base",
    "multi_turn_miss_func",
    "multi_turn_miss_param",
    "multi_turn_long_context",
)
MUTATIONS = (
    "drop_call", "change_arg", "reorder", "extra_call", "empty_turn", "wrong_function",
    "syntax_error", "split_steps", "force_terminated", "not_a_list", "chat_in_empty_turn",
)  # fmt: skip
OUT = Path(__file__).with_name("mt_corpus.jsonl.gz")
SEED = 17


def parse(call: str) -> tuple[str, dict[str, Any]]:
    """A ground-truth call string → (name, keyword arguments); positional ones are lost,
    as BFCL's decoders lose them."""
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call)
    return ast.unparse(node.func), {str(k.arg): ast.literal_eval(k.value) for k in node.keywords}


def text(calls: list[str]) -> str:
    return "[" + ", ".join(calls) + "]"


def fc(calls: list[str]) -> list[dict[str, str]]:
    return [{name: json.dumps(args)} for name, args in map(parse, calls)]


def render(turns: list[list[str]], mode: str) -> list[list[Any]]:
    """The ground-truth turns as a model's result: one step per non-empty turn."""
    out: list[list[Any]] = []
    for calls in turns:
        if not calls:
            out.append([])
        elif mode == "fc":
            out.append([fc(calls), "I have done that."])
        else:
            out.append([text(calls)])
    return out


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "_x"
    if isinstance(value, list):
        return [*value, "extra"]
    return "changed"


def mutate(kind: str, turns: list[list[str]], mode: str, rng: random.Random) -> Any:
    filled = [i for i, t in enumerate(turns) if t]
    turns = [list(t) for t in turns]
    i = rng.choice(filled) if filled else 0
    if kind == "drop_call" and filled:
        turns[i].pop(rng.randrange(len(turns[i])))
    elif kind == "change_arg" and filled:
        j = rng.randrange(len(turns[i]))
        name, args = parse(turns[i][j])
        if args:
            key = rng.choice(sorted(args))
            args[key] = _changed(args[key])
        turns[i][j] = f"{name}({', '.join(f'{k}={v!r}' for k, v in args.items())})"
    elif kind == "reorder" and filled:
        turns[i].reverse()
    elif kind == "extra_call" and filled:
        turns[i].insert(0, rng.choice(turns[i]))
    elif kind == "empty_turn" and filled:
        turns[i] = []
    elif kind == "wrong_function" and filled:
        j = rng.randrange(len(turns[i]))
        other = rng.choice([c for t in turns for c in t])
        turns[i][j] = parse(other)[0] + turns[i][j][turns[i][j].index("(") :]
    elif kind == "force_terminated":
        return render(turns[:-1], mode)
    elif kind == "not_a_list":
        return text([c for t in turns for c in t])
    result = render(turns, mode)
    if kind == "syntax_error" and filled:
        result[i] = [text(turns[i])[:-2] + "(", "Let me try again."]
    elif kind == "split_steps" and filled:
        steps: list[Any] = []
        for call in turns[i]:
            steps += [fc([call]) if mode == "fc" else text([call]), "Calling the next tool."]
        result[i] = steps
    elif kind == "chat_in_empty_turn":
        result = [r if r else ["I cannot do that with the tools I have."] for r in result]
    return result


def cases() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    out: list[dict[str, Any]] = []
    for category in CATEGORIES:
        path = DATA / "possible_answer" / f"BFCL_v4_{category}.json"
        for number, line in enumerate(path.read_text().splitlines()):
            answer = json.loads(line)
            truth = answer["ground_truth"]
            mode = "fc" if number % 2 else "prompt"
            kinds = ["exact", rng.choice(MUTATIONS)]
            if number % 4 == 0:
                kinds.append(rng.choice(MUTATIONS))
            for kind in kinds:
                result = render(truth, mode) if kind == "exact" else mutate(kind, truth, mode, rng)
                out.append(
                    {
                        "case": len(out),
                        "category": category,
                        "id": answer["id"],
                        "kind": f"{kind}_{mode}",
                        "result": result,
                    }
                )
    return out


EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "bfcl_multi_turn"


def example_cases(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One case per entry for the README's example: the entry's first mutation for every
    third entry, its exact ground truth for the others."""
    chosen: dict[str, dict[str, Any]] = {}
    for case in cases:
        number = int(case["id"].rsplit("_", 1)[1])
        exact = case["kind"].startswith("exact")
        if case["id"] not in chosen and exact == bool(number % 3):
            chosen[case["id"]] = case
    return [c for c in cases if chosen.get(c["id"]) is c]


def write_examples(cases: list[dict[str, Any]]) -> None:
    """examples/bfcl_multi_turn/BFCL_v4_<category>_result.json, as BFCL writes results."""
    EXAMPLES.mkdir(exist_ok=True)
    for category in CATEGORIES:
        lines = [
            json.dumps({"id": c["id"], "result": c["result"]})
            for c in example_cases(cases)
            if c["category"] == category
        ]
        (EXAMPLES / f"BFCL_v4_{category}_result.json").write_text("\n".join(lines) + "\n")


def main() -> None:
    made = cases()
    with OUT.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        for case in made:
            handle.write((json.dumps(case) + "\n").encode())
    write_examples(made)


if __name__ == "__main__":
    main()
