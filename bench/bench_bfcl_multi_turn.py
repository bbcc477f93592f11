"""BFCL multi-turn: toolproof's sandboxed checker against BFCL's own checker, same entries.

Workload: the ground truth of all four multi-turn categories (800 entries) as a model's
results (prompting text, one step per turn), checked against itself. toolproof: wall time
of ``score_results("multi_turn")`` (data and results read, every turn of both sides run in
process-sandbox sessions on 2 workers, states compared, summary made; target < 60 s on 2
cores). Baseline: BFCL's own ``_evaluate_single_multi_turn_entry`` in one process with
``eval`` and no sandbox, on the same results, timed inside that process (its imports not
counted), from the pinned wheels installed into a temporary directory (the wheel cache
the agreement test fills; without it the baseline is reported unavailable). Both give
the same accuracy, which is printed.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from verifier.bfcl import DEFAULT_DATA_DIR, BackendsError, fetch_backends, score_results

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ("multi_turn_base", "multi_turn_miss_func", "multi_turn_miss_param",
              "multi_turn_long_context")  # fmt: skip
CACHE = Path(os.environ.get("TOOLPROOF_TEST_CACHE") or Path.home() / ".cache" / "toolproof-tests")
BFCL_SIDE = ["bfcl-eval==2026.3.23", "mpmath==1.3.0", "tree_sitter==0.21.3",
             "tree-sitter-java==0.21.0", "tree-sitter-javascript==0.21.4", "tenacity==9.1.2",
             "filelock==3.20.0"]  # fmt: skip


def _results(directory: Path) -> list[dict[str, object]]:
    """Ground-truth results on disk (BFCL's file names), and the same as corpus cases."""
    cases: list[dict[str, object]] = []
    for category in CATEGORIES:
        path = DEFAULT_DATA_DIR / "possible_answer" / f"BFCL_v4_{category}.json"
        lines = []
        for line in path.read_text().splitlines():
            answer = json.loads(line)
            turns = [[f"[{', '.join(t)}]"] if t else [] for t in answer["ground_truth"]]
            lines.append(json.dumps({"id": answer["id"], "result": turns}))
            cases.append({"case": len(cases), "category": category, "id": answer["id"],
                          "result": turns})  # fmt: skip
        (directory / f"BFCL_v4_{category}_result.json").write_text("\n".join(lines) + "\n")
    return cases


def _bfcl(cases: list[dict[str, object]], tmp: Path) -> tuple[float, int] | str:
    wheels = CACHE / "bfcl-side-wheels"
    site = tmp / "site"
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check", "install",
           "--no-deps", "--no-index", "--find-links", str(wheels),
           "--target", str(site)]  # fmt: skip
    if subprocess.run([*pip, *BFCL_SIDE], capture_output=True, check=False).returncode:
        return f"the pinned wheels are not in {wheels} (run the agreement test once)"
    corpus = tmp / "corpus.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(c) + "\n" for c in cases)
    script = ROOT / "tests" / "data" / "bfcl" / "bfcl_mt_verdicts.py"
    out = tmp / "verdicts.jsonl.gz"
    done = subprocess.run(
        [sys.executable, "-I", str(script), str(site), str(corpus), str(DEFAULT_DATA_DIR),
         str(out)],
        capture_output=True, text=True, check=False, cwd=tmp,
    )  # fmt: skip
    match = re.search(r"checked \d+ cases in ([\d.]+) s", done.stderr)
    if done.returncode or not match:
        return f"BFCL's checker failed: {done.stderr.strip()[-300:]}"
    with gzip.open(out, "rt", encoding="utf-8") as handle:
        valid = sum(json.loads(line)["valid"] for line in handle)
    return float(match.group(1)), valid


def main() -> None:
    try:
        backends = fetch_backends(CACHE)
    except BackendsError as exc:
        print(f"BFCL's backends unavailable: {exc}")
        return
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "results").mkdir()
        cases = _results(tmp / "results")
        started = time.perf_counter()
        report = score_results("multi_turn", tmp / "results", backends=backends, workers=2)
        ours = time.perf_counter() - started
        correct = sum(v.valid for v in report.verdicts)
        print(f"toolproof: {len(cases)} multi-turn entries (ground truth against itself) "
              f"in {ours:.2f} s wall on 2 sandbox workers, {correct} valid "
              "(target < 60 s)")  # fmt: skip
        baseline = _bfcl(cases, tmp)
    if isinstance(baseline, str):
        print(f"baseline (BFCL's own multi-turn checker, in-process) unavailable: {baseline}")
        return
    theirs, valid = baseline
    print(f"BFCL's own checker, in-process, no sandbox: {theirs:.2f} s, {valid} valid")
    print(f"ratio toolproof/BFCL time: {ours / theirs:.2f}x (toolproof runs every call in a "
          "sandbox worker and both sides in separate processes)")  # fmt: skip


if __name__ == "__main__":
    main()
