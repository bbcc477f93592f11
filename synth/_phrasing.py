"""How the offline agents say things: requests from a tool and its arguments, and answers
that state what the executed tools returned, in sentences.

A request names the task as a person would ("create a budget with budget name Maple
Budget and monthly limit 820", "look up order ORD-123456"), from the tool's name when it
starts with a verb and from its description otherwise. An answer reports the values the
tool output holds that the user did not already say: the id a create returned, how many
results a search found and what the first one is, the fields a get fetched. Sentence
parts live in ``data/phrases.json``; this module only assembles them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import orjson

from mock_apis import classify_name as classify
from synth._catalogue import data_text, plural
from synth._dedupe import words
from synth._values import say
from toolspec import ToolSpec

#: Verbs a request can start with as they are (the tool name's first word).
VERBS = frozenset(("get", "search", "find", "create", "list", "count", "export", "compare",
                   "watch", "summarize", "update", "delete", "archive", "restore", "calculate",
                   "convert", "generate", "send", "book", "check", "schedule", "cancel",
                   "translate", "add", "remove", "set", "play", "fetch", "analyze", "estimate",
                   "predict", "recommend", "track", "validate", "lookup", "retrieve"))  # fmt: skip
#: Opening words of descriptions that are not a task ("This function …").
NOT_A_TASK = re.compile(r"^(this|the|a|an|it|returns?|provides?|api|function|tool)\b", re.I)
AN = re.compile(r"(\ba )([aeiou])")
#: Output keys that say nothing to the user.
QUIET = frozenset(("status", "result", "success", "message_id", "created_at", "updated_at"))


@cache
def phrases() -> dict[str, Any]:
    found = orjson.loads(data_text("phrases.json"))
    return found if isinstance(found, dict) else {}


def pick(key: str, rng: random.Random, **slots: Any) -> str:
    template = rng.choice(phrases()[key])
    return template.format(**slots) if isinstance(template, str) else template


def listing(parts: Sequence[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _present(first: str) -> str:
    """``Retrieves`` → ``retrieve``; ``Identifies`` → ``identify``."""
    low = first.lower()
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith(("sses", "ches", "shes", "xes")):
        return low[:-2]
    if low.endswith("s") and not low.endswith("ss") and len(low) > 3:
        return low[:-1]
    return low


def task(spec: ToolSpec) -> str:
    """The tool's job as an imperative clause ("search hotels by city")."""
    name_words = words(spec.name.rsplit(".", 1)[-1])
    sentence = spec.description.strip().split(". ")[0].rstrip(". ")
    sentence = re.split(r"[;:]| — |, as ", sentence)[0].strip()
    if sentence and not NOT_A_TASK.match(sentence) and len(sentence.split()) <= 16:
        head, _, rest = sentence.partition(" ")
        verb = _present(head)
        if verb in VERBS or verb == (name_words[:1] or [""])[0]:
            return AN.sub(r"\1an \2", f"{verb} {rest}".strip().rstrip(",."))
    if name_words and name_words[0] in VERBS:
        return " ".join(name_words)
    return "use " + " ".join(name_words) if name_words else "help"


def values_phrase(args: dict[str, Any], skip: Sequence[str] = ()) -> str:
    return listing([f"{' '.join(words(k))} {say(v)}" for k, v in args.items() if k not in skip])


def request(spec: ToolSpec, args: dict[str, Any], skip: Sequence[str] = ()) -> str:
    """``create a budget … with budget name Maple Budget and monthly limit 820``."""
    kind, entity = classify(spec.name)
    ids = [k for k in args if k not in skip and k.endswith("_id") and isinstance(args[k], str)]
    if kind == "get" and entity and len(args) == 1 and ids:
        return f"look up {' '.join(words(entity))} {args[ids[0]]}"
    with_ = values_phrase(args, skip)
    return task(spec) + (f" with {with_}" if with_ else "")


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _facts(result: dict[str, Any], said: set[str], limit: int = 3) -> list[str]:
    """``key value`` phrases of output values the user did not say."""
    out: list[str] = []
    for key, value in result.items():
        if key in QUIET or not _scalar(value) or str(value) in said or str(value) == "":
            continue
        out.append(f"{' '.join(words(key))} {str(value).rstrip('.')}")
        if len(out) == limit:
            break
    return out


def _item(item: Any, said: set[str]) -> str:
    if isinstance(item, dict):
        return listing(_facts(item, said, 2)) or "an entry without details"
    return say(item)


def report(spec: ToolSpec, args: dict[str, Any], result: Any, rng: random.Random) -> str:
    """One or two sentences on what one executed call returned."""
    kind, entity = classify(spec.name)
    thing = " ".join(words(entity or spec.name))
    things = " ".join(words(plural(entity))) if entity else f"{thing} results"
    said = {str(v) for v in args.values()}
    if isinstance(result, dict):
        listed = next((v for v in result.values() if isinstance(v, list)), None)
        if listed is not None and kind in ("search", "list", "get"):
            if not listed:
                return pick("none", rng, things=things)
            found = pick("found", rng, n=len(listed), things=thing if len(listed) == 1 else things)
            return f"{found} {pick('first', rng, item=_item(listed[0], said))}"
        count = result.get("count")
        if spec.name.startswith("count_") and isinstance(count, int):
            return pick("counted", rng, n=count, things=thing if count == 1 else things)
        url = result.get("download_url")
        if isinstance(url, str):
            return pick("exported", rng, url=url, rows=result.get("rows", "the"))
        ident = next((str(v) for k, v in result.items() if k.endswith("id") and _scalar(v)), "")
        status = result.get("status")
        if kind == "create" and ident:
            extra = listing(_facts(result, said | {ident}, 2))
            return pick("created", rng, thing=thing, id=ident) + (
                f" It lists {extra}." if extra else ""
            )
        if kind in ("delete", "cancel") and ident and isinstance(status, str):
            return pick("removed", rng, thing=thing, Thing=thing.capitalize(), id=ident,
                        status=status)  # fmt: skip
        facts = _facts(result, said)
        if facts:
            return pick("facts", rng, thing=thing, facts=listing(facts))
        if isinstance(status, str):
            return f"The {thing} request went through (status {status})."
    if isinstance(result, list):
        if not result:
            return pick("none", rng, things=things)
        return f"I got {len(result)} back; the first is {_item(result[0], said)}."
    return pick("plain", rng, value=say(result))


def abilities(tools: Sequence[ToolSpec], rng: random.Random, limit: int = 2) -> str:
    chosen = list(tools)
    rng.shuffle(chosen)
    return listing([task(t) for t in chosen[:limit]])
