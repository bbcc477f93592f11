"""Isolated execution of untrusted code: the Sandbox protocol and its backends."""

__all__: list[str] = []
