"""Normalisation for grounding: text, numbers with units, dates and times.

The offline judge asks "does this argument value appear in what the user, the system
prompt or a tool said?". Words and values are written many ways, so both sides are reduced
to comparable forms: case, accents, punctuation and whitespace folded; numbers read with
thousands separators, magnitudes ("1.5 million", "5k"), small number words ("two") and
percentages (50 % is also 0.5); dates in ISO, numeric (both day/month orders, since
"05/03/2024" is ambiguous) and month-name forms; clock times. Relative words ("tomorrow")
are deliberately not turned into dates: they cannot be grounded without a clock.
"""

from __future__ import annotations

import re
import unicodedata

_SYMBOLS = {"$": " usd ", "€": " eur ", "£": " gbp ", "¥": " jpy ", "%": " percent ", "°": " "}
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_NON_WORD = re.compile(r"[^0-9a-z]+")

# fmt: off
#: Words that carry no value of their own; a value's other words must be grounded.
STOPWORDS = frozenset((
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "with", "by", "from",
    "is", "are", "be", "it", "this", "that", "my", "me", "i", "you", "your", "please", "as",
    "into", "about",
))

#: Unit and currency spellings folded to one token (both sides are folded alike).
_ALIASES = {
    "kilometers": "km", "kilometer": "km", "kilometres": "km", "kilometre": "km",
    "kms": "km", "meters": "m", "meter": "m", "metres": "m", "metre": "m",
    "miles": "mi", "mile": "mi", "kilograms": "kg", "kilogram": "kg", "kgs": "kg",
    "pounds": "lb", "pound": "lb", "lbs": "lb", "grams": "g", "gram": "g",
    "centimeters": "cm", "centimeter": "cm", "inches": "in", "inch": "in",
    "feet": "ft", "foot": "ft", "celsius": "c", "fahrenheit": "f", "kelvin": "k",
    "dollars": "usd", "dollar": "usd", "euros": "eur", "euro": "eur",
    "percentage": "percent", "pct": "percent", "hours": "h", "hour": "h", "hrs": "h",
    "minutes": "min", "minute": "min", "mins": "min", "seconds": "s", "second": "s",
    "secs": "s", "years": "year", "yrs": "year", "months": "month", "days": "day",
}

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a dozen": 12, "dozen": 12, "a couple": 2, "couple": 2, "single": 1,
    "once": 1, "twice": 2, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "half": 0.5, "a hundred": 100, "hundred": 100, "a thousand": 1000,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
# fmt: on
_UNITS = {k: v for k, v in _SMALL.items() if isinstance(v, int) and 1 <= v <= 9 and " " not in k}
_WORD_NUMBER = re.compile(
    r"\b(?:("
    + "|".join(_TENS)
    + r")(?:[\s-]("
    + "|".join(_UNITS)
    + r"))?|("
    + "|".join(sorted(_SMALL, key=len, reverse=True))
    + r"))\b"
)
_MAGNITUDE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "trillion": 1e12,
}
_NUMBER = re.compile(
    r"(?<![\w.])([-+]?\d+(?:\.\d+)?)\s?(thousand|million|billion|trillion|bn|mn|k|m|b)?"
    r"(?![a-z])\s?(%|percent)?",
)


def fold(text: str) -> str:
    """Casefold, drop accents, turn currency/percent signs into words, join 1,000 → 1000."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    text = _THOUSANDS.sub("", text)
    for sym, word in _SYMBOLS.items():
        if sym in text:
            text = text.replace(sym, word)
    return text


def tokens(text: str) -> list[str]:
    """The words of ``fold(text)``, punctuation dropped, units folded to one spelling."""
    return [_ALIASES.get(w, w) for w in _NON_WORD.split(fold(text)) if w]


def norm(text: str) -> str:
    """The comparable form of a text: its tokens joined by single spaces."""
    return " ".join(tokens(text))


def numbers(text: str) -> set[float]:
    """Every number ``text`` states: digits (with magnitudes, percent), small number words."""
    folded = fold(text).replace("percent", "%")
    out: set[float] = set()
    for m in _NUMBER.finditer(folded):
        value = float(m.group(1))
        if m.group(2):
            # "5 m" is five metres as often as five million: keep both readings.
            out.add(value)
            value *= _MAGNITUDE[m.group(2)]
        out.add(value)
        out.add(abs(value))
        if m.group(3):
            out.add(value / 100)
    for m in _WORD_NUMBER.finditer(folded):
        if m.group(3):
            out.add(float(_SMALL[m.group(3)]))
        else:
            out.add(float(_TENS[m.group(1)] + (_UNITS[m.group(2)] if m.group(2) else 0)))
    return out


# fmt: off
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# fmt: on
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?![\d/])")
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})" + _ORD + r"\b(?:,?\s+(\d{4})\b)?")
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})" + _ORD + r"\s+(?:of\s+)?" + _MONTH + r"\b(?:,?\s+(\d{4})\b)?"
)
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r",?\s+(\d{4})\b")

#: (year or None, month, day); day 0 means "the whole month" (``March 2024``).
Date = tuple[int | None, int, int]


def _valid(year: int | None, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 0 <= day <= 31 and (year is None or 1 <= year <= 9999)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    y = int(text)
    return y + 2000 if len(text) == 2 else y


def dates(text: str) -> set[Date]:
    """Every calendar date ``text`` states (both readings of an ambiguous numeric date)."""
    low = fold(text)
    out: set[Date] = set()
    for m in _ISO.finditer(low):
        out.add((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _NUMERIC.finditer(low):
        a, b, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        out.add((y, b, a))
        out.add((y, a, b))
    for m in _MONTH_DAY.finditer(low):
        out.add((_year(m.group(3)), _MONTHS[m.group(1)[:3]], int(m.group(2))))
    for m in _DAY_MONTH.finditer(low):
        out.add((_year(m.group(3)), _MONTHS[m.group(2)[:3]], int(m.group(1))))
    for m in _MONTH_YEAR.finditer(low):
        out.add((int(m.group(2)), _MONTHS[m.group(1)[:3]], 0))
    return {d for d in out if _valid(*d)}


_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*([ap])?\.?m?\b")
_HOUR = re.compile(r"\b(\d{1,2})\s*([ap])\.?m\b")


def _hm(hour: int, minute: int, half: str | None) -> tuple[int, int]:
    if half == "p" and hour < 12:
        hour += 12
    if half == "a" and hour == 12:
        hour = 0
    return hour, minute


def times(text: str) -> set[tuple[int, int]]:
    """Every clock time ``text`` states, as (hour 0-23, minute)."""
    low = fold(text)
    out: set[tuple[int, int]] = set()
    for m in _CLOCK.finditer(low):
        out.add(_hm(int(m.group(1)), int(m.group(2)), m.group(3)))
    for m in _HOUR.finditer(low):
        out.add(_hm(int(m.group(1)), 0, m.group(2)))
    if "noon" in low:
        out.add((12, 0))
    if "midnight" in low:
        out.add((0, 0))
    return {t for t in out if t[0] < 24 and t[1] < 60}


_DATE_VALUE = re.compile(
    r"^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|[a-z]{3,9}\.?\s+\d"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]{3,9}|[a-z]{3,9}\.?,?\s+\d{4}\s*$)",
    re.IGNORECASE,
)


def looks_like_date(value: str) -> bool:
    """True when the whole value is written as a date or date-time."""
    return bool(_DATE_VALUE.match(value)) and bool(dates(value))


_TIME_VALUE = re.compile(
    r"^\s*\d{1,2}(?::\d{2}){1,2}\s*(?:[ap]\.?m\.?)?\s*$|^\s*\d{1,2}\s*[ap]\.?m\.?\s*$",
    re.IGNORECASE,
)


def looks_like_time(value: str) -> bool:
    """True when the whole value is a clock time (``10:00``, ``3 pm``, ``15:30:00``)."""
    return bool(_TIME_VALUE.match(value)) and bool(times(value))
