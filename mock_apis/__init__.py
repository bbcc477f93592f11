"""The mock runtime, the registry of compiled toolsets and the mock server."""

__all__: list[str] = []
