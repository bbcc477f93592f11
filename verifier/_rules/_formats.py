"""Format checkers shared by the fast validator, the error classifier and description hints.

JSON Schema treats ``format`` as an annotation; the rule layer asserts it, but only for the
vocabulary below, with checkers written to be *lenient where real data is lenient*
(``datetime.fromisoformat`` accepts ``2024-05-01 10:00`` without an offset, a language tag
may carry a region, codes are matched case-insensitively) so clean data does not light up.
Every checker returns True for non-strings: ``format`` constrains strings only, and a
wrong type is reported once, as ``call.type_mismatch``.

Formats the importer found in a parameter's *description* (``ToolSpec.hints``) are injected
into the compiled schema under ``HINT_PREFIX + name`` so a finding can say where the rule
came from.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

import pycountry

HINT_PREFIX = "toolproof-hint:"
"""Prefix of a ``format`` value the compiler injected from ``ToolSpec.hints``."""

#: What ``uuid.UUID`` accepts (braces, ``urn:uuid:``, hyphens optional), without its cost.
_UUID = re.compile(
    r"(?:urn:uuid:)?\{?[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?"
    r"[0-9A-Fa-f]{12}\}?"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_LANG_TAG = re.compile(r"([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*")
#: ISO 3166 "exceptionally reserved" codes that real APIs use as countries.
_RESERVED_ALPHA2 = frozenset({"UK", "EU", "AC", "CP", "DG", "EA", "IC", "TA", "UN"})


def _date(v: str) -> bool:
    try:
        datetime.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _date_time(v: str) -> bool:
    # A bare date is not a date-time; fromisoformat would accept it.
    if len(v) <= 10:
        return False
    try:
        datetime.datetime.fromisoformat(v)
    except ValueError:
        return False
    return True


def _time(v: str) -> bool:
    try:
        datetime.time.fromisoformat(v)
    except ValueError:
        return False
    return True


def _email(v: str) -> bool:
    # RFC 5321 caps an address at 254 characters; the cap also bounds the regex's work.
    return len(v) <= 254 and _EMAIL.fullmatch(v) is not None


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


_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TLD = re.compile(r"[A-Za-z]{2,63}(?::[0-9]{1,5})?")


def _host(v: str) -> bool:
    """``www.example.org[:port]``; label by label, so no pattern can backtrack far."""
    labels = v.split(".")
    return (
        len(v) <= 253 + 6
        and len(labels) >= 2
        and all(_LABEL.fullmatch(label) for label in labels[:-1])
        and _TLD.fullmatch(labels[-1]) is not None
    )


def _url_hint(v: str) -> bool:
    """A URL as descriptions mean it: an absolute URI, or a bare host[/path] (www.x.com)."""
    if _uri(v):
        return True
    host, _, _ = v.partition("/")
    return not any(c.isspace() for c in v) and _host(host)


def _uuid(v: str) -> bool:
    return _UUID.fullmatch(v) is not None


def _ipv4(v: str) -> bool:
    try:
        ipaddress.IPv4Address(v)
    except ValueError:
        return False
    return True


def _ipv6(v: str) -> bool:
    try:
        ipaddress.IPv6Address(v)
    except ValueError:
        return False
    return True


@cache
def _currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | _RESERVED_ALPHA2


@cache
def _languages() -> frozenset[str]:
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
"""``format`` values of a schema that the rule layer asserts; others stay annotations."""

HINT_FORMATS = tuple(_CHECKS)
"""Format names an importer may put in ``ToolSpec.hints``."""


def _string_only(check: Callable[[str], bool]) -> Callable[[object], bool]:
    def wrapped(value: object) -> bool:
        return not isinstance(value, str) or check(value)

    return wrapped


def string_format_checkers() -> dict[str, Callable[[str], bool]]:
    """Format name (as it appears in a compiled schema) → checker of a string.

    For ``jsonschema_rs``, which calls a custom format only for strings.
    """
    out = {name: _CHECKS[name][0] for name in SCHEMA_FORMATS}
    out.update({HINT_PREFIX + name: c for name, (c, _) in _CHECKS.items()})
    # A description saying "URL" rarely insists on the scheme; a schema's format does.
    out[HINT_PREFIX + "uri"] = _url_hint
    return out


def format_checkers() -> dict[str, Callable[[object], bool]]:
    """The same checkers for any JSON value (``jsonschema`` calls them for every type)."""
    return {name: _string_only(check) for name, check in string_format_checkers().items()}


def describe_format(name: str) -> tuple[str, bool]:
    """A compiled format name → (what a valid value is, in words; whether it came from a hint)."""
    hinted = name.startswith(HINT_PREFIX)
    base = name.removeprefix(HINT_PREFIX)
    if hinted and base == "uri":
        return "a URL (https://host/path or host/path)", hinted
    entry = _CHECKS.get(base)
    return (entry[1] if entry else f"in {base!r} format"), hinted
