"""The rule layer: spec clarity, call executability, dialog structure, sample consistency.

``check_rules(sample)`` is pure (no I/O) and returns only the findings it makes: what the
reader found (``call.unparsable``, ``sample.unreadable``) stays in ``sample.findings`` and
is not repeated, and calls whose arguments could not be decoded are skipped.
``DuplicateTracker`` carries the one piece of state a dataset needs (samples seen).

Decisions a user can rely on:
- Per-tool work (schema checks, compiled validators) is cached by the tool's content.
- Arguments are checked by the shared argument check (``toolspec.tool_check``), the very
  one every mock applies before a call reaches its sandbox.
- ``call.unknown_param``: a parameter the schema does not define is an error unless the
  schema sets ``additionalProperties`` (or ``patternProperties``/``unevaluatedProperties``)
  itself, although JSON Schema's default would allow it.
- ``3.0`` is an integer (JSON Schema says so); ``true`` is not a number.
- Formats ``date``, ``date-time``, ``time``, ``email``, ``uri``, ``uuid``, ``ipv4``,
  ``ipv6`` are asserted, leniently; formats an importer found in descriptions
  (``ToolSpec.hints``) add ``iso4217``, ``iso3166-alpha2`` and ``iso639-1``.
- A type mismatch hides the enum/pattern/bound findings of the same value.
- Reader metadata read here: ``meta["responses"] = False`` for formats without tool
  responses; ``meta["system_tools"]``, the tool names a system prompt lists.
- A dialog may end on a call with no response (it is the training target).
"""

from verifier._rules._check import check_rules
from verifier._rules._compile import CACHE_SIZE, clear_cache
from verifier._rules._consistency import DuplicateTracker, content_digest

__all__ = [
    "CACHE_SIZE",
    "DuplicateTracker",
    "check_rules",
    "clear_cache",
    "content_digest",
]
