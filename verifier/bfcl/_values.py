"""BFCL's value rules: string normalisation and the value checks for strings, lists, dicts.

BFCL forgives formatting in strings: spaces and ``,./-_*^`` are dropped, case is folded and
single quotes count as double quotes before two strings are compared ("April 1, 2024" equals
"april 1 2024"). Lists compare element-wise after the same normalisation of string
elements; dicts key by key against each acceptable dict; lists of dicts position by
position. Error texts and ``error_type`` strings are BFCL's, so a verdict reads the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

_DROP = str.maketrans("", "", " ,./-_*^")


@lru_cache(maxsize=65_536)
def standardize(text: str) -> str:
    """BFCL's normal form of a string for comparison (cached: answers recur per call)."""
    return text.translate(_DROP).lower().replace("'", '"')


def _norm(value: Any) -> Any:
    return standardize(value) if type(value) is str else value


@dataclass(slots=True)
class Outcome:
    """A check's result in BFCL's terms; ``error`` holds BFCL's messages (or sub-errors)."""

    valid: bool
    error_type: str | None = None
    error: list[Any] = field(default_factory=list)


VALID = Outcome(True)


def _index_items(answer: Any) -> list[Any]:
    """``answer[j] for j in range(len(answer))`` as BFCL writes it: a string yields chars."""
    if isinstance(answer, str | list | tuple):
        return [answer[j] for j in range(len(answer))]
    return []


def check_string(param: str, value: str, answers: list[Any]) -> Outcome:
    if standardize(value) in [standardize(a) for a in answers if type(a) is str]:
        return VALID
    return Outcome(
        False,
        "value_error:string",
        [
            f"Invalid value for parameter {param!r}: {value!r}. "
            f"Expected one of {answers}. Case insensitive."
        ],
    )


def check_list(param: str, value: Sequence[Any], answers: list[Any]) -> Outcome:
    mine = [_norm(v) for v in value]
    if mine in [[_norm(item) for item in _index_items(a)] for a in answers]:
        return VALID
    return Outcome(
        False,
        "value_error:list/tuple",
        [f"Invalid value for parameter {param!r}: {value!r}. Expected one of {answers}."],
    )


def check_dict(param: str, value: Any, answers: list[Any]) -> Outcome:
    """The value must equal one acceptable dict, key by key; keys with ``""`` may be absent."""
    result = Outcome(False, "dict_checker:unclear")
    if not isinstance(value, dict):
        return Outcome(
            False,
            "value_error:dict_value",
            [f"Invalid value for parameter {param!r}: {value!r}. Expected a dict."],
        )
    for answer in answers:
        if answer == "":
            continue
        result = _one_dict(value, answer)
        if result.valid:
            return VALID
    return result


def _one_dict(value: dict[Any, Any], answer: Any) -> Outcome:
    if not isinstance(answer, dict):
        return Outcome(False, "dict_checker:unclear")
    for key, item in value.items():
        if key not in answer:
            return Outcome(
                False, "value_error:dict_key", [f"Unexpected dict key parameter: '{key}'."]
            )
        accepted = [_norm(a) for a in _index_items(answer[key])]
        if _norm(item) not in accepted:
            return Outcome(
                False,
                "value_error:dict_value",
                [f"Invalid value for parameter {key!r}: {item!r}. Expected one of {accepted}."],
            )
    for key, accepted_raw in answer.items():
        if key not in value and not _optional(accepted_raw):
            return Outcome(False, "value_error:dict_key", [f"Missing dict key parameter: '{key}'."])
    return VALID


def check_list_of_dicts(param: str, value: Sequence[Any], answers: list[Any]) -> Outcome:
    """Each acceptable list is tried in turn; its dicts must match position by position."""
    result = Outcome(False, "list_dict_checker:unclear")
    for answer in answers:
        if len(value) != _length(answer):
            result = Outcome(
                False,
                "value_error:list_dict_count",
                ["Wrong number of dictionaries in the list."],
            )
            continue
        matched = True
        for position, item in enumerate(value):
            result = check_dict(param, item, [answer[position]])
            if not result.valid:
                matched = False
                break
        if matched:
            return VALID
    return result


def _optional(accepted: Any) -> bool:
    """``"" in accepted`` for the containers BFCL's data uses (a malformed value is not)."""
    return isinstance(accepted, str | list | tuple) and "" in accepted


def _length(answer: Any) -> int:
    return len(answer) if isinstance(answer, str | list | tuple) else -1
