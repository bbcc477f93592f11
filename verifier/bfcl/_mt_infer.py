"""Drive a model through BFCL's multi-turn entries, its calls executed in the sandbox.

What BFCL's ``inference_multi_turn_FC`` / ``_prompting`` do, over an OpenAI-compatible
endpoint: the model sees the function docs of the entry's involved classes (miss_func
entries hold some back until the turn BFCL reveals them, with BFCL's "I have updated some
more functions" message); each turn, the user's messages are added and the model is asked
again and again (a *step* each) while its answer decodes to calls: the calls run on the
entry's backends in a process-sandbox session (state kept across turns) and their
results go back to the model (``tool`` messages in function-calling mode, one user
message holding ``repr`` of the results in prompting mode). An answer without calls ends
the turn; more than BFCL's 20 steps in a turn ends the entry (force termination, which
the checker fails). The result written is BFCL's: per turn, the list of step answers.
"""

from __future__ import annotations

import asyncio
import queue
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson

from sandbox import Session
from toolspec.errors import JudgeError
from verifier._judge._client import ChatClient
from verifier.bfcl._backends import CLASS_MODULES
from verifier.bfcl._categories import MULTI_TURN_CATEGORIES
from verifier.bfcl._data import DEFAULT_DATA_DIR
from verifier.bfcl._mt_check import MultiTurnEntry, begin_args
from verifier.bfcl._mt_decode import decode_fc, decode_prompt
from verifier.bfcl._mt_run import MultiTurnRunner
from verifier.bfcl._prompt import messages, model_functions, openai_tools
from verifier.bfcl._runner import RunSettings, RunStats, Unanswered, append_answers

MAX_STEPS = 20
"""BFCL's ``MAXIMUM_STEP_LIMIT``: steps allowed in one turn before the entry is ended."""
MORE_FUNCTIONS = "I have updated some more functions you can choose from. What about now?"
"""BFCL's user message on the turn that reveals held-out functions (function calling)."""
FUNC_DOCS = DEFAULT_DATA_DIR / "multi_turn_func_doc"


def function_docs(
    entry: MultiTurnEntry, doc_dir: Path = FUNC_DOCS
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """(docs shown from the start, docs held out per turn index), as BFCL builds them."""
    docs: list[dict[str, Any]] = []
    for class_name in entry.involved_classes:
        path = doc_dir / f"{CLASS_MODULES[class_name]}.json"
        docs += [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    held: dict[str, list[dict[str, Any]]] = {}
    for turn, names in entry.missed_function.items():
        held[turn] = []
        for name in names:
            found = next((i for i, d in enumerate(docs) if d.get("name") == name), None)
            if found is not None:
                held[turn].append(docs.pop(found))
    return docs, held


async def run_multi_turn(
    settings: RunSettings,
    entries: list[MultiTurnEntry],
    out: Path,
    runner: MultiTurnRunner,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_done: Callable[[], None] | None = None,
) -> RunStats:
    """Run the model on every entry not yet in ``out``; append BFCL results there."""
    client = settings.client(transport)
    sessions: queue.SimpleQueue[Session] = queue.SimpleQueue()
    opened = [runner.sandbox.session(runner.bundle, runner.limits) for _ in range(runner.workers)]
    for session in opened:
        sessions.put(session)
    slots = asyncio.Semaphore(len(opened))

    async def answer(entry: MultiTurnEntry) -> dict[str, Any]:
        async with slots:  # one sandbox session per entry in flight
            session = sessions.get()
            try:
                return await _drive(client, settings, entry, session)
            finally:
                sessions.put(session)

    try:
        return await append_answers(out, [(e.id, e) for e in entries], answer, on_done)
    finally:
        await client.aclose()
        for session in opened:
            session.close()


async def _execute(session: Session, entry: str, args: dict[str, Any]) -> Any:
    outcome = await asyncio.to_thread(session.call, entry, args)
    if not outcome.ok:
        error = outcome.error
        raise Unanswered(f"the backends failed: {error.kind}: {error.message}" if error else "")
    return outcome.value


async def _drive(
    client: ChatClient, settings: RunSettings, entry: MultiTurnEntry, session: Session
) -> dict[str, Any]:
    await asyncio.to_thread(session.reset)
    await _execute(session, "begin", begin_args(entry, "model"))
    fc = settings.mode == "fc"
    category = MULTI_TURN_CATEGORIES[entry.category]
    docs, held = function_docs(entry)
    chat: list[dict[str, Any]] = []
    result: list[list[Any]] = []
    usage: dict[str, list[list[float]]] = {"latency": [], "input": [], "output": []}
    for index, turn in enumerate(entry.question):
        said = [dict(m) for m in turn if isinstance(m, dict)] if isinstance(turn, list) else []
        if str(index) in held:
            docs = docs + held[str(index)]
            text = MORE_FUNCTIONS if fc else f"{held[str(index)]}\n{MORE_FUNCTIONS}"
            said = [{"role": "user", "content": text}]
        if index == 0 and not fc:
            said = messages([said], model_functions(category, docs), prompt=True)
        chat.extend(said)
        tools = openai_tools(model_functions(category, docs)) if fc and docs else None
        steps, forced = await _turn(client, settings, session, chat, tools, usage)
        result.append(steps)
        if forced:
            break
    return {
        "id": entry.id,
        "result": result,
        "latency": usage["latency"],
        "input_token_count": usage["input"],
        "output_token_count": usage["output"],
    }


async def _turn(
    client: ChatClient,
    settings: RunSettings,
    session: Session,
    chat: list[dict[str, Any]],
    tools: list[dict[str, Any]] | None,
    usage: dict[str, list[list[float]]],
) -> tuple[list[Any], bool]:
    """One turn's steps; True when the step limit ended it."""
    steps: list[Any] = []
    for key in usage:
        usage[key].append([])
    for _ in range(MAX_STEPS + 1):
        body: dict[str, Any] = {"model": settings.model, "temperature": settings.temperature,
                                "messages": chat}  # fmt: skip
        if tools:
            body["tools"] = tools
        started = time.perf_counter()
        try:
            reply = await client.request(body)
        except JudgeError as exc:
            raise Unanswered(exc.message) from None
        usage["latency"][-1].append(round(time.perf_counter() - started, 3))
        counts: dict[str, Any] = reply["usage"] if isinstance(reply.get("usage"), dict) else {}
        usage["input"][-1].append(counts.get("prompt_tokens", 0))
        usage["output"][-1].append(counts.get("completion_tokens", 0))
        message = _message(reply)
        chat.append(message)
        fc = settings.mode == "fc"
        answer, ids = _answer(message, fc)
        steps.append(answer)
        calls = decode_fc(answer) if fc else decode_prompt(answer)
        if not calls:
            return steps, False
        ran = await _execute(session, "execute", {"steps": [calls]})
        results: list[str] = ran["results"][0]
        if fc:
            chat.extend(
                {"role": "tool", "content": r, "tool_call_id": i}
                for r, i in zip(results, ids, strict=False)
            )
        else:
            shown = [
                {"role": "tool", "name": c, "content": r}
                for c, r in zip(calls, results, strict=True)
            ]
            chat.append({"role": "user", "content": repr(shown)})
    return steps, True


def _message(reply: dict[str, Any]) -> dict[str, Any]:
    try:
        message = reply["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        raise Unanswered("the answer has no choices[0].message") from None
    if not isinstance(message, dict):
        raise Unanswered("choices[0].message is not an object")
    return {k: v for k, v in message.items() if v is not None}


def _answer(message: dict[str, Any], fc: bool) -> tuple[Any, list[str]]:
    """BFCL's record of a step: ``[{name: arguments}]`` of the tool calls, else the text."""
    calls = message.get("tool_calls")
    if fc and isinstance(calls, list):
        out: list[dict[str, str]] = []
        ids: list[str] = []
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if not isinstance(function, dict) or not isinstance(function.get("name"), str):
                raise Unanswered("a tool call has no function name")
            arguments = function.get("arguments", "{}")
            if not isinstance(arguments, str):
                arguments = orjson.dumps(arguments).decode()
            out.append({function["name"]: arguments})
            ids.append(str(call.get("id", "")))
        return out, ids
    text = message.get("content") or ""
    return (text if isinstance(text, str) else str(text)), []
