"""Find call names and argument names that Python cannot parse, and mask them.

ToolACE writes calls as ``[Market Trends API(trend_type="MARKET_INDEXES")]`` and even
``[User Feed (Video Posts) V2(username="x")]``; other data has ``get-weather(...)``,
``3d_render(...)``, ``withinQuery(from=30)``. Python's parser rejects (or misreads) these,
so when the direct parse fails this scanner walks the text once, respecting string
literals. It splits the top level at commas into items; in each item the *last*
parenthesised group is the argument list and everything before it is the name. Each
name, and each argument name, that is not a plain identifier is replaced by underscores
*of the same length*, so character offsets stay valid for error messages and the parser
tells the original names back by position (item index, keyword index).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

_PY_SPACE = " \t\f"  # what Python's tokenizer skips between tokens on one line
_NOT_IN_NAMES = frozenset("'\"[]{}=,\n\r")
_OPEN = "([{"
_CLOSE = ")]}"
# What the scanner stops at: brackets, commas, '=' and string openings. The string patterns
# then skip a whole literal (escapes included; a one-quote string ends at a line break).
_STRUCTURE = re.compile("'''|\"\"\"|['\"()\\[\\]{},=]")
_FIRST_HEAD = re.compile(r"\[?([^'\"()\[\]{}=,\n\r]+)\(")
_STRINGS = {
    "'": re.compile(r"'(?:[^'\\\n\r]|\\[\s\S])*'"),
    '"': re.compile(r'"(?:[^"\\\n\r]|\\[\s\S])*"'),
    "'''": re.compile(r"'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''"),
    '"""': re.compile(r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""'),
}


@dataclass(slots=True)
class Masked:
    """The text with odd names masked, and the original names by position."""

    text: str
    call_names: dict[int, str] = field(default_factory=dict)
    arg_names: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass(slots=True)
class _Group:
    """A parenthesised group at the top level: maybe an argument list."""

    open: int
    segment: int
    keywords: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class _Item:
    start: int
    groups: list[_Group] = field(default_factory=list)


def is_plain_name(name: str) -> bool:
    """True for ``f`` or ``math.factorial`` (or ``math . factorial``): names Python reads."""
    return all(_is_plain_arg(part.strip(_PY_SPACE)) for part in name.split("."))


def first_name_is_odd(text: str) -> bool:
    """Cheap test: is the first call name one Python cannot read (``Market Trends API``)?

    Lets ToolACE-style text skip the direct parse, whose SyntaxError costs more than the
    whole masked parse.
    """
    match = _FIRST_HEAD.match(text)
    return match is not None and not is_plain_name(match.group(1))


def _is_plain_arg(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def mask_names(text: str) -> Masked | None:
    """Mask the odd call names and argument names of ``text``; None when there are none."""
    items = _top_level_items(text)
    if items is None:
        return None
    chars = list(text)
    masked = Masked(text)

    def mask(start: int, end: int) -> str | None:
        segment = text[start:end]
        name = segment.strip()
        if not name or any(c in _NOT_IN_NAMES for c in name):
            return None
        lead = start + len(segment) - len(segment.lstrip())
        chars[lead : lead + len(name)] = "_" * len(name)
        return name

    for number, item in enumerate(items):
        if not item.groups:
            continue
        arguments = item.groups[-1]
        if not is_plain_name(text[item.start : arguments.open].strip()):
            name = mask(item.start, arguments.open)
            if name is not None:
                masked.call_names[number] = name
        for position, (start, end) in enumerate(arguments.keywords):
            if not _is_plain_arg(text[start:end].strip()):
                name = mask(start, end)
                if name is not None:
                    masked.arg_names[(number, position)] = name
    if not masked.call_names and not masked.arg_names:
        return None
    masked.text = "".join(chars)
    return masked


def _top_level_items(text: str) -> list[_Item] | None:
    """Items of the top-level list (or of the bare text); None if a string never closes."""
    base = 1 if text.startswith("[") else 0
    items = [_Item(base)]
    stack: list[str] = []
    group: _Group | None = None
    search = _STRUCTURE.search
    match = search(text)
    while match is not None:
        c = match.group()
        i = match.start()
        if c[0] == "'" or c[0] == '"':
            end = _STRINGS[c].match(text, i)
            if end is None:
                return None
            match = search(text, end.end())
            continue
        depth = len(stack)
        if c in _OPEN:
            if depth == base and c == "(":
                group = _Group(open=i, segment=i + 1)
            stack.append(c)
        elif c in _CLOSE:
            if stack:
                stack.pop()
            if len(stack) < base:
                break
            if len(stack) == base and group is not None:
                items[-1].groups.append(group)
                group = None
        elif c == ",":
            if depth == base:
                items.append(_Item(i + 1))
            elif group is not None and depth == base + 1:
                group.segment = i + 1
        elif group is not None and depth == base + 1 and _is_binding(text, i):
            group.keywords.append((group.segment, i))
        match = search(text, i + 1)
    return items


def _is_binding(text: str, i: int) -> bool:
    """``=`` binding an argument, not part of ``==``, ``<=``, ``>=``, ``!=``, ``:=``."""
    return text[i - 1] not in "=<>!:" and text[i + 1 : i + 2] != "="
