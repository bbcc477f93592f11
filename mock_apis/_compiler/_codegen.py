"""Render the generated module of a bundle: plans as data, one small entry per tool.

The module imports only the runtime modules (``tpmock_*``, stdlib-only, shipped beside it
into the sandbox) and, if supplied, the implementation module. Entries validate nothing:
the host checked the arguments before the call was sent. Its own code is a handful
of statements per tool, written to compile under RestrictedPython: no names with leading
underscores, no attribute writes. Plans travel as one JSON string, which loads far faster
than the equivalent Python literal would compile.
"""

from __future__ import annotations

import json
from typing import Any

HEADER = '''"""Mock toolset compiled by toolproof's compiler {version} (runtime ABI {abi}).

Bundle {sha}: {count} tool(s). Generated code: recompile from the specs instead of editing.
"""

import tpmock_core
import tpmock_values
{impl_import}
SEED = {seed}
PLANS = tpmock_core.load({plans})
TOOLSET = tpmock_core.toolset(PLANS, SEED, tpmock_values)


def toolproof_reset():
    return tpmock_core.reset(TOOLSET)


def toolproof_state():
    return tpmock_core.snapshot(TOOLSET)
'''

ENTRY = """

def {entry}(**args):
    return tpmock_core.call(TOOLSET, {name}, args{impl})
"""


def render(
    *,
    version: str,
    abi: int,
    sha: str,
    seed: int,
    plans: dict[str, Any],
    entries: dict[str, str],
    impls: dict[str, str],
    impl_module: str | None,
) -> str:
    """The module source; ``impls`` maps tool name → function name in ``impl_module``."""
    text = json.dumps(plans, ensure_ascii=True, separators=(",", ":"))
    parts = [
        HEADER.format(
            version=version,
            abi=abi,
            sha=sha,
            count=len(entries),
            seed=int(seed),
            plans=repr(text),
            impl_import=f"import {impl_module}\n" if impl_module else "",
        )
    ]
    for name, entry in entries.items():
        impl = f", {impl_module}.{impls[name]}" if name in impls else ""
        parts.append(ENTRY.format(entry=entry, name=json.dumps(name), impl=impl))
    return "".join(parts)
