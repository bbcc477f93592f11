"""``--help`` reads well in an 80-column terminal: value names, not Python types, and no
help text cut short."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMANDS = [
    "",
    "verify",
    "compile",
    "serve",
    "bfcl",
    "bfcl check",
    "bfcl run",
    "mock serve",
    "sandbox run",
    "sandbox doctor",
    "synth pool",
    "synth dialogs",
    "synth select",
    "keys create",
]
#: Typer's renderings of a parameter's Python type, which a user cannot type in.
PYTHON_TYPES = ("<bool>", "<str>", "<int", "<float", "<list[")


def help_text(command: str) -> str:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.run(
        [sys.executable, "-m", "toolproof", *command.split(), "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_values_and_cuts_nothing(command: str) -> None:
    text = help_text(command)
    assert not [t for t in PYTHON_TYPES if t in text], text
    assert "…" not in text, text  # rich cuts a word too long for its column with "…"


def test_verify_help_lists_every_format_and_the_gate() -> None:
    text = " ".join(help_text("verify").replace("│", " ").split())
    assert "toolace, openai, sharegpt, hermes, glaive, xlam or bfcl" in text
    assert "--min-samples N" in text and "--fail-under RATE" in text


def test_underscore_to_dot_says_what_it_compares() -> None:
    text = " ".join(help_text("bfcl check").replace("│", " ").split())
    assert "underscores to BFCL's dotted function names (math_factorial matches" in text
