"""``ContentCache``: work done once per content, found again by object identity first.

A dataset repeats the same few hundred tools across many thousand samples, and a mock
session checks the same few tools call after call; compiling their checks once per
content, behind a bounded LRU, is what keeps both fast (bench/bench_rules.py).

In front of the LRU, a map from the identity of the object asked about: readers cache
the specs of a tool list they have seen and a bundle keeps its schemas, so the same
object often comes back and needs no key at all. Entries hold the object, so an id is
not reused while its entry lives; the map is simply emptied when full (cheaper than
ordering it, and it only ever saves a key computation).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class ContentCache(Generic[K, V]):
    """A bounded, thread-safe map ``key(obj)`` → ``build(obj)``."""

    def __init__(self, maxsize: int, key: Callable[[K], bytes], build: Callable[[K], V]) -> None:
        self.maxsize = maxsize
        self._key, self._build = key, build
        self._data: OrderedDict[bytes, V] = OrderedDict()
        self._by_id: dict[int, tuple[K, V]] = {}
        self._lock = threading.Lock()

    def get(self, obj: K) -> V:
        seen = self._by_id.get(id(obj))
        if seen is not None and seen[0] is obj:
            return seen[1]
        key = self._key(obj)
        value = self._data.get(key)
        if value is None:
            value = self._build(obj)
            with self._lock:
                self._data[key] = value
                if len(self._data) > self.maxsize:
                    self._data.popitem(last=False)
        else:
            try:  # noqa: SIM105 - contextlib.suppress costs more on this hot path
                self._data.move_to_end(key)
            except KeyError:  # another thread evicted it meanwhile; it stays usable
                pass
        if len(self._by_id) >= self.maxsize:
            self._by_id.clear()
        self._by_id[id(obj)] = (obj, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._by_id.clear()

    def __len__(self) -> int:
        return len(self._data)
