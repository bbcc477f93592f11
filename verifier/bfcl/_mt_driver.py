"""Sandbox side of BFCL multi-turn checking: runs call strings on backend instances.

This file is never imported by the host: its source is the main module of the bundle a
sandbox session loads beside BFCL's backend modules (standard library only). It does
what BFCL's ``execute_multi_turn_func_call`` does, without ``eval``:

- instances of the entry's involved classes are made on first use, with the scenario
  from ``initial_config`` (deep-copied) unless the class is stateless;
- each public method name maps to the *last* involved class that has it, and BFCL's own
  text rewrite (``name(`` → ``<instance>.name(``) is applied to the call string, so the
  forbidden-name check and Python's syntax errors read as BFCL's do;
- the rewritten string is parsed with :mod:`ast` and walked by a small evaluator that
  knows literals, containers, arithmetic, attribute access, subscripts and calls, and
  resolves a bare name only to an instance (any other name is "not defined");
- a result is stringified as BFCL does (``str`` as is, ``dict`` as ``json.dumps``, else
  ``str()``), an exception becomes ``"Error during execution: <message>"``.

Instance state is compared across sessions: ``execute`` returns a digest of each
instance's public attributes (pickled); where digests differ the host asks one session
for ``export`` and the other to ``compare`` with Python's ``!=``, as BFCL's checker does.
"""

from __future__ import annotations

import ast
import base64
import copy
import hashlib
import inspect
import io
import json
import operator
import pickle
import re
import sys
from typing import Any

_CALL_NAME = re.compile(r"\b([a-zA-Z_]\w*)\s*(?=\()")
_FORBIDDEN = ("kill", "exit", "quit", "remove", "unlink", "popen", "Popen", "run")
_BINARY: dict[type, Any] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.MatMult: operator.matmul, ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_, ast.BitXor: operator.xor, ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
}  # fmt: skip
_UNARY: dict[type, Any] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
    ast.Invert: operator.invert,
}  # fmt: skip

_entry: dict[str, Any] = {}
_instances: dict[str, Any] = {}
"""class name → instance, in the entry's ``involved_classes`` order."""


def begin(
    entry_id: str,
    side: str,
    initial_config: dict[str, Any],
    involved_classes: list[str],
    class_modules: dict[str, str],
    stateless: list[str],
    long_context: bool,
) -> None:
    """Start an entry: no instance yet (the first ``execute`` makes them)."""
    _entry.clear()
    _entry.update(
        prefix=re.sub(r"[-./:]", "_", f"{side}_{entry_id}"),
        config=initial_config,
        classes=involved_classes,
        modules=class_modules,
        stateless=set(stateless),
        long_context=long_context,
    )
    _instances.clear()


def _instance_name(class_name: str) -> str:
    return f"{_entry['prefix']}_{class_name}_instance"


def _make_instances() -> dict[str, str]:
    """Make missing instances; method name → instance name, later classes winning."""
    methods: dict[str, str] = {}
    for class_name in _entry["classes"]:
        instance = _instances.get(class_name)
        if instance is None:
            module_name = _entry["modules"][class_name]
            module = __import__(module_name)
            sys.modules[module_name] = module  # pickle finds the classes of the states
            instance = getattr(module, class_name)()
            if class_name not in _entry["stateless"]:
                scenario = copy.deepcopy(_entry["config"].get(class_name, {}))
                instance._load_scenario(scenario, long_context=_entry["long_context"])
            _instances[class_name] = instance
        for method_name, _ in inspect.getmembers(instance, predicate=inspect.ismethod):
            if not method_name.startswith("_"):
                methods[method_name] = _instance_name(class_name)
    return methods


def execute(steps: list[list[str]]) -> dict[str, Any]:
    """Run each step's call strings (BFCL runs a step per ``execute_multi_turn_func_call``).

    Returns ``{"results": [[str, ...] per step], "digests": {class: sha256 or None}}``.
    """
    results: list[list[str]] = []
    for calls in steps:
        methods = _make_instances()
        names = {_instance_name(c): i for c, i in _instances.items()}
        results.append([_run(call, methods, names) for call in calls])
    if not steps:
        _make_instances()
    return {"results": results, "digests": {c: _digest(c) for c in _instances}}


def _run(call: str, methods: dict[str, str], names: dict[str, Any]) -> str:
    def prefix(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"{methods[name]}.{name}" if name in methods else name

    text = _CALL_NAME.sub(prefix, call)
    try:
        head = text.split("(")[0] if "(" in text else text
        if "." in head:
            head = head.split(".")[1]
        if head in _FORBIDDEN:
            raise Exception(f"Function call {head} is not allowed.")
        value = _Evaluator(names).run(text)
        if type(value) is str:
            return value
        if type(value) is dict:
            try:
                return json.dumps(value)
            except Exception:
                return str(value)
        return str(value)
    except MemoryError:
        raise  # the worker is spent: the host reports it, never as a result
    except Exception as exc:
        return f"Error during execution: {exc}"


class _Evaluator:
    """What ``eval`` of a BFCL call string computes, for the expressions calls are made of."""

    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names

    def run(self, text: str) -> Any:
        tree = ast.parse(text, filename="<string>", mode="eval")
        return self.value(tree.body)

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.List):
            return [self.value(e) for e in node.elts]
        if isinstance(node, ast.Tuple):
            return tuple(self.value(e) for e in node.elts)
        if isinstance(node, ast.Set):
            return {self.value(e) for e in node.elts}
        if isinstance(node, ast.Dict):
            items = []
            for key, item in zip(node.keys, node.values, strict=True):
                if key is None:
                    raise Exception("toolproof: '**' in a dict is not evaluated")
                items.append((self.value(key), self.value(item)))
            return dict(items)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](self.value(node.operand))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](self.value(node.left), self.value(node.right))
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            raise NameError(f"name '{node.id}' is not defined")
        if isinstance(node, ast.Attribute):
            target = self.value(node.value)
            if node.attr.startswith("_"):
                raise Exception(f"toolproof: private attribute {node.attr!r} is not evaluated")
            return getattr(target, node.attr)
        if isinstance(node, ast.Subscript):
            return self.value(node.value)[self.value(node.slice)]
        if isinstance(node, ast.Call):
            function = self.value(node.func)
            if any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords
            ):
                raise Exception("toolproof: '*' and '**' arguments are not evaluated")
            args = [self.value(a) for a in node.args]
            kwargs = {str(k.arg): self.value(k.value) for k in node.keywords}
            return function(*args, **kwargs)
        raise Exception(f"toolproof: {type(node).__name__} expressions are not evaluated")


def _public(class_name: str) -> dict[str, Any]:
    return {k: v for k, v in vars(_instances[class_name]).items() if not k.startswith("_")}


_OBJECT_EQ: Any = object.__eq__


class _IdentityEquality(Exception):
    """The state holds an object equal only to itself: equal digests would not mean equal."""


class _DigestPickler(pickle.Pickler):
    """Pickles a state for its digest, refusing objects whose class compares by identity
    (without its own ``__eq__`` two equal-looking instances are never equal, in BFCL too)."""

    def reducer_override(self, obj: Any) -> Any:
        kind: Any = type(obj)
        if (
            kind.__eq__ is _OBJECT_EQ
            and not isinstance(obj, type)
            and kind.__module__ != "builtins"
        ):
            raise _IdentityEquality(kind.__qualname__)
        return NotImplemented


def _digest(class_name: str) -> str | None:
    """sha256 of the public attributes pickled: equal digests mean equal states (the
    pickles are the same object graph, whose classes compare by value); anything else is
    compared for real (``compare``). NaN in a state would compare unequal to itself and is
    the one case this shortcut calls equal."""
    buffer = io.BytesIO()
    try:
        _DigestPickler(buffer, protocol=5).dump(_public(class_name))
    except Exception:  # unpicklable or identity-compared: None, never equal by digest
        return None
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def export(classes: list[str]) -> dict[str, str]:
    """Each class's public attributes, pickled (base64), for ``compare`` in another session."""
    return {c: base64.b64encode(pickle.dumps(_public(c), protocol=5)).decode() for c in classes}


def compare(states: dict[str, str]) -> dict[str, Any] | None:
    """BFCL's ``state_checker``: the first class whose instance here differs from ``states``
    (the ground truth's, in its order), with the differing attribute names; None if none."""
    for class_name, payload in states.items():
        truth = pickle.loads(base64.b64decode(payload))
        mine = _instances[class_name]
        differences = [name for name, value in truth.items() if getattr(mine, name) != value]
        if differences:
            return {"class": class_name, "differences": differences}
    return None
