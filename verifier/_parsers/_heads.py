"""Find call names and argument names that Python cannot parse, and mask them.

ToolACE writes calls as ``[Market Trends API(trend_type="MARKET_INDEXES")]``; other data
has ``get-weather(...)``, ``3d_render(...)``, ``Flight Search(from="NYC")``. Python's
parser rejects (or misreads) these, so when the direct parse fails this scanner walks the
text once, respecting string literals, finds each top-level call head and each argument
name, and replaces every one that is not a plain (dotted) identifier with underscores *of
the same length*. Character offsets therefore stay valid for error messages, and the
parser tells the original names back by position (call index, keyword index).
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field

_NOT_IN_NAMES = frozenset("'\"()[]{}=,\n\r")
_OPEN = "([{"
_CLOSE = ")]}"


@dataclass(slots=True)
class Masked:
    """The text with odd names masked, and the original names by position."""

    text: str
    call_names: dict[int, str] = field(default_factory=dict)
    arg_names: dict[tuple[int, int], str] = field(default_factory=dict)


def is_plain_name(name: str) -> bool:
    """True for ``f`` or ``math.factorial``: names Python parses as written."""
    return all(part.isidentifier() and not keyword.iskeyword(part) for part in name.split("."))


def _is_plain_arg(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def _skip_string(text: str, i: int) -> int:
    """Index just past the string literal opening at ``i``; -1 if it never closes."""
    quote = text[i]
    n = len(text)
    if text.startswith(quote * 3, i):
        j = i + 3
        while j < n:
            if text[j] == "\\":
                j += 2
            elif text.startswith(quote * 3, j):
                return j + 3
            else:
                j += 1
        return -1
    j = i + 1
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
        elif c == quote:
            return j + 1
        elif c == "\n" or c == "\r":
            return -1
        else:
            j += 1
    return -1


def _name_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The stripped span of ``text[start:end]`` if it looks like a name, else None."""
    segment = text[start:end]
    stripped = segment.strip()
    if not stripped or any(c in _NOT_IN_NAMES for c in stripped):
        return None
    lead = len(segment) - len(segment.lstrip())
    return start + lead, start + lead + len(stripped)


def mask_names(text: str) -> Masked | None:
    """Mask the call heads and argument names of ``text``; None when nothing needs masking."""
    chars = list(text)
    masked = Masked(text)
    base = 1 if text.startswith("[") else 0
    stack: list[str] = []
    segment = base  # where the current call head (or argument name) begins
    call = -1
    kw = 0
    in_args = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "'" or c == '"':
            i = _skip_string(text, i)
            if i < 0:
                return None
            continue
        depth = len(stack)
        if c in _OPEN:
            if depth == base and c == "(":
                call += 1
                kw = 0
                span = _name_span(text, segment, i)
                if span is not None and not is_plain_name(text[span[0] : span[1]]):
                    masked.call_names[call] = text[span[0] : span[1]]
                    chars[span[0] : span[1]] = "_" * (span[1] - span[0])
                in_args = True
                segment = i + 1
            stack.append(c)
        elif c in _CLOSE:
            if stack:
                stack.pop()
            if len(stack) == base:
                in_args = False
        elif c == "," and (depth == base or (in_args and depth == base + 1)):
            segment = i + 1
        elif c == "=" and in_args and depth == base + 1 and _is_assignment(text, i):
            span = _name_span(text, segment, i)
            if span is not None and not _is_plain_arg(text[span[0] : span[1]]):
                masked.arg_names[(call, kw)] = text[span[0] : span[1]]
                chars[span[0] : span[1]] = "_" * (span[1] - span[0])
            kw += 1
        i += 1
    if not masked.call_names and not masked.arg_names:
        return None
    masked.text = "".join(chars)
    return masked


def _is_assignment(text: str, i: int) -> bool:
    """``=`` binding an argument, not part of ``==``, ``<=``, ``>=``, ``!=``."""
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return before not in "=<>!" and after != "="
