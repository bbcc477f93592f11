"""The ``process`` sandbox backend (embedded default): see ``backend``."""

from sandbox.process.backend import ProcessSandbox
from sandbox.process.isolation import ProcessIsolation, probe

__all__ = ["ProcessIsolation", "ProcessSandbox", "probe"]
