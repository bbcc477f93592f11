"""``python -m toolproof`` runs the CLI."""

from toolproof.cli import main

main()
