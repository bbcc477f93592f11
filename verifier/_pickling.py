"""Fast pickling for the slotted dataclasses that travel between processes.

Results and records cross process boundaries by the thousand (a Ray node sends a shard's
results back, the command sends it records): a slotted dataclass pickles through the
generic ``object.__reduce_ex__``, which builds a dict of its slots for every object. A
``__reduce__`` that hands the class its fields as one tuple (one C ``attrgetter`` call)
pickled a 1,024-record shard's results 5x faster (bench_ray's data: 121 ms → 24 ms).
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


def picklable(cls: type[T]) -> type[T]:
    """Give the dataclass ``cls`` a ``__reduce__``: rebuilt by ``cls(*fields)``, every
    field in declaration order (all of them ``init`` fields, two at least)."""
    declared = fields(cls)  # type: ignore[arg-type]
    names = [f.name for f in declared]
    if len(names) < 2 or not all(f.init for f in declared):
        raise TypeError(f"{cls.__name__}: picklable needs two init fields or more")
    get = attrgetter(*names)

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, get(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls
