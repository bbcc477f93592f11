"""Query an OpenAI-compatible chat-completions endpoint for BFCL entries; write BFCL results.

Requests go through the judge's ``ChatClient``: concurrent up to a bound; a 429, a 5xx, a
timeout or a broken connection is retried with exponential backoff and jitter (a
server's ``Retry-After`` is honoured up to the cap).
Each answer is appended to the results file as soon as it arrives, in BFCL's result format
(``{"id", "result", "latency", "input_token_count", "output_token_count"}``), so a run that
stops can be started again: ids already in the file are skipped. An id that still fails
after the retries is not written (the next run retries it) and is reported.

In function-calling mode the result is BFCL's list ``[{name: "<JSON arguments>"}]`` of the
returned tool calls (the message text when there are none); in prompting mode it is the
message text.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import httpx
import orjson

from toolspec.errors import JudgeError, SpecError
from verifier._judge._client import ChatClient, RetryPolicy
from verifier.bfcl._categories import Category
from verifier.bfcl._data import Entry
from verifier.bfcl._prompt import messages, model_functions, openai_tools

T = TypeVar("T")

Mode = Literal["fc", "prompt"]


@dataclass(frozen=True, slots=True)
class RunSettings:
    """How to reach the model and how hard to try."""

    base_url: str
    model: str
    mode: Mode = "fc"
    api_key: str | None = None
    concurrency: int = 8
    retries: int = 4
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    timeout_s: float = 120.0
    temperature: float = 0.0

    def client(self, transport: httpx.AsyncBaseTransport | None = None) -> ChatClient:
        """The model's client, retrying as these settings say (``Retry-After`` capped)."""
        cap = self.max_backoff_s
        retry = RetryPolicy(self.retries, self.backoff_s, cap, max_retry_after=cap)
        return ChatClient(self.base_url, self.model, api_key=self.api_key,
                          timeout=self.timeout_s, concurrency=max(1, self.concurrency),
                          retry=retry, transport=transport)  # fmt: skip


@dataclass(slots=True)
class RunStats:
    """What a run did: ids answered now, ids skipped as already done, ids that failed."""

    answered: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)


def done_ids(path: Path) -> set[str]:
    """Ids already in a results file (lines that cannot be read are ignored)."""
    if not path.is_file():
        return set()
    ids: set[str] = set()
    for line in path.read_bytes().splitlines():
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            ids.add(record["id"])
    return ids


async def run_model(
    settings: RunSettings,
    work: Iterable[tuple[Category, Entry]],
    out: Path,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_done: Callable[[], None] | None = None,
) -> RunStats:
    """Ask the model every entry not yet in ``out`` and append its answers there."""
    client = settings.client(transport)
    try:
        return await append_answers(
            out, [(e.id, (c, e)) for c, e in work], lambda ce: _ask(client, settings, *ce), on_done
        )
    finally:
        await client.aclose()


async def append_answers(
    out: Path,
    items: Sequence[tuple[str, T]],
    answer: Callable[[T], Awaitable[dict[str, Any]]],
    on_done: Callable[[], None] | None = None,
) -> RunStats:
    """Answer every item whose id is not yet in ``out`` (concurrently), appending each
    answer as one line as soon as it is known, so that an interrupted run resumes; what
    raises ``Unanswered`` is counted as failed and retried by the next run."""
    stats = RunStats()
    already = done_ids(out)
    todo = [(entry_id, item) for entry_id, item in items if entry_id not in already]
    stats.skipped = len(items) - len(todo)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("ab") as handle:

        async def one(entry_id: str, item: T) -> None:
            try:
                record = await answer(item)
            except Unanswered as exc:
                stats.failed[entry_id] = str(exc)
            else:
                handle.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
                handle.flush()
                stats.answered += 1
            if on_done is not None:
                on_done()

        await asyncio.gather(*(one(entry_id, item) for entry_id, item in todo))
    return stats


class Unanswered(Exception):
    """An entry could not be answered (after retries, the answer was unusable, or the
    sandbox gave up); the run goes on and the next run retries it."""


def request_body(settings: RunSettings, category: Category, entry: Entry) -> dict[str, Any]:
    """The chat-completions request for one entry, in the run's mode."""
    docs = model_functions(category, entry.functions)
    body: dict[str, Any] = {
        "model": settings.model,
        "temperature": settings.temperature,
        "messages": messages(entry.question, docs, prompt=settings.mode == "prompt"),
    }
    if settings.mode == "fc" and docs:
        body["tools"] = openai_tools(docs)
    return body


async def _ask(
    client: ChatClient, settings: RunSettings, category: Category, entry: Entry
) -> dict[str, Any]:
    try:
        body = request_body(settings, category, entry)
    except SpecError as exc:
        raise Unanswered(f"function docs cannot be sent as tools: {exc.message}") from None
    started = time.perf_counter()
    try:
        reply = await client.request(body)
    except JudgeError as exc:
        raise Unanswered(exc.message) from None
    latency = time.perf_counter() - started
    usage: dict[str, Any] = reply["usage"] if isinstance(reply.get("usage"), dict) else {}
    return {
        "id": entry.id,
        "result": _result(reply, settings.mode),
        "latency": round(latency, 3),
        "input_token_count": usage.get("prompt_tokens", 0),
        "output_token_count": usage.get("completion_tokens", 0),
    }


def _result(reply: dict[str, Any], mode: Mode) -> str | list[dict[str, str]]:
    try:
        message = reply["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        raise Unanswered("the answer has no choices[0].message") from None
    if not isinstance(message, dict):
        raise Unanswered("choices[0].message is not an object")
    text = message.get("content") or ""
    calls = message.get("tool_calls")
    if mode == "fc" and isinstance(calls, list) and calls:
        out: list[dict[str, str]] = []
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if not isinstance(function, dict) or not isinstance(function.get("name"), str):
                raise Unanswered("a tool call has no function name")
            arguments = function.get("arguments", "{}")
            if not isinstance(arguments, str):
                arguments = orjson.dumps(arguments).decode()
            out.append({function["name"]: arguments})
        return out
    return text if isinstance(text, str) else str(text)
