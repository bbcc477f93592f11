"""What a tool's name says: its words, its Python identifier, its verb and its entity.

Real tool names are not identifiers (``Market Trends API``, ``math.factorial``,
``getUserById``), so every tool gets an entry identifier for the generated module, and its
words drive two inferences: the operation kind (create/get/list/search/update/cancel/
delete, else ``action``) and the entity it acts on (``order`` for ``cancel_order`` and
``getOrderDetails``), which is how tools of one toolset come to share state.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

VERBS: dict[str, str] = {
    **dict.fromkeys(
        (
            "create",
            "add",
            "book",
            "make",
            "place",
            "register",
            "schedule",
            "reserve",
            "insert",
            "open",
            "submit",
            "new",
            "rent",
            "enroll",
            "subscribe",
            "post",
        ),
        "create",
    ),
    **dict.fromkeys(
        (
            "get",
            "fetch",
            "retrieve",
            "lookup",
            "show",
            "read",
            "view",
            "track",
            "describe",
            "load",
            "check",
            "display",
            "see",
        ),
        "get",
    ),
    **dict.fromkeys(("list", "browse", "enumerate"), "list"),
    **dict.fromkeys(("search", "find", "query", "discover", "filter", "locate"), "search"),
    **dict.fromkeys(
        (
            "update",
            "edit",
            "modify",
            "change",
            "set",
            "rename",
            "reschedule",
            "patch",
            "upgrade",
            "adjust",
            "replace",
        ),
        "update",
    ),
    **dict.fromkeys(("cancel", "void", "revoke", "unsubscribe", "refund"), "cancel"),
    **dict.fromkeys(("delete", "remove", "destroy", "drop", "erase", "purge"), "delete"),
    # Operations an API designer adds to an entity: not stateful kinds, but verbs, so that
    # ``count_pronunciation_checks`` acts on pronunciation checks.
    **dict.fromkeys(
        ("count", "export", "compare", "summarize", "summarise", "archive", "restore", "watch"),
        "action",
    ),
}

#: Words that never name the entity (``get_order_details`` acts on ``order``).
NOISE = frozenset(
    (
        "by",
        "id",
        "ids",
        "for",
        "the",
        "a",
        "an",
        "of",
        "to",
        "from",
        "in",
        "on",
        "with",
        "and",
        "details",
        "detail",
        "info",
        "information",
        "data",
        "api",
        "all",
        "my",
        "user",
        "s",
        "v1",
        "v2",
        "v3",
        "list",
        "status",
        "record",
        "records",
        "entry",
        "item",
        "items",
    )
)
UNCOUNTABLE = frozenset(("news", "weather", "series", "species", "analytics", "statistics", "sms"))
RESERVED = frozenset(("PLANS", "SEED", "TOOLSET", "toolproof_reset", "toolproof_state"))


def words(text: str) -> list[str]:
    """Lower-case words of a name in any casing: ``getOrderByID`` → get, order, by, id."""
    return [w.lower() for w in WORD.findall(text)]


#: Words an id's name may end in that say nothing of what it identifies.
ID_WORDS = frozenset(("id", "ids", "number", "reference", "ref", "code"))


def id_prefix(name: str) -> str:
    """The prefix of a family's ids, from its name: ``order`` or ``order_id`` → ``ORD``,
    ``flight_booking`` → ``FB``, ``invoiceNumber`` → ``INV``. The synthesis catalogue
    writes id patterns with it and the compiler generates ids of unpatterned fields with it,
    so that a search answers ``MM-…`` ids for the molar masses that ``get_molar_mass``
    looks up as ``MM-…``."""
    parts = [w for w in words(name) if w not in ID_WORDS] or ["ref"]
    if len(parts) == 1:
        return parts[0][:3].upper()
    return "".join(p[0] for p in parts).upper()[:4]


def id_pattern(name: str) -> str:
    """``^ORD-[0-9]{6}$``: the pattern of the ids of the family ``name`` names."""
    return f"^{id_prefix(name)}-[0-9]{{6}}$"


def singular(word: str) -> str:
    if word in UNCOUNTABLE:
        return word
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def plural(word: str) -> bool:
    return word not in UNCOUNTABLE and singular(word) != word


def identifier(name: str) -> str:
    """A Python identifier for a tool name ('' when nothing usable is left).

    RestrictedPython refuses names that start with ``_``, so leading underscores are dropped;
    a leading digit or a keyword gets a ``t`` prefix.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ident = re.sub(r"\W+", "_", folded).strip("_")
    ident = re.sub(r"_+", "_", ident)
    if not ident:
        return ""
    if ident[0].isdigit() or keyword.iskeyword(ident) or ident in RESERVED:
        ident = "t" + ("_" if ident[0] != "_" else "") + ident
    return ident


def classify(name: str) -> tuple[str, str | None]:
    """(kind, entity) of a tool name; kind is ``action`` when no verb is recognised.

    A dotted name is a namespace and a function (``music_composer.create_mix``): the
    function part speaks.
    """
    tokens = words(name.rsplit(".", 1)[-1]) or words(name)
    if len(tokens) > 2 and tokens[0] == "batch" and tokens[1] in VERBS:
        tokens = tokens[1:]  # batch_get_orders gets orders: a batch is a form, not a verb
    if not tokens:
        return "action", None
    kind = "action"
    rest = tokens
    if tokens[0] in VERBS:
        kind, rest = VERBS[tokens[0]], tokens[1:]
    elif tokens[-1] in VERBS and len(tokens) > 1:
        kind, rest = VERBS[tokens[-1]], tokens[:-1]
    kept = [t for t in rest if t not in NOISE and not t.isdigit()]
    if kind == "get" and ((rest and rest[0] in ("all", "list")) or (kept and plural(kept[-1]))):
        kind = "list"
    nouns = [singular(t) for t in kept]
    return kind, ("_".join(nouns) if nouns else None)
