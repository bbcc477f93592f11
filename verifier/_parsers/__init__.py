"""Call parsers: call text in the syntaxes datasets use → :class:`~verifier.ToolCall` lists.

Every parser raises only :class:`toolspec.errors.ParseError` (with a 0-based character
``position`` where there is text to point into), whatever string it is given; callers turn
that into a ``call.unparsable`` finding.
"""

from verifier._parsers._blocks import parse_tool_call_blocks
from verifier._parsers._format import format_python_calls
from verifier._parsers._json import parse_json_calls
from verifier._parsers._python import parse_python_calls
from verifier._parsers._text import MAX_CALL_TEXT_CHARS

__all__ = [
    "MAX_CALL_TEXT_CHARS",
    "format_python_calls",
    "parse_json_calls",
    "parse_python_calls",
    "parse_tool_call_blocks",
]
