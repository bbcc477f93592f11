"""Decode a prompting model's Java or JavaScript answer the way BFCL's decoder reads it.

BFCL parses these answers with tree-sitter (the grammar versions it pins, which toolproof
pins too, so that the same text is accepted or refused) and reads one call:
``{name: {param: value_text}}``. Values stay source text; the checker converts them by the
parameter's declared Java/JavaScript type (:mod:`._java`, :mod:`._js`). The text of a Java
value is rebuilt from its syntax tree as BFCL rebuilds it: string and char literals lose
their quotes at the top level, ``new T[]{...}`` and ``new T(...)`` are respelt (an anonymous
class body is dropped), and other expressions are their tokens joined without spaces.
Positional arguments that are bare names are kept under the key ``None``.
"""

from __future__ import annotations

from typing import Any

import tree_sitter_java
import tree_sitter_javascript
from tree_sitter import Language, Node, Parser

from verifier._parsers._text import check_size, fail

_JAVA = Language(tree_sitter_java.language(), "java")
_JS = Language(tree_sitter_javascript.language(), "javascript")
_RAW_JAVA = frozenset({"identifier", "class_literal", "type_identifier", "method_invocation"})
_PUNCTUATION = frozenset({",", "(", ")"})


def _prompt_body(text: str) -> str:
    """BFCL's clean-up of prompting output, then its removal of the outer brackets."""
    check_size(text)
    body = text.strip("`\n ")
    if not body.startswith("["):
        body = "[" + body
    if not body.endswith("]"):
        body = body + "]"
    return body[1:-1]


_PARSERS: dict[str, Parser] = {}


_SYNTAX_ERROR = {
    "Java": "Error parsing java the source code.",
    "JavaScript": "Error js parsing the source code.",
}
"""BFCL's words for a parse error, kept so that verdicts read the same."""


def _parse(language: Language, source: bytes, what: str) -> Node:
    parser = _PARSERS.get(what)
    if parser is None:
        parser = _PARSERS[what] = Parser()
        parser.set_language(language)
    root = parser.parse(source).root_node
    if root.has_error and _has_error_node(root):
        fail(_SYNTAX_ERROR[what], None)
    return root


def _has_error_node(node: Node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR":
            return True
        if current.has_error:
            stack.extend(current.children)
    return False


def decode_java(text: str) -> Any:
    """The first Java method call in ``text`` as ``[{name: {param: text}}]``, else ``{}``."""
    source = _prompt_body(text)
    reader = _JavaReader(source)
    root = _parse(_JAVA, source.encode("utf-8"), "Java")
    return reader.first_call(root) or {}


class _JavaReader:
    """Reads nodes as BFCL does, slicing the text by the nodes' byte offsets."""

    __slots__ = ("_source",)

    def __init__(self, source: str) -> None:
        self._source = source

    def text(self, node: Node) -> str:
        # BFCL slices the decoded str with byte offsets; for non-ASCII text the slice
        # shifts, and doing the same keeps the verdicts equal.
        return self._source[node.start_byte : node.end_byte]

    def first_call(self, node: Node) -> list[dict[str, Any]] | None:
        if node.type == "method_invocation":
            name = self.text(node.child_by_field_name("name") or node)
            owner = node.child_by_field_name("object")
            if owner is not None:
                name = f"{self.text(owner)}.{name}"
            arguments = node.child_by_field_name("arguments")
            if arguments is not None:
                return [{name: self.arguments(arguments)}]
            return None
        for child in node.children:
            found = self.first_call(child)
            if found:
                return found
        return None

    def arguments(self, node: Node) -> dict[Any, Any]:
        args: dict[Any, Any] = {}
        for child in node.children:
            if child.type == "assignment_expression":
                key: str | None = self.text(child.children[0])
                value = self.value(child.children[2])
            elif child.type in ("identifier", "class_literal", "set"):
                key, value = None, self.value(child)
            else:
                continue
            if key in args:
                fail("Error: Multiple arguments with the same name are not supported.", None)
            args[key] = value
        return args

    def value(self, node: Node, nested: bool = False) -> str:
        kind = node.type
        if kind in ("string_literal", "character_literal"):
            return self.text(node) if nested else self.text(node)[1:-1]
        if kind in _RAW_JAVA:
            return self.text(node)
        if kind == "array_creation_expression":
            shape = node.child_by_field_name("type")
            items = node.child_by_field_name("value")
            if shape is None or items is None:
                fail("an array created by its dimensions has no values to read", None)
            return f"new {self.value(shape, True)}[]{self.value(items, True)}"
        if kind == "object_creation_expression":
            shape = node.child_by_field_name("type")
            arguments = node.child_by_field_name("arguments")
            type_text = self.value(shape, True) if shape is not None else ""
            if arguments is None:
                return f"new {type_text}()"
            parts = [self.value(c, True) for c in arguments.children if c.type not in _PUNCTUATION]
            return f"new {type_text}({', '.join(parts)})"
        if kind == "set":
            items_text = [self.value(c, True) for c in node.children if c.type not in (",", "set")]
            return "{" + ", ".join(items_text) + "}"
        if node.child_count:
            return "".join(self.value(c, True) for c in node.children)
        return self.text(node)


def decode_javascript(text: str) -> Any:
    """The first JavaScript call statement in ``text`` as ``[{name: {param: text}}]``.

    ``None`` when no statement is a call (BFCL's decoder returns nothing then, which its
    format check rejects).
    """
    root = _parse(_JS, _prompt_body(text).encode("utf-8"), "JavaScript")
    if root.type != "program":
        return None
    for statement in root.children:
        if statement.type != "expression_statement":
            continue
        for child in statement.children:
            if child.type == "call_expression" and child.child_count >= 2:
                name = _js_text(child.children[0])
                return [{name: _js_arguments(child.children[1])}]
    return None


def _js_text(node: Node) -> str:
    return node.text.decode("utf-8", "replace")


def _js_arguments(node: Node) -> dict[Any, Any]:
    args: dict[Any, Any] = {}
    for child in node.children:
        if child.type == "assignment_expression":
            key: str | None = _js_text(child.children[0])
            value = _js_text(child.children[2])
            if (value.startswith('"') and value.endswith('"')) or (
                value.startswith("'") and value.endswith("'")
            ):
                value = value[1:-1]
        elif child.type in ("identifier", "true"):
            key, value = None, _js_text(child)
        else:
            continue
        if key in args:
            fail("Error: Multiple arguments with the same name are not supported.", None)
        args[key] = value
    return args
