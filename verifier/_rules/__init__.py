"""The rule layer: spec clarity, call executability, dialog structure, sample consistency.

``check_rules(sample)`` is pure and returns its own findings; ``DuplicateTracker`` carries
the one piece of state a dataset needs (which samples were seen).
"""

from verifier._rules._check import check_rules
from verifier._rules._compile import CACHE_SIZE, clear_cache, strict_schema
from verifier._rules._consistency import DuplicateTracker, content_digest
from verifier._rules._formats import HINT_FORMATS, SCHEMA_FORMATS

__all__ = [
    "CACHE_SIZE",
    "HINT_FORMATS",
    "SCHEMA_FORMATS",
    "DuplicateTracker",
    "check_rules",
    "clear_cache",
    "content_digest",
    "strict_schema",
]
