"""BFCL checker: toolproof's verdicts/s against BFCL's own decoder+checker, same corpus.

Workload: the agreement corpus (``tests/data/bfcl/corpus.jsonl.gz``, 21,510 model outputs
over every single-turn category: right and wrong answers, Python/Java/JavaScript text and
function-calling lists). Figures: toolproof's verdicts/s on the whole corpus and on its
prompting (string) results; BFCL's verdicts/s on the same string results, decoding and
checking with BFCL's own functions (the named baseline), imported from ``$BFCL_SRC`` (a
checkout's ``berkeley-function-call-leaderboard`` directory; without it the baseline is
reported unavailable); then the wall time of ``score_results("all")`` on a full result set
(one answer for each of the 3,641 single-turn entries, read from disk, data loaded,
verdicts and summary computed). Rates are CPU time of this process, best of three rounds;
the all-categories figure is wall time. Targets (issue 4): ratio ≥ 1, all categories < 5 s.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from verifier.bfcl import (
    CATEGORIES,
    DEFAULT_DATA_DIR,
    Category,
    Entry,
    check_entry,
    load_entries,
    score_results,
)

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "bfcl" / "corpus.jsonl.gz"
Case = tuple[Category, Entry, Any]


def _cases() -> list[Case]:
    entries = {e.id: (c, e) for c in CATEGORIES.values() for e in load_entries(DEFAULT_DATA_DIR, c)}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [(*entries[r["id"]], r["result"]) for r in rows]


def _rate(check: Callable[[Case], Any], cases: list[Case], rounds: int = 3) -> float:
    # CPU time of this process: other work on a shared machine does not count against it
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for case in cases:
            check(case)
        best = min(best, time.process_time() - started)
    return len(cases) / best


def _stub(name: str) -> None:
    """A placeholder for a module BFCL imports but its decoder and checker never call."""
    module = types.ModuleType(name)

    def anything(attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return lambda *a, **k: a[0] if a and callable(a[0]) else (lambda f: f)

    module.__getattr__ = anything  # type: ignore[method-assign]
    sys.modules[name] = module


def _bfcl_checker() -> Callable[[Case], Any] | str:
    """BFCL's own decode+check for one string result, or why it is unavailable."""
    source = os.environ.get("BFCL_SRC")
    if not source or not (Path(source) / "bfcl_eval").is_dir():
        return "set BFCL_SRC to a checkout's berkeley-function-call-leaderboard directory"
    sys.path.insert(0, source)
    for name in ("filelock", "tenacity", "overrides"):
        try:
            __import__(name)
        except ImportError:
            _stub(name)
    config = types.ModuleType("bfcl_eval.constants.model_config")
    config.MODEL_CONFIG_MAPPING = _AnyModel()  # type: ignore[attr-defined]
    sys.modules["bfcl_eval.constants.model_config"] = config
    try:
        from bfcl_eval.constants.enums import Language, ReturnFormat  # type: ignore[import-not-found]  # external, from $BFCL_SRC
        from bfcl_eval.eval_checker.ast_eval.ast_checker import ast_checker  # type: ignore[import-not-found]  # external, from $BFCL_SRC
        from bfcl_eval.model_handler.utils import default_decode_ast_prompting  # type: ignore[import-not-found]  # external, from $BFCL_SRC
        from bfcl_eval.utils import is_empty_output, is_function_calling_format_output  # type: ignore[import-not-found]  # external, from $BFCL_SRC
    except Exception as exc:  # any import failure means no baseline, said plainly
        return f"BFCL could not be imported from {source}: {exc}"
    formats = {
        "python": (Language.PYTHON, ReturnFormat.PYTHON),
        "java": (Language.JAVA, ReturnFormat.JAVA),
        "javascript": (Language.JAVASCRIPT, ReturnFormat.JAVASCRIPT),
    }

    def check(case: Case) -> bool:
        category, entry, result = case
        if not category.has_answers:
            try:
                decoded = default_decode_ast_prompting(result, ReturnFormat.PYTHON)
            except Exception:  # BFCL counts any decoding failure as "no call"
                return category.kind == "irrelevance"
            return bool(is_empty_output(decoded)) == (category.kind == "irrelevance")
        language, return_format = formats[category.language]
        try:
            decoded = default_decode_ast_prompting(result, return_format)
        except Exception:  # BFCL's decoder_failed
            return False
        if not is_function_calling_format_output(decoded):
            return False
        verdict = ast_checker(
            entry.functions, decoded, entry.answers, language, category.name, "bench"
        )
        return bool(verdict["valid"])

    return check


class _AnyModel(dict[str, Any]):
    def __getitem__(self, key: str) -> Any:
        return types.SimpleNamespace(underscore_to_dot=False)


def _full_result_set(directory: Path) -> int:
    count = 0
    for category in CATEGORIES.values():
        lines = []
        for entry in load_entries(DEFAULT_DATA_DIR, category):
            calls = []
            for answer in entry.answers or []:
                name, params = next(iter(answer.items()))
                args = {k: v[0] for k, v in params.items() if v and not isinstance(v[0], dict)}
                calls.append(f"{name}({', '.join(f'{k}={v!r}' for k, v in args.items())})")
            text = f"[{', '.join(calls)}]" if calls else "I cannot answer that."
            lines.append(json.dumps({"id": entry.id, "result": text}))
        path = directory / f"BFCL_v4_{category.name}_result.json"
        path.write_text("\n".join(lines) + "\n")
        count += len(lines)
    return count


def main() -> None:
    cases = _cases()
    strings = [c for c in cases if isinstance(c[2], str)]

    def toolproof(case: Case) -> Any:
        return check_entry(case[0], case[1], case[2])

    _rate(toolproof, cases[:500], rounds=1)  # warm caches and tree-sitter
    ours_all = _rate(toolproof, cases)
    ours = _rate(toolproof, strings)
    print(f"corpus: {len(cases):,} cases, {len(strings):,} of them prompting (string) results")
    print(f"toolproof: {ours_all:,.0f} verdicts/s (all cases), {ours:,.0f}/s (string results)")
    baseline = _bfcl_checker()
    if isinstance(baseline, str):
        print(f"baseline (BFCL's own decoder+checker) unavailable: {baseline}")
    else:
        theirs = _rate(baseline, strings)
        print(f"BFCL decoder+checker: {theirs:,.0f} verdicts/s (string results)")
        print(f"ratio toolproof/BFCL: {ours / theirs:.2f}x (target >= 1)")
    with tempfile.TemporaryDirectory() as tmp:
        total = _full_result_set(Path(tmp))
        started = time.perf_counter()
        report = score_results("all", Path(tmp))
        elapsed = time.perf_counter() - started
    overall = report.summary["groups"]["overall_single_turn"]["accuracy"]
    print(
        f"all 13 single-turn categories: {total:,} results checked in {elapsed:.2f}s "
        f"(target < 5 s; overall single-turn accuracy of this result set {overall:.2%})"
    )


if __name__ == "__main__":
    main()
