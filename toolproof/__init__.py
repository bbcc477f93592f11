"""toolproof: the product shell (CLI, HTTP service, job store, settings)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("toolproof")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
