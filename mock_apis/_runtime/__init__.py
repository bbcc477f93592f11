"""The mock runtime: the stdlib-only ``tpmock_*`` modules every compiled bundle runs on.

They are shipped as source beside each bundle's generated module into the sandbox, where
they are compiled with RestrictedPython like the rest of the bundle, and imported by their
flat names (``import tpmock_core``). :func:`runtime_modules` gives their sources. They
generate answers and keep session state; they check no arguments (the host did, with the
shared argument check, before the call was sent).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from mock_apis._compiler import RUNTIME_ABI

HERE = Path(__file__).resolve().parent
NAMES = ("tpmock_values", "tpmock_core")

__all__ = ["NAMES", "RUNTIME_ABI", "runtime_modules"]


@cache
def runtime_modules() -> dict[str, str]:
    """Module name → source of the runtime, as bundles import it."""
    return {name: (HERE / f"{name}.py").read_text(encoding="utf-8") for name in NAMES}
