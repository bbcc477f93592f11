"""BFCL's own verdicts on mt_corpus.jsonl.gz: runs BFCL's code, never toolproof's.

Usage: ``python -I bfcl_mt_verdicts.py SITE CORPUS DATA_DIR OUT``, SITE holding
``bfcl-eval`` and what its multi-turn checker and decoders import (installed with
``pip install --no-deps --target SITE``, see tests/verifier/bfcl/test_bfcl_mt_agreement.py).
Each case goes through BFCL's ``_evaluate_single_multi_turn_entry``, its source taken
from BFCL's ``eval_runner.py`` (that module imports every model vendor's SDK, so it is
not imported), with the decoders of BFCL's OpenAI handler: function calling for results
holding a list or object step, prompting otherwise (toolproof's rule, see
verifier/bfcl/_mt_decode.py). Each case has its own model name, so BFCL's instances
(kept in a module's globals by name) never carry over from one case to another.
"""

from __future__ import annotations

import ast
import copy
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any


def _evaluator(site: Path) -> Any:
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_checker import multi_turn_checker
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_utils import (
        is_empty_execute_response,
    )

    source = (site / "bfcl_eval" / "eval_checker" / "eval_runner.py").read_text()
    tree = ast.parse(source)
    (node,) = [
        n
        for n in tree.body
        if isinstance(n, ast.FunctionDef) and n.name == "_evaluate_single_multi_turn_entry"
    ]
    namespace: dict[str, Any] = {
        "multi_turn_checker": multi_turn_checker,
        "is_empty_execute_response": is_empty_execute_response,
    }
    exec(compile(ast.Module([node], []), "eval_runner.py", "exec"), namespace)
    return namespace["_evaluate_single_multi_turn_entry"]


class Handler:
    """BFCL's OpenAI handler's ``decode_execute``, for one mode."""

    def __init__(self, fc: bool) -> None:
        from bfcl_eval.model_handler import utils

        self.fc, self.utils = fc, utils

    def decode_execute(self, result: Any, has_tool_call_tag: bool) -> list[str]:
        if self.fc:
            return self.utils.convert_to_function_call(result)  # type: ignore[no-any-return]
        return self.utils.default_decode_execute_prompting(result)  # type: ignore[no-any-return]


def _fc(result: Any) -> bool:
    return isinstance(result, list) and any(
        isinstance(step, list | dict) for turn in result if isinstance(turn, list) for step in turn
    )


def main(site: str, corpus: str, data_dir: str, out: str) -> None:
    sys.path.insert(0, site)
    evaluate = _evaluator(Path(site))
    questions: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for path in Path(data_dir).glob("BFCL_v4_multi_turn_*.json"):
        lines = path.read_text().splitlines()
        truth = (path.parent / "possible_answer" / path.name).read_text().splitlines()
        for question, answer in zip(lines, truth, strict=True):
            entry = json.loads(question)
            questions[entry["id"]] = entry
            answers[entry["id"]] = json.loads(answer)["ground_truth"]
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        cases = [json.loads(line) for line in handle]
    rows = []
    started = time.perf_counter()
    for case in cases:
        verdict = evaluate(
            Handler(_fc(case["result"])),
            case["id"],
            case["result"],
            answers[case["id"]],
            copy.deepcopy(questions[case["id"]]),
            f"case{case['case']}",
            case["category"],
        )
        error = verdict.get("error", {})
        message = error.get("error_message")
        rows.append(
            {
                "case": case["case"],
                "valid": verdict["valid"],
                "error_type": error.get("error_type"),
                "error": message if isinstance(message, list) or message is None else [message],
            }
        )
    elapsed = time.perf_counter() - started
    print(f"BFCL checked {len(cases)} cases in {elapsed:.3f} s", file=sys.stderr)
    with Path(out).open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        for row in rows:
            handle.write((json.dumps(row) + "\n").encode())


if __name__ == "__main__":
    main(*sys.argv[1:5])
