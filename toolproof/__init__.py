"""toolproof: the product shell (CLI, HTTP service, job store, settings)."""

from verifier import TOOLPROOF_VERSION as __version__

__all__ = ["__version__"]
