"""The installed distribution's version, recorded in every result's provenance."""

from importlib.metadata import PackageNotFoundError, version

try:
    TOOLPROOF_VERSION = version("toolproof")
except PackageNotFoundError:  # a source tree that is not installed
    TOOLPROOF_VERSION = "0.0.0+source"
