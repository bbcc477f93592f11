"""The data-shape limits every dataset reader enforces while it streams.

A dataset is untrusted input: a 200 KB file of nested brackets, a 1 MB gzip holding one
1 GiB string, or a 1 GiB line must cost bounded time and memory, not the process. The
limits are checked on the bytes, before a record is decoded (see ``_scan``), so a record
past one is never held: it becomes a ``sample.unreadable`` record whose message names the
limit, and the reader goes on with the next record.

The defaults sit far above real function-calling data (records of a few KB, nesting
below 20 levels, gzip ratios below 80 even for synthetic, repetitive records) and below
what hurts: the worst 16 MiB record, empty objects only (``[{},{},…]``), decodes to
~470 MB of Python objects (measured: 941 MB for 32 MiB); a record of strings costs about
its size.
"""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


#: The deepest nesting ``orjson`` decodes; ``max_depth`` may not exceed it.
ORJSON_DEPTH = 1024


def human(n: float) -> str:
    """``33554432`` → ``"32 MiB"``: limits are named with their size, as users set them."""
    for unit, size in (("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
        if n >= size and n % size == 0:
            return f"{n // size:g} {unit}"
    return f"{n:g} bytes"


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds on one dataset's shape; ``toolproof.settings.Settings`` carries each one.

    - ``max_depth``: deepest nesting of arrays and objects in one record, at most
      :data:`ORJSON_DEPTH` (real records nest below 20 levels).
    - ``max_string_bytes``: longest JSON string, in encoded bytes.
    - ``max_record_bytes``: largest record (one array element or one JSONL line).
    - ``max_decompressed_bytes``: most bytes a gzip upload may inflate to.
    - ``max_gzip_ratio``: largest inflated/compressed ratio, checked once
      :data:`RATIO_FLOOR` bytes are inflated (a gzip bomb inflates ~1000 times).
    """

    max_depth: int = 1024
    max_string_bytes: int = 16 * MIB
    max_record_bytes: int = 16 * MIB
    max_decompressed_bytes: int = 16 * GIB
    max_gzip_ratio: float = 200.0

    def __post_init__(self) -> None:
        if not 0 < self.max_depth <= ORJSON_DEPTH:
            raise ValueError(f"max_depth must be between 1 and {ORJSON_DEPTH}")


#: Inflated bytes below which the gzip ratio is not checked: a small, repetitive file
#: compresses far better than a large one, and 32 MiB cost well under a second.
RATIO_FLOOR = 32 * MIB

DEFAULT_LIMITS = ReadLimits()


class LimitExceeded(Exception):
    """The stream itself went past a limit (gzip size or ratio): nothing after it is read."""
