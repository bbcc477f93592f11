"""Command groups of the ``toolproof`` CLI, one module each."""
