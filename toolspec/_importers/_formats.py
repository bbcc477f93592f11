"""Formats stated only in a parameter's description → ``ToolSpec.hints``.

ToolACE, Glaive and BFCL rarely use JSON Schema's ``format``; they write "Start date
(YYYY-MM-DD)" or "2-letter country code - see ISO 3166" instead. The rule layer can only
check such a value if the importer lifts the stated format out of the prose.

Detection is deliberately conservative: a wrong hint turns a correct call into a
``call.format_violation``, a missed one only loses a check. So a rule fires on an explicit
statement of the format (a pattern such as ``YYYY-MM-DD``, a standard's name, or the
description's head noun such as "The email address of …"), never on a mere topic ("The
date of the event" states no format). A description that offers an alternative ("now or
YYYY-MM-DD", "name or UUID") or matches two different formats yields no hint.

Format names: :data:`FORMAT_NAMES`, the argument checks' own list (``toolspec._checks``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from toolspec._checks._formats import HINT_FORMATS

FORMAT_NAMES = HINT_FORMATS

_I = re.IGNORECASE

#: "The recipient's email address …": up to three words before the head noun, none a
#: preposition or conjunction (so "The password of the email address" is not an email).
_LEAD = (
    r"^\W*(?:(?:the|an?|your|their|its)\s+)?"
    r"(?:(?!(?:of|for|to|from|with|by|in|on|at|or|and|not|whose|which|if)\b)[\w'’.-]+\s+){0,3}"
)


@dataclass(frozen=True)
class FormatRule:
    """``pattern`` states ``format`` unless ``veto`` also matches the description."""

    format: str
    pattern: re.Pattern[str]
    veto: re.Pattern[str] | None = None


#: Checked in order; the first ``date-time`` rule wins outright over ``date``/``time``.
RULES: tuple[FormatRule, ...] = (
    FormatRule("date-time", re.compile(r"\byyyy-mm-dd(?:'t'|t)hh:mm", _I)),
    FormatRule(
        "date-time",
        re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)\b"),
    ),
    FormatRule(
        "date-time",
        re.compile(
            r"\b(?:date[- ]?time|date and time|timestamp)\b[^.]*\biso[ -]?8601\b"
            r"|\biso[ -]?8601\b[^.]*\b(?:date[- ]?time|date and time|timestamp)\b"
            r"|\brfc[ -]?3339\b",
            _I,
        ),
    ),
    FormatRule(
        "date",
        re.compile(r"\byyyy-mm-dd\b", _I),
        veto=re.compile(
            r"yyyy-mm-dd['\"]?\s*(?:'?t'?)?\s*(?:hh|\d\d:)"  # a date-time without the T
            r"|yyyy-mm-dd\W*\s+(?:to|-|–)\s+\W*yyyy",  # a range of two dates
            _I,
        ),
    ),
    FormatRule(
        "date",
        re.compile(r"\bdate\b[^.]*\biso[ -]?8601\b|\biso[ -]?8601 date\b", _I),
        veto=re.compile(r"\btime\b|\bhh\b", _I),
    ),
    FormatRule(
        "time",
        re.compile(r"\bhh:mm(?::ss)?\b", _I),
        veto=re.compile(r"(?:yyyy|dd)\s*(?:'?t'?)?\s*hh|hh:mm(?::ss)?\s*(?:am|pm|a\b)", _I),
    ),
    FormatRule("email", re.compile(_LEAD + r"e-?mail\s+address\b", _I)),
    FormatRule(
        "uri",
        re.compile(
            _LEAD + r"ur[li]\b(?![-_]\w| (?:path|slug|suffix|segment|param|encoded|key|name|"
            r"part|fragment|query|id\b|template|pattern|prefix|code|request))",
            _I,
        ),
        veto=re.compile(r"\bwithout (?:the )?(?:https?|protocol|scheme|schema)", _I),
    ),
    FormatRule(
        "uuid",
        re.compile(_LEAD + r"uuid\b|\b(?:valid|in)\s+uuid\b(?!s)|\buuid\s+format\b", _I),
    ),
    FormatRule(
        "ipv4",
        re.compile(r"\bipv?4\s+address\b|\baddress\b[^.]{0,20}\bipv?4\b", _I),
        veto=re.compile(r"\bipv?6\b", _I),
    ),
    FormatRule(
        "ipv6",
        re.compile(r"\bipv?6\s+address\b|\baddress\b[^.]{0,20}\bipv?6\b", _I),
        veto=re.compile(r"\bipv?4\b", _I),
    ),
    FormatRule(
        "iso4217",
        re.compile(r"\biso[ -]?4217\b|\b(?:3|three)[- ]letter\s+(?:iso\s+)?currency\s+code", _I),
        veto=re.compile(r"crypto", _I),
    ),
    FormatRule(
        "iso3166-alpha2",
        re.compile(
            r"\biso[ _-]?3166(?:-1)?[ _(-]*alpha[ _-]?2\b"
            r"|\b(?:2|two)[- ]letter\s+(?:iso[ -]?3166(?:-1)?\s+)?country\s+code",
            _I,
        ),
        veto=re.compile(r"alpha[ _-]?3|\b(?:3|three)[- ]letter|\bnumeric\b", _I),
    ),
    FormatRule(
        "iso639-1",
        re.compile(
            r"\biso[ _-]?639-1\b|\b(?:2|two)[- ]letter\s+(?:iso[ -]?639(?:-1)?\s+)?language\s+code",
            _I,
        ),
        veto=re.compile(r"639-[23]|\b(?:3|three)[- ]letter|\b[a-z]{2}[-_][A-Z]{2}\b"),
    ),
)

_ALTERNATIVE_BEFORE = re.compile(r"\bor\s+\W*$", _I)
_ALTERNATIVE_AFTER = re.compile(r"^\W*\s*(?:format\s+)?or\b", _I)

#: Vetoes for every rule: the parameter *is* a format ("The desired date format. Default
#: is YYYY-MM-DD"), the value is composed ("the 'lang_' prefix followed by …"), or the
#: examples include values of another shape ("'123e…' or 'PROJECTGO'").
_GLOBAL_VETO = re.compile(
    r"^\W*(?:the\s+)?(?:[\w-]+\s+){0,2}format\b(?!\s*:)"
    r"|\bprefix(?:ed)?\b"
    r"|['\"]\s*,?\s*or\s+['\"]",
    _I,
)


def _offers_alternative(text: str, match: re.Match[str]) -> bool:
    """True for "now or YYYY-MM-DD", "UUID or name": the stated format is one of several."""
    before = text[max(0, match.start() - 8) : match.start()]
    after = text[match.end() : match.end() + 16]
    return bool(_ALTERNATIVE_BEFORE.search(before) or _ALTERNATIVE_AFTER.search(after))


@lru_cache(maxsize=8192)
def detect_format(description: str) -> str | None:
    """The one format a description states, or None (none stated, or ambiguous)."""
    if _GLOBAL_VETO.search(description):
        return None
    found: set[str] = set()
    for rule in RULES:
        if rule.format in found:
            continue
        match = rule.pattern.search(description)
        if match is None or _offers_alternative(description, match):
            continue
        if rule.veto is not None and rule.veto.search(description):
            continue
        if rule.format == "date-time":
            return "date-time"
        found.add(rule.format)
    return found.pop() if len(found) == 1 else None


def collect_hints(schema: Any, pointer: str = "") -> dict[str, str]:
    """JSON pointer → stated format, for every string sub-schema of a normalised schema.

    A sub-schema that already constrains its values (``format``, ``enum``, ``pattern``,
    ``const``) gets no hint: the schema is the authority there.
    """
    hints: dict[str, str] = {}
    _collect(schema, pointer, hints, 0)
    return hints


def _collect(schema: Any, pointer: str, hints: dict[str, str], depth: int) -> None:
    if not isinstance(schema, dict) or depth > 64:
        return
    props = schema.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            _collect(sub, f"{pointer}/properties/{_escape(name)}", hints, depth + 1)
    items = schema.get("items")
    if isinstance(items, dict):
        _collect(items, f"{pointer}/items", hints, depth + 1)
        if isinstance(schema.get("description"), str) and _is_plain_string(items):
            fmt = detect_format(schema["description"])  # "List of dates in YYYY-MM-DD"
            if fmt is not None and f"{pointer}/items" not in hints:
                hints[f"{pointer}/items"] = fmt
    description = schema.get("description")
    if pointer and isinstance(description, str) and _is_plain_string(schema):
        fmt = detect_format(description)
        if fmt is not None:
            hints[pointer] = fmt


def _is_plain_string(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    is_string = kind is None or kind == "string" or (isinstance(kind, list) and "string" in kind)
    if not is_string or "properties" in schema or "items" in schema:
        return False
    return not any(k in schema for k in ("format", "enum", "pattern", "const"))


def _escape(name: object) -> str:
    return str(name).replace("~", "~0").replace("/", "~1")
