"""The one exception tree of toolproof.

Every error toolproof raises on purpose derives from :class:`ToolproofError` and carries a
stable ``code`` (dotted, like the finding codes) so that the CLI, the HTTP layer and users'
scripts can tell errors apart without parsing messages. It lives here, in the lowest
package, because every other package (``sandbox`` included) must be able to subclass it;
this module knows nothing about tools.

    ToolproofError
    ├── SpecError                 a tool spec cannot be imported or normalised
    │   └── UnknownDialectError   no importer has that dialect name
    ├── DatasetError              a dataset cannot be opened or its format is unknown
    │   └── UnknownFormatError    no reader has that format name
    ├── ParseError                call text cannot be parsed (also a ValueError)
    ├── CompileError              a toolset cannot be compiled to a mock bundle
    ├── SandboxError              isolated execution failed (see sandbox.errors)
    ├── JudgeError                the judge could not answer
    └── ConfigError               settings or command-line input are invalid
"""

from __future__ import annotations


class ToolproofError(Exception):
    """Root of every toolproof error; ``code`` is stable and machine-readable."""

    code: str = "toolproof.error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class SpecError(ToolproofError, ValueError):
    """Raised when a tool spec cannot be read in any dialect the importers know."""

    code = "spec.invalid"


class UnknownDialectError(SpecError, LookupError):
    """Raised when an importer is asked for by a name that is not registered."""

    code = "spec.unknown_dialect"


class DatasetError(ToolproofError):
    """Raised when a dataset file cannot be opened or read at all (not per record)."""

    code = "dataset.invalid"


class UnknownFormatError(DatasetError, LookupError):
    """Raised when a reader is asked for by a name that is not registered."""

    code = "dataset.unknown_format"


class ParseError(ToolproofError, ValueError):
    """Raised by call parsers; ``position`` is the 0-based character offset of the fault."""

    code = "call.unparsable"

    def __init__(self, message: str, *, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


class CompileError(ToolproofError):
    """Raised when a toolset (or one tool of it) cannot be compiled to a mock."""

    code = "compile.failed"


class SandboxError(ToolproofError):
    """Root of the sandbox subsystem's errors."""

    code = "sandbox.error"


class JudgeError(ToolproofError):
    """Raised when the judge cannot answer; callers turn it into ``judge.unavailable``."""

    code = "judge.unavailable"


class ConfigError(ToolproofError, ValueError):
    """Raised for invalid settings or command-line input (the CLI exits 2)."""

    code = "config.invalid"
