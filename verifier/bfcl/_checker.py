"""BFCL's AST checker, rewritten from its documented behaviour: one call, many, or parallel.

Given the decoded calls (``[{name: {param: value}}]``), the function docs and the possible
answers, a call is valid when its name is the expected one, every required parameter is
there, no parameter is unknown to the doc or the answer, every value has the doc's type in
the entry's language (ints are accepted for floats in Python; Java/JavaScript text is
converted first) and equals one acceptable value (strings and lists after BFCL's
normalisation), and every parameter the answer does not mark optional (``""``) is given.
Parallel categories match the answers to the calls in any order, greedily, as BFCL does.
"""

from __future__ import annotations

import re
from typing import Any

from verifier.bfcl._categories import Category, Language
from verifier.bfcl._java import UnsupportedJavaType, convert_java
from verifier.bfcl._js import UnsupportedJsType, convert_js
from verifier.bfcl._types import CONVERTED_NESTED, PYTHON_NESTED, TYPE_TABLES
from verifier.bfcl._values import (
    VALID,
    Outcome,
    check_dict,
    check_list,
    check_list_of_dicts,
    check_string,
)

Call = dict[str, dict[Any, Any]]
_DOT = re.compile(r"\.")


def check_calls(
    category: Category,
    functions: list[dict[str, Any]],
    calls: list[Call],
    answers: list[dict[str, Any]],
    *,
    underscore_to_dot: bool = False,
) -> Outcome:
    """BFCL's verdict on ``calls`` for an entry of ``category`` (not a relevance one)."""
    checker = _CHECKERS.get((category.language, underscore_to_dot))
    if checker is None:
        checker = _CHECKERS[(category.language, underscore_to_dot)] = _Checker(
            category.language, underscore_to_dot
        )
    if category.kind == "parallel":
        return checker.parallel(functions, calls, answers)
    if category.kind == "multiple":
        if len(calls) != len(answers):
            return _wrong_count("multiple_function_checker")
        return checker.one(_find(functions, _name(answers[0])), calls[0], answers[0])
    if len(calls) != 1:
        return _wrong_count("simple_function_checker")
    return checker.one(functions[0] if functions else None, calls[0], answers[0])


def _wrong_count(checker: str) -> Outcome:
    return Outcome(False, f"{checker}:wrong_count", ["Wrong number of functions."])


def _name(answer: dict[str, Any]) -> str:
    return next(iter(answer))


def _find(functions: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    for doc in functions:
        if doc.get("name") == name:
            return doc
    return None


class _Checker:
    """Stateless apart from its settings; one is kept per (language, underscore_to_dot)."""

    __slots__ = ("_language", "_table", "_underscore")

    def __init__(self, language: Language, underscore_to_dot: bool) -> None:
        self._language = language
        self._table = TYPE_TABLES[language]
        self._underscore = underscore_to_dot

    def parallel(
        self, functions: list[dict[str, Any]], calls: list[Call], answers: list[dict[str, Any]]
    ) -> Outcome:
        if len(calls) != len(answers):
            return _wrong_count("parallel_function_checker_no_order")
        matched: set[int] = set()
        for number, answer in enumerate(answers):
            doc = _find(functions, _name(answer))
            errors: list[Any] = []
            found = False
            for index, call in enumerate(calls):
                if index in matched:
                    continue
                result = self.one(doc, call, answer)
                if result.valid:
                    matched.add(index)
                    found = True
                    break
                errors.append(
                    {
                        f"Model Result Index {index}": {
                            "sub_error": result.error,
                            "sub_error_type": result.error_type,
                            "model_output_item": call,
                            "possible_answer_item": answer,
                        }
                    }
                )
            if not found:
                considered = [i for i in range(len(calls)) if i not in matched]
                head = (
                    f"Could not find a matching function among index {considered} of model "
                    f"output for index {number} of possible answers."
                )
                return Outcome(
                    False,
                    "parallel_function_checker_no_order:cannot_find_match",
                    [head, *errors],
                )
        return VALID

    def one(self, doc: dict[str, Any] | None, call: Call, answer: dict[str, Any]) -> Outcome:
        """One call against one acceptable answer (BFCL's simple function checker)."""
        if doc is None:
            return Outcome(
                False,
                "simple_function_checker:wrong_func_name",
                [f"Function {_name(answer)!r} of the possible answer is not in the question."],
            )
        expected = _name(answer)
        accepted: dict[str, list[Any]] = answer[expected]
        name = doc["name"]
        if self._underscore and "." in name:
            name = _DOT.sub("_", name)
        if name not in call:
            return Outcome(
                False,
                "simple_function_checker:wrong_func_name",
                [f"Function name {name!r} not found in model output."],
            )
        given = call[name]
        params: dict[str, Any] = doc["parameters"]["properties"]
        for required in doc["parameters"].get("required", []):
            if required not in given:
                return Outcome(
                    False,
                    "simple_function_checker:missing_required",
                    [f"Missing required parameter: {required!r}."],
                )
        for param, value in given.items():
            if param not in params or param not in accepted:
                return Outcome(
                    False,
                    "simple_function_checker:unexpected_param",
                    [f"Unexpected parameter: {param!r}."],
                )
            result = self._param(param, value, params[param], accepted[param])
            if not result.valid:
                return result
        for param, values in accepted.items():
            if param not in given and "" not in values:
                return Outcome(
                    False,
                    "simple_function_checker:missing_optional",
                    [f"Optional parameter {param!r} not provided and not marked as optional."],
                )
        return VALID

    def _param(self, param: str, value: Any, spec: dict[str, Any], accepted: list[Any]) -> Outcome:
        type_name = spec.get("type")
        expected = self._table.get(type_name) if isinstance(type_name, str) else None
        if expected is None or not isinstance(type_name, str):
            return Outcome(
                False,
                "type_error:simple",
                [f"Parameter {param!r} has type {type_name!r}, unknown to BFCL's checker."],
            )
        nested: type | None = None
        item_name = None
        if self._language == "python":
            if type_name in PYTHON_NESTED:
                item_name = _item_type(spec)
                nested = self._table.get(item_name or "")
        else:
            if type(value) is not str:
                tag = "java" if self._language == "java" else "js"
                return Outcome(
                    False,
                    f"type_error:{tag}",
                    [
                        f"Incorrect type for parameter {param!r}. Expected type String, got "
                        f"{type(value).__name__}. Parameter value: {value!r}."
                    ],
                )
            if type_name in CONVERTED_NESTED:
                item_name = _item_type(spec)
            converted = self._convert(param, value, type_name, item_name)
            if isinstance(converted, Outcome):
                return converted
            value = converted
            if type_name in CONVERTED_NESTED:
                nested = self._table.get(item_name or "")
        if type_name == "tuple" and type(value) is tuple:
            value = list(value)
        if self._language == "python" and type_name == "float" and type(value) is int:
            value = float(value)
        typed = check_type(param, value, accepted, type_name, expected, nested)
        if not typed.valid:
            return typed.outcome
        if not typed.is_variable:
            if expected is dict:
                return check_dict(param, value, accepted)
            if expected is list and nested is dict:
                return check_list_of_dicts(param, value, accepted)
            if expected is str:
                return check_string(param, value, accepted)
            if expected is list:
                return check_list(param, value, accepted)
        if value not in accepted:
            return Outcome(
                False,
                "value_error:others",
                [f"Invalid value for parameter {param!r}: {value!r}. Expected one of {accepted}."],
            )
        return VALID

    def _convert(self, param: str, text: str, type_name: str, item: str | None) -> Any:
        try:
            if self._language == "java":
                return convert_java(
                    text, type_name, item if type_name in CONVERTED_NESTED else None
                )
            return convert_js(text, type_name, item if type_name in CONVERTED_NESTED else None)
        except (UnsupportedJavaType, UnsupportedJsType, ValueError) as exc:
            return Outcome(False, "type_error:simple", [f"Parameter {param!r}: {exc}."])


_CHECKERS: dict[tuple[Language, bool], _Checker] = {}


def _item_type(spec: dict[str, Any]) -> str | None:
    items = spec.get("items")
    if isinstance(items, dict) and isinstance(items.get("type"), str):
        return str(items["type"])
    return None


class TypeCheck:
    """The type check's answer: valid or not, and whether the answer names a variable."""

    __slots__ = ("is_variable", "outcome", "valid")

    def __init__(self, valid: bool, is_variable: bool, outcome: Outcome = VALID) -> None:
        self.valid = valid
        self.is_variable = is_variable
        self.outcome = outcome


_TYPED = TypeCheck(True, False)
_VARIABLE = TypeCheck(True, True)


def _answer_type(accepted: list[Any]) -> type | None:
    for answer in accepted:
        if answer != "":
            return type(answer)
    return None


def check_type(
    param: str,
    value: Any,
    accepted: list[Any],
    type_name: str,
    expected: type,
    nested: type | None,
) -> TypeCheck:
    """BFCL's type check, one level deep for collections.

    When the acceptable answers have another type than the doc's (a variable name given
    as a string for an int parameter), a value of the answers' type is accepted as a
    "variable" and then compared exactly, without normalisation.
    """
    answer_type = _answer_type(accepted)
    is_variable = answer_type is not None and answer_type is not expected
    errors: list[Any] = []
    error_type = "type_error:simple"
    if type(value) is expected:
        if nested is None:
            return _VARIABLE if is_variable else _TYPED
        elements: Any = value
        for answer in accepted:
            fits = True
            if type(answer) is list:
                for item in elements:
                    if not check_type(param, item, answer, str(nested), nested, None).valid:
                        fits = False
                        break
            if fits:
                return _VARIABLE if is_variable else _TYPED
        errors.append(
            f"Nested type checking failed for parameter {param!r}. Expected outer type "
            f"{type_name} with inner type {nested!s}. Parameter value: {value!r}."
        )
        error_type = "type_error:nested"
        if answer_type is not None and type(value) is answer_type:
            return TypeCheck(False, True, Outcome(False, error_type, errors))
    elif answer_type is not None and type(value) is answer_type:
        return _VARIABLE
    errors.append(
        f"Incorrect type for parameter {param!r}. Expected type {type_name}, got "
        f"{type(value).__name__}. Parameter value: {value!r}."
    )
    return TypeCheck(False, False, Outcome(False, "type_error:simple", errors))
