"""``Registry[T]``: the one way a seam finds its implementations by name."""

from __future__ import annotations

import pytest

from toolspec.errors import ConfigError, SpecError
from toolspec.registry import Registry


def test_register_get_and_an_unknown_name_lists_the_known() -> None:
    reg: Registry[int] = Registry("unknown thing {name}; known: {known}")
    reg.add("b", 2)

    @reg.register("a")
    def make() -> int:
        return 1

    assert reg.get("b") == 2 and reg.get("a") is make
    assert reg.names() == ["a", "b"] and "a" in reg and list(reg) == ["b", "a"]
    with pytest.raises(ConfigError, match=r"unknown thing 'c'; known: a, b"):
        reg.get("c")


def test_lazy_built_ins_load_on_first_use_and_the_error_type_is_the_seams() -> None:
    reg: Registry[object] = Registry("no {name} ({known})", error=SpecError,
                                     lazy={"json": "json"})  # fmt: skip
    assert reg.names() == ["json"] and "json" not in reg  # named, not loaded yet
    with pytest.raises(SpecError, match=r"no 'json' \(json\)"):
        reg.get("json")  # importing it registered nothing: still unknown, said plainly
