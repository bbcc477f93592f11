"""Parse Hermes-style ``<tool_call>{json}</tool_call>`` blocks out of assistant text.

Text outside the blocks (the assistant's prose, a ``<think>`` section) is ignored; text
without any block holds no calls. A block that never closes, a closing tag without an
opening one, or an empty block is a ParseError pointing at the tag.
"""

from __future__ import annotations

from toolspec.errors import ParseError
from verifier._model import ToolCall
from verifier._parsers._json import decode_json_text, parse_json_calls
from verifier._parsers._text import check_size, fail

OPEN_TAG = "<tool_call>"
CLOSE_TAG = "</tool_call>"


def parse_tool_call_blocks(text: str) -> list[ToolCall]:
    """Calls of every ``<tool_call>`` block in ``text``, in order."""
    if not isinstance(text, str):
        fail(f"call text must be a string, not {type(text).__name__}", None)
    check_size(text)
    calls: list[ToolCall] = []
    cursor = 0
    while True:
        start = text.find(OPEN_TAG, cursor)
        stray = text.find(CLOSE_TAG, cursor)
        if stray >= 0 and (start < 0 or stray < start):
            fail(f"{CLOSE_TAG} without an opening {OPEN_TAG}", stray)
        if start < 0:
            return calls
        content_start = start + len(OPEN_TAG)
        end = text.find(CLOSE_TAG, content_start)
        if end < 0:
            fail(f"{OPEN_TAG} block is never closed", start)
        content = text[content_start:end]
        if not content.strip():
            fail(f"empty {OPEN_TAG} block", start)
        data = decode_json_text(content, content_start)
        try:
            calls.extend(parse_json_calls(data))
        except ParseError as error:
            raise ParseError(
                f"in the block at {start}: {error.message}", position=error.position
            ) from None
        cursor = end + len(CLOSE_TAG)
