"""The execution layer: calls executed against compiled mocks in a sandbox."""

from verifier._exec._compare import decode_response, looks_like_error
from verifier._exec._layer import ExecLayer
from verifier._pairing import CallSite, pair_calls

__all__ = ["CallSite", "ExecLayer", "decode_response", "looks_like_error", "pair_calls"]
