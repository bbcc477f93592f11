"""Errors of the compiler: one tool that cannot compile, without stopping its toolset.

CompileError (toolspec.errors)
└── ToolCompileError   one tool's spec or implementation cannot become a mock; the
                       compiler records it in the manifest and compiles the rest
"""

from __future__ import annotations

from toolspec.errors import CompileError


class ToolCompileError(CompileError):
    """Raised while compiling one tool; ``tool`` names it, ``code`` says what kind of fault."""

    def __init__(self, tool: str, code: str, message: str) -> None:
        super().__init__(f"tool {tool!r}: {message}", code=code)
        self.tool = tool
        self.detail = message
