"""The registry of compiled toolsets: bundles by id (their sha256), in memory and on disk.

The HTTP service registers a tool list once (``POST /v1/toolsets``) and then calls it by
bundle id; the execution layer compiles each sample's tools through it, so a tool list
repeated across a dataset compiles once. Bundles are content-addressed, so the disk
cache never needs invalidating; memory keeps the most recently used ``capacity``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from mock_apis import MockBundle
from mock_apis._compiler import BundleCache, bundle_key
from mock_apis._restricted import compile_toolset
from toolspec import ToolSpec


class ToolsetRegistry:
    """Compile-once access to bundles; ``get`` raises ``KeyError`` for an unknown id."""

    def __init__(self, cache_dir: Path | None = None, capacity: int = 256) -> None:
        self.cache = BundleCache(cache_dir) if cache_dir is not None else None
        self.capacity = capacity
        self.bundles: OrderedDict[str, MockBundle] = OrderedDict()

    def register(
        self, specs: Iterable[ToolSpec], *, impl_source: str | None = None, seed: int = 0
    ) -> MockBundle:
        spec_list = list(specs)
        key = bundle_key(spec_list, seed, impl_source)
        known = self.bundles.get(key)
        if known is not None:
            self.bundles.move_to_end(key)
            return known
        cache_dir = self.cache.root if self.cache is not None else None
        bundle = compile_toolset(spec_list, impl_source=impl_source, seed=seed, cache_dir=cache_dir)
        self.remember(bundle)
        return bundle

    def remember(self, bundle: MockBundle) -> None:
        self.bundles[bundle.sha256] = bundle
        self.bundles.move_to_end(bundle.sha256)
        while len(self.bundles) > self.capacity:
            self.bundles.popitem(last=False)

    def get(self, bundle_id: str) -> MockBundle:
        bundle = self.bundles.get(bundle_id)
        if bundle is None and self.cache is not None:
            bundle = self.cache.get(bundle_id)
            if bundle is not None:
                self.remember(bundle)
        if bundle is None:
            raise KeyError(bundle_id)
        return bundle
