"""What a model is shown for an entry: BFCL's language hints, tools or its system prompt.

BFCL tells the model the functions' language (a sentence added to each description) and,
for Java and JavaScript, asks for every parameter as a string holding source text (the
declared type moves into the description). In function-calling mode the functions become
OpenAI ``tools`` (through toolproof's BFCL importer, with ``.`` in names replaced by ``_``
since OpenAI-style APIs forbid dots); in prompting mode they are listed as JSON in BFCL's
default system prompt, which asks for ``[func(param=value), ...]``.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from toolspec import import_tool
from verifier.bfcl._categories import Category

_HINT = {
    "python": " Note that the provided function is in Python 3 syntax.",
    "java": " Note that the provided function is in Java 8 SDK syntax.",
    "javascript": " Note that the provided function is in JavaScript syntax.",
}
_LANGUAGE_NAME = {"java": "Java", "javascript": "JavaScript"}
_LISTS = {"java": ("ArrayList", "Array"), "javascript": ("array",)}

SYSTEM_PROMPT = (
    "You are an expert in composing functions."
    "You are given a question and a set of possible functions. Based on the question, you "
    "will need to make one or more function/tool calls to achieve the purpose. If none of "
    "the functions can be used, point it out. If the given question lacks the parameters "
    "required by the function, also point it out.\n\n"
    "You should only return the function calls in your response.\n\n"
    "If you decide to invoke any of the function(s), you MUST put it in the format of "
    "[func_name1(params_name1=params_value1, params_name2=params_value2...), "
    "func_name2(params)]. {param_types} You SHOULD NOT include any other text in the "
    "response.\n\n"
    "At each turn, you should try your best to complete the tasks requested by the user "
    "within the current turn. Continue to output functions to call until you have "
    "fulfilled the user's request to the best of your ability. Once you have no more "
    "functions to call, the system will consider the current turn complete and proceed to "
    "the next turn or task.\n\n"
    "Here is a list of functions in json format that you can invoke.\n{functions}\n"
)
"""BFCL's default system prompt (python calls, JSON function docs, plaintext, classic)."""

_DOT = re.compile(r"\.")


def model_functions(category: Category, functions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The function docs with BFCL's language hint (and Java/JS types as strings)."""
    docs = copy.deepcopy(functions)
    language = category.language
    for doc in docs:
        doc["description"] = str(doc.get("description", "")) + _HINT[language]
        if language == "python":
            continue
        name = _LANGUAGE_NAME[language]
        for spec in doc.get("parameters", {}).get("properties", {}).values():
            kind = spec.get("type")
            if kind == "any":
                note = (
                    f" This parameter can be of any type of {name} object in string representation."
                )
            else:
                note = f" This is {name} {kind} type parameter in string representation."
            spec["description"] = str(spec.get("description", "")) + note
            if kind in _LISTS[language] and isinstance(spec.get("items"), dict):
                spec["description"] += (
                    f" The list elements are of type {spec['items'].get('type')}; they are not"
                    " in string representation."
                )
                del spec["items"]
            if language == "javascript" and kind == "dict" and "properties" in spec:
                spec["description"] += (
                    " The dictionary entries have the following schema; they are not in string"
                    f" representation. {json.dumps(spec['properties'])}"
                )
                del spec["properties"]
            spec["type"] = "string"
    return docs


def openai_tools(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI ``tools`` for the docs; names lose their dots (``math.pi`` → ``math_pi``)."""
    tools = []
    for doc in docs:
        spec = import_tool(doc, "bfcl")
        tools.append(
            {
                "type": "function",
                "function": {
                    "name": _DOT.sub("_", spec.name),
                    "description": spec.description,
                    "parameters": spec.parameters,
                },
            }
        )
    return tools


def messages(question: list[Any], docs: list[dict[str, Any]], *, prompt: bool) -> list[Any]:
    """The chat messages of a single-turn entry; prompting mode adds BFCL's system prompt."""
    turn = question[0] if question and isinstance(question[0], list) else question
    chat = [dict(m) for m in turn if isinstance(m, dict)]
    if not prompt:
        return chat
    system = SYSTEM_PROMPT.format(param_types="", functions=json.dumps(docs, indent=4))
    if chat and chat[0].get("role") == "system":
        chat[0]["content"] = system + "\n\n" + str(chat[0].get("content", ""))
    else:
        chat.insert(0, {"role": "system", "content": system})
    return chat
