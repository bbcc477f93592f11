"""Turn a regular expression into a small program that expands to strings matching it.

The runtime must produce ids and codes that satisfy the ``pattern`` other tools demand
(``^ORD-\\d{6}$``), and it is stdlib-only interpretation code, so the parsing happens here
once, at compile time, with Python's own regex parser. The program is JSON data:

    ["lit", "ORD-"]            literal text
    ["set", "0123456789"]      one character out of these
    ["rep", lo, hi, program]   the program repeated lo..hi times
    ["alt", [program, ...]]    one of the programs

Look-arounds, back-references and conditionals have no program (``None``); the caller then
falls back to name-based values and the manifest says so.
"""

from __future__ import annotations

import importlib
import random
import re
import string
from typing import Any

PARSER: Any = importlib.import_module("re._parser")
C: Any = importlib.import_module("re._constants")

PRINTABLE = string.ascii_letters + string.digits + "-_."
CATEGORIES = {
    C.CATEGORY_DIGIT: string.digits,
    C.CATEGORY_NOT_DIGIT: string.ascii_letters,
    C.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    C.CATEGORY_NOT_WORD: "-.:/ ",
    C.CATEGORY_SPACE: " ",
    C.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
}
EXTRA_REPEAT = 3
MAX_SET = 256


class Unsupported(Exception):
    """The pattern uses a construct that has no expansion program."""


def program(pattern: str) -> list[Any] | None:
    """The expansion program of ``pattern``, or None when it cannot be expanded reliably."""
    try:
        prog = convert(PARSER.parse(pattern))
    except (Unsupported, re.error, RecursionError):
        return None
    rx = re.compile(pattern)
    rng = random.Random(0)
    if all(rx.search(expand(prog, rng)) for _ in range(5)):
        return prog
    return None


def char_set(items: Any) -> str:
    chars: list[str] = []
    negate = False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            chars.append(chr(av))
        elif op is C.RANGE:
            lo, hi = av
            chars.extend(chr(c) for c in range(lo, min(hi, lo + MAX_SET) + 1))
        elif op is C.CATEGORY:
            chars.extend(CATEGORIES.get(av, ""))
        else:
            raise Unsupported(str(op))
    if negate:
        banned = set(chars)
        chars = [c for c in PRINTABLE if c not in banned]
    if not chars:
        raise Unsupported("empty character set")
    return "".join(dict.fromkeys(chars))


def convert(parsed: Any) -> list[Any]:
    out: list[Any] = []
    for op, av in parsed:
        if op is C.LITERAL:
            if out and out[-1][0] == "lit":
                out[-1] = ["lit", out[-1][1] + chr(av)]
            else:
                out.append(["lit", chr(av)])
        elif op is C.NOT_LITERAL:
            out.append(["set", "".join(c for c in PRINTABLE if c != chr(av))])
        elif op is C.ANY:
            out.append(["set", string.ascii_letters + string.digits])
        elif op is C.IN:
            out.append(["set", char_set(av)])
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            hi = lo + EXTRA_REPEAT if hi is C.MAXREPEAT else min(hi, lo + EXTRA_REPEAT)
            out.append(["rep", lo, hi, convert(sub)])
        elif op is C.SUBPATTERN:
            out.extend(convert(av[-1]))
        elif op is C.ATOMIC_GROUP:
            out.extend(convert(av))
        elif op is C.BRANCH:
            out.append(["alt", [convert(branch) for branch in av[1]]])
        elif op is C.AT:
            continue
        else:
            raise Unsupported(str(op))
    return out


def expand(prog: list[Any], rng: random.Random) -> str:
    """Reference expansion, identical to the runtime's, used to self-check a program."""
    parts: list[str] = []
    for node in prog:
        if node[0] == "lit":
            parts.append(node[1])
        elif node[0] == "set":
            parts.append(rng.choice(node[1]))
        elif node[0] == "rep":
            parts.extend(expand(node[3], rng) for _ in range(rng.randint(node[1], node[2])))
        else:
            parts.append(expand(rng.choice(node[1]), rng))
    return "".join(parts)
