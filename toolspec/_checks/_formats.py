"""Format checkers: the one implementation of ``format`` for every argument check.

JSON Schema treats ``format`` as an annotation; toolproof asserts it, but only for the
vocabulary below, with checkers written to be *lenient where real data is lenient* and
strict where the standard and real data agree:

- ``date`` is RFC 3339's ``full-date`` (``YYYY-MM-DD``, ASCII digits, a real day); ISO
  8601's other forms (``20230328``, week dates) are not dates here.
- ``date-time`` and ``time`` follow RFC 3339 (``T``/``Z`` in either case, the leap second
  ``23:59:60`` in UTC, offsets up to ``±23:59``) with three leniencies real APIs rely on:
  a space may separate date and time, the seconds may be left out (``2024-05-01 10:00``),
  and so may the offset (a local time).
- ``email``: a dot-atom or quoted local part, a domain of two or more labels or an
  address literal; ``uuid``: 8-4-4-4-12 hex digits, or the 32 digits without hyphens,
  optionally in braces or after ``urn:uuid:`` (what ``uuid.UUID`` reads, minus its
  tolerance of hyphens anywhere); ``ipv6`` without a zone id.

Every checker returns True for non-strings: ``format`` constrains strings only, and a
wrong type is reported once, as ``call.type_mismatch``. Formats outside the vocabulary
stay annotations, including the ones the fast validator knows (:data:`ANNOTATIONS`).

Formats the importer found in a parameter's *description* (``ToolSpec.hints``) are
injected into the strict schema under ``HINT_PREFIX + name`` so a finding can say where
the rule came from.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

HINT_PREFIX = "toolproof-hint:"
"""Prefix of a ``format`` value the strict schema carries from ``ToolSpec.hints``."""

_HEX = "[0-9A-Fa-f]"
_UUID = re.compile(
    rf"(?:urn:uuid:)?(\{{)?(?:{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
    rf"|{_HEX}{{32}})(\}})?"
)
#: RFC 3339 ``partial-time`` with optional seconds, then an optional ``time-offset``.
_TIME = re.compile(
    r"([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))?"
)
#: RFC 5322 ``atext`` (and any non-ASCII character, RFC 6531) and ``quoted-string``.
_LOCAL = re.compile(r'[^\s@".()<>\[\]\\,;:]+(?:\.[^\s@".()<>\[\]\\,;:]+)*|"(?:[^"\\\r\n]|\\.)*"')
_LABEL = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?")
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_LANG_TAG = re.compile(r"([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*")
_HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TLD = re.compile(r"[A-Za-z]{2,63}(?::[0-9]{1,5})?")
#: ISO 3166 "exceptionally reserved" codes that real APIs use as countries.
_RESERVED_ALPHA2 = frozenset({"UK", "EU", "AC", "CP", "DG", "EA", "IC", "TA", "UN"})


def _date(v: str) -> bool:
    # RFC 3339's shape only (ISO 8601's ``20230328`` and week dates are not dates here);
    # ``fromisoformat`` (C, ASCII digits only) checks the rest, the day included.
    if len(v) != 10 or v[4] != "-" or v[7] != "-":
        return False
    try:
        datetime.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _time(v: str) -> bool:
    m = _TIME.fullmatch(v)
    if m is None:
        return False
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    off_h, off_m = int(m[6] or 0), int(m[7] or 0)
    if hour > 23 or minute > 59 or second > 60 or off_h > 23 or off_m > 59:
        return False
    if second == 60:  # a leap second is inserted at 23:59:60 UTC only
        shift = (off_h * 60 + off_m) * (-1 if m[5] == "-" else 1)
        return (hour * 60 + minute - shift) % 1440 == 23 * 60 + 59
    return True


def _date_time(v: str) -> bool:
    return len(v) > 11 and v[10] in "Tt " and _date(v[:10]) and _time(v[11:])


def _email(v: str) -> bool:
    # RFC 5321 caps an address at 254 characters; the cap also bounds the regexes' work.
    local, at, domain = v.rpartition("@")
    if len(v) > 254 or not at or _LOCAL.fullmatch(local) is None:
        return False
    if domain.startswith("[") and domain.endswith("]"):
        literal = domain[1:-1]
        if literal[:5].lower() == "ipv6:":
            return _ipv6(literal[5:])
        return _ipv4(literal)
    labels = domain.split(".")
    return len(labels) >= 2 and all(_LABEL.fullmatch(label) for label in labels)


def _uri(v: str) -> bool:
    if not v or any(c.isspace() for c in v):
        return False
    try:
        parts = urlsplit(v)
    except ValueError:
        return False
    return bool(parts.scheme and _URI_SCHEME.fullmatch(parts.scheme)) and bool(
        parts.netloc or parts.path
    )


def _host(v: str) -> bool:
    """``www.example.org[:port]``; label by label, so no pattern can backtrack far."""
    labels = v.split(".")
    return (
        len(v) <= 253 + 6
        and len(labels) >= 2
        and all(_HOST_LABEL.fullmatch(label) for label in labels[:-1])
        and _TLD.fullmatch(labels[-1]) is not None
    )


def _url_hint(v: str) -> bool:
    """A URL as descriptions mean it: an absolute URI, or a bare host[/path] (www.x.com)."""
    if _uri(v):
        return True
    host, _, _ = v.partition("/")
    return not any(c.isspace() for c in v) and _host(host)


def _uuid(v: str) -> bool:
    m = _UUID.fullmatch(v)
    return m is not None and (m[1] is None) == (m[2] is None)


def _ipv4(v: str) -> bool:
    try:
        ipaddress.IPv4Address(v)
    except ValueError:
        return False
    return True


def _ipv6(v: str) -> bool:
    if "%" in v:  # a zone id names an interface of one host, not an address
        return False
    try:
        ipaddress.IPv6Address(v)
    except ValueError:
        return False
    return True


# pycountry is imported where its tables are first needed: loading it costs ~60 ms, which
# every importer of tool specs (they need only the format names) would otherwise pay.
@cache
def _currencies() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def _countries() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | _RESERVED_ALPHA2


@cache
def _languages() -> frozenset[str]:
    import pycountry

    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def _iso4217(v: str) -> bool:
    return v.upper() in _currencies()


def _iso3166(v: str) -> bool:
    return v.upper() in _countries()


def _iso639(v: str) -> bool:
    m = _LANG_TAG.fullmatch(v)
    return m is not None and m.group(1).lower() in _languages()


_CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "date": (_date, "a date in YYYY-MM-DD form"),
    "date-time": (_date_time, "a date and time in ISO 8601 form (YYYY-MM-DDTHH:MM:SS)"),
    "time": (_time, "a time in HH:MM[:SS] form"),
    "email": (_email, "an email address"),
    "uri": (_uri, "an absolute URI with a scheme (e.g. https://…)"),
    "uuid": (_uuid, "a UUID"),
    "ipv4": (_ipv4, "an IPv4 address"),
    "ipv6": (_ipv6, "an IPv6 address"),
    "iso4217": (_iso4217, "an ISO 4217 currency code such as USD"),
    "iso3166-alpha2": (_iso3166, "an ISO 3166 two-letter country code such as US"),
    "iso639-1": (_iso639, "an ISO 639-1 language code such as en or en-US"),
}

SCHEMA_FORMATS = ("date", "date-time", "time", "email", "uri", "uuid", "ipv4", "ipv6")
"""``format`` values of a schema that are asserted; others stay annotations."""

HINT_FORMATS = tuple(_CHECKS)
"""Format names an importer may put in ``ToolSpec.hints``."""

ANNOTATIONS = (
    "duration", "hostname", "idn-email", "idn-hostname", "iri", "iri-reference",
    "json-pointer", "regex", "relative-json-pointer", "uri-reference", "uri-template",
)  # fmt: skip
"""Formats the fast validator would assert on its own; here they are annotations."""


def _string_only(check: Callable[[str], bool]) -> Callable[[object], bool]:
    def wrapped(value: object) -> bool:
        return not isinstance(value, str) or check(value)

    return wrapped


def _anything(value: object) -> bool:
    return True


def string_format_checkers() -> dict[str, Callable[[str], bool]]:
    """Format name (as it appears in a strict schema) → checker of a string.

    For ``jsonschema_rs``, which calls a custom format only for strings; the formats it
    knows but toolproof does not assert accept everything, so both validators agree.
    """
    out: dict[str, Callable[[str], bool]] = dict.fromkeys(ANNOTATIONS, _anything)
    out.update({name: _CHECKS[name][0] for name in SCHEMA_FORMATS})
    out.update({HINT_PREFIX + name: c for name, (c, _) in _CHECKS.items()})
    # A description saying "URL" rarely insists on the scheme; a schema's format does.
    out[HINT_PREFIX + "uri"] = _url_hint
    return out


def format_checkers() -> dict[str, Callable[[object], bool]]:
    """The asserted checkers for any JSON value (``jsonschema`` calls them for every type)."""
    return {
        name: _string_only(check)
        for name, check in string_format_checkers().items()
        if name not in ANNOTATIONS
    }


def documented(name: str) -> dict[str, Any]:
    """JSON Schema keywords a document (OpenAPI, MCP) can state for a strict schema's
    format: the standard ``format`` where there is one, the list of codes for the ISO
    hints. Never looser than the check (``en-US`` passes ``iso639-1`` but is not listed)."""
    base = name.removeprefix(HINT_PREFIX)
    codes = {"iso4217": _currencies, "iso3166-alpha2": _countries, "iso639-1": _languages}
    if base in codes:
        return {"enum": sorted(codes[base]())}
    return {"format": base}


def describe_format(name: str) -> tuple[str, bool]:
    """A strict schema's format name → (what a valid value is, in words; whether it came
    from a hint)."""
    hinted = name.startswith(HINT_PREFIX)
    base = name.removeprefix(HINT_PREFIX)
    if hinted and base == "uri":
        return "a URL (https://host/path or host/path)", hinted
    entry = _CHECKS.get(base)
    return (entry[1] if entry else f"in {base!r} format"), hinted
