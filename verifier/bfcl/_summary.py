"""Accuracy per category and BFCL's summary scores for the single-turn groups.

BFCL's accuracy of a category is correct / entries. Its leaderboard then combines them:
the non-live simple score is the plain mean of Python, Java and JavaScript; the non-live AST
summary is the plain mean of simple, multiple, parallel and parallel-multiple; the live AST
summary weights its four categories by their sizes; irrelevance is the plain mean of the
non-live and live irrelevance categories; relevance is live relevance alone. Of BFCL's
overall score (weights 10/10/10/30/40 over non-live, live, irrelevance, multi-turn and
agentic) toolproof reports the single-turn part: the three single-turn groups with their
weights normalised. The multi-turn group is the plain mean of its four categories, and
``overall_without_agentic`` is BFCL's overall score without its agentic part (weights
10/10/10/30 normalised). A category that was not checked counts 0, as in BFCL, and the
groups holding it are marked incomplete (BFCL shows them as N/A).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from verifier.bfcl._categories import CATEGORIES, MULTI_TURN_CATEGORIES
from verifier.bfcl._check import Verdict


@dataclass(frozen=True, slots=True)
class Score:
    accuracy: float
    total_count: int
    complete: bool
    correct_count: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"accuracy": self.accuracy, "total_count": self.total_count}
        if self.correct_count is not None:
            out["correct_count"] = self.correct_count
        out["complete"] = self.complete
        return out


def _mean(scores: list[Score]) -> Score:
    return Score(
        sum(s.accuracy for s in scores) / len(scores),
        sum(s.total_count for s in scores),
        all(s.complete for s in scores),
    )


def _weighted(scores: list[Score]) -> Score:
    total = sum(s.total_count for s in scores)
    accuracy = sum(s.accuracy * s.total_count for s in scores) / total if total else 0.0
    return Score(accuracy, total, all(s.complete for s in scores))


OVERALL_WEIGHTS = (10, 10, 10, 30, 40)
"""BFCL's overall score: non-live, live, irrelevance, multi-turn, agentic."""


def _weighted_by(scores: list[Score], weights: tuple[int, ...]) -> Score:
    accuracy = sum(s.accuracy * w for s, w in zip(scores, weights, strict=True)) / sum(weights)
    return Score(accuracy, sum(s.total_count for s in scores), all(s.complete for s in scores))


def summarize(verdicts: Iterable[Verdict], sizes: dict[str, int]) -> dict[str, Any]:
    """Per-category and group scores; ``sizes`` maps each category name to its entry count."""
    correct: dict[str, int] = {}
    total: dict[str, int] = {}
    stray = 0
    for verdict in verdicts:
        if not verdict.counted or verdict.category is None:
            stray += 1
            continue
        total[verdict.category] = total.get(verdict.category, 0) + 1
        correct[verdict.category] = correct.get(verdict.category, 0) + int(verdict.valid)
    per: dict[str, Score] = {}
    for name in [*CATEGORIES, *MULTI_TURN_CATEGORIES]:
        if name in total:
            per[name] = Score(correct[name] / total[name], total[name], True, correct[name])
        else:
            per[name] = Score(0.0, sizes.get(name, 0), False)
    simple = _mean([per["simple_python"], per["simple_java"], per["simple_javascript"]])
    non_live = _mean([simple, per["multiple"], per["parallel"], per["parallel_multiple"]])
    live = _weighted(
        [
            per["live_simple"],
            per["live_multiple"],
            per["live_parallel"],
            per["live_parallel_multiple"],
        ]
    )
    irrelevance = _mean([per["irrelevance"], per["live_irrelevance"]])
    overall = Score(
        (non_live.accuracy + live.accuracy + irrelevance.accuracy) / 3,
        non_live.total_count + live.total_count + irrelevance.total_count,
        non_live.complete and live.complete and irrelevance.complete,
    )
    multi_turn = _mean([per[name] for name in MULTI_TURN_CATEGORIES])
    without_agentic = _weighted_by([non_live, live, irrelevance, multi_turn], OVERALL_WEIGHTS[:4])
    groups = {
        "non_live_simple_ast": simple,
        "non_live_ast": non_live,
        "live_ast": live,
        "irrelevance": irrelevance,
        "relevance": per["live_relevance"],
        "overall_single_turn": overall,
        "multi_turn": multi_turn,
        "overall_without_agentic": without_agentic,
    }
    return {
        "categories": {name: s.to_json() for name, s in per.items() if s.complete},
        "groups": {name: s.to_json() for name, s in groups.items()},
        "not_counted": stray,
    }
