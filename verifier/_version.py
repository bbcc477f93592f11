"""toolproof's version, recorded in every result's provenance.

The one place it is written: ``pyproject.toml`` reads it from here (``attr:``), so no
import of ``importlib.metadata`` (about 0.1 s) is needed to know it.
"""

TOOLPROOF_VERSION = "0.1.0"
