"""Complexity selection, as in the ToolACE paper: keep dialogs a target model finds
neither trivial nor hopeless.

A dialog's difficulty for the model is the mean token loss (negative log-probability)
of its assistant turns, read from an OpenAI-compatible completions endpoint that returns
prompt log-probabilities: vLLM's ``/v1/completions`` with ``echo`` and ``logprobs``
(``choices[0].logprobs.tokens``/``token_logprobs``/``text_offset``), or vLLM's
``prompt_logprobs``. The dialog is rendered as one text; the character spans of the
assistant turns pick the tokens that count. Without a scorer an *offline proxy* stands
in (calls, distinct patterns, arguments, nesting depth, answer length), labelled as such
everywhere it is reported: it is not a loss. Dialogs whose score lies between two
quantiles of the run's scores are kept.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from toolspec.errors import ConfigError

#: What a scorer must send back, said in the error when it does not.
EXPECTED = (
    "choices[0].logprobs.token_logprobs with text_offset (a completions request with "
    '"echo": true and "logprobs") or choices[0].prompt_logprobs (vLLM)'
)
PROXY = "offline proxy (calls, patterns, arguments, nesting; not a model loss)"


@dataclass(frozen=True, slots=True)
class Rendered:
    """A dialog as the model reads it, and where its assistant turns are."""

    text: str
    spans: tuple[tuple[int, int], ...]


def _turns(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(role, text) of an OpenAI-chat or ToolACE record, calls as JSON."""
    out: list[tuple[str, str]] = []
    if isinstance(record.get("messages"), list):
        for m in record["messages"]:
            if not isinstance(m, dict):
                continue
            text = m.get("content") or ""
            if m.get("tool_calls"):
                text = orjson.dumps(
                    [c.get("function") for c in m["tool_calls"] if isinstance(c, dict)]
                ).decode()
            out.append((str(m.get("role", "")), str(text)))
    elif isinstance(record.get("conversations"), list):
        if isinstance(record.get("system"), str):
            out.append(("system", record["system"]))
        for m in record["conversations"]:
            if isinstance(m, dict):
                role = {"human": "user", "gpt": "assistant"}.get(str(m.get("from")), m.get("from"))
                out.append((str(role), str(m.get("value", ""))))
    if not out:
        raise ConfigError("a record has neither messages nor conversations")
    return out


def render(record: dict[str, Any]) -> Rendered:
    """``<|role|>`` headed turns; spans cover the assistant turns' text."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    at = 0
    for role, text in _turns(record):
        head = f"<|{role}|>\n"
        parts.append(head)
        at += len(head)
        if role == "assistant" and text:
            spans.append((at, at + len(text)))
        parts.append(text + "\n")
        at += len(text) + 1
    return Rendered("".join(parts), tuple(spans))


def _token_scores(choice: dict[str, Any]) -> list[tuple[int, float | None]]:
    """(character offset, log-probability) per prompt token, from either response shape."""
    logprobs = choice.get("logprobs")
    if isinstance(logprobs, dict) and isinstance(logprobs.get("token_logprobs"), list):
        offsets = logprobs.get("text_offset")
        values = logprobs["token_logprobs"]
        if isinstance(offsets, list) and len(offsets) == len(values):
            return [(int(o), v if isinstance(v, int | float) else None)
                    for o, v in zip(offsets, values, strict=True)]  # fmt: skip
    prompt = choice.get("prompt_logprobs")
    if isinstance(prompt, list) and prompt:
        out: list[tuple[int, float | None]] = []
        at = 0
        for entry in prompt:
            if not isinstance(entry, dict) or not entry:
                out.append((at, None))  # the first token has no log-probability
                continue
            top = next(iter(entry.values()))
            value = top.get("logprob") if isinstance(top, dict) else None
            out.append((at, float(value) if isinstance(value, int | float) else None))
            decoded = top.get("decoded_token") if isinstance(top, dict) else None
            at += len(decoded) if isinstance(decoded, str) else 0
        return out
    raise ConfigError(f"the scorer returned no log-probabilities; expected {EXPECTED}")


def loss(rendered: Rendered, response: dict[str, Any]) -> float:
    """Mean negative log-probability of the tokens that start inside assistant spans."""
    choices = response.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ConfigError(f"the scorer's answer has no choices; expected {EXPECTED}")
    picked = [
        -value
        for offset, value in _token_scores(choices[0])
        if value is not None and any(a <= offset < b for a, b in rendered.spans)
    ]
    if not picked:
        raise ConfigError(
            "the scorer's log-probabilities cover no assistant turn (prompt echoed "
            f"incompletely?); expected {EXPECTED}"
        )
    return sum(picked) / len(picked)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def proxy(record: dict[str, Any]) -> float:
    """The offline stand-in for difficulty: more calls, patterns, arguments and nesting
    and longer answers score higher (a tool-free dialog lowest)."""
    calls: list[dict[str, Any]] = []
    for m in record.get("messages") or []:
        for c in (m.get("tool_calls") or []) if isinstance(m, dict) else []:
            raw = c.get("function", {}).get("arguments", "{}") if isinstance(c, dict) else "{}"
            try:
                args = orjson.loads(raw) if isinstance(raw, str) else raw
            except orjson.JSONDecodeError:
                args = {}
            calls.append(args if isinstance(args, dict) else {})
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    patterns = set(meta.get("patterns") or []) if isinstance(meta, dict) else set()
    answer = sum(len(t) for r, t in _turns(record) if r == "assistant")
    return round(
        1.0 * len(calls)
        + 0.5 * len(patterns)
        + 0.2 * sum(len(a) for a in calls)
        + 0.3 * max((_depth(a) for a in calls), default=0)
        + 0.1 * math.log1p(answer),
        4,
    )


def quantile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated quantile of sorted ``values`` (q in [0, 1])."""
    if not values:
        return math.nan
    at = q * (len(values) - 1)
    low, high = math.floor(at), math.ceil(at)
    return values[low] + (values[high] - values[low]) * (at - low)


@dataclass(frozen=True, slots=True)
class Selection:
    """Scores of a run, the bounds they gave and which records are kept."""

    method: str
    scores: list[float]
    low: float
    high: float
    keep: list[bool]

    def summary(self) -> dict[str, float]:
        ranked = sorted(self.scores)
        points = {"min": 0.0, "p10": 0.1, "p25": 0.25, "median": 0.5, "p75": 0.75,
                  "p90": 0.9, "max": 1.0}  # fmt: skip
        return {name: round(quantile(ranked, q), 4) for name, q in points.items()}

    def histogram(self, bins: int = 10) -> list[tuple[float, float, int]]:
        if not self.scores:
            return []
        lo, hi = min(self.scores), max(self.scores)
        width = (hi - lo) / bins or 1.0
        counts = [0] * bins
        for s in self.scores:
            counts[min(bins - 1, int((s - lo) / width))] += 1
        return [(lo + i * width, lo + (i + 1) * width, c) for i, c in enumerate(counts)]


def select(scores: list[float], method: str, low_q: float, high_q: float) -> Selection:
    """Keep the scores between the ``low_q`` and ``high_q`` quantiles (inclusive)."""
    if not 0 <= low_q < high_q <= 1:
        raise ConfigError(f"--keep-between needs 0 <= LOW < HIGH <= 1; got {low_q} {high_q}")
    ranked = sorted(scores)
    low, high = quantile(ranked, low_q), quantile(ranked, high_q)
    keep = [low <= s <= high for s in scores]
    return Selection(method, scores, low, high, keep)
