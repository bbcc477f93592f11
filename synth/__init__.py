"""The ToolACE-style synthesis pipeline, with executed mocks as the tool agent.

    pool:    seeds ──proposer──▶ candidates ──spec checks, dedupe, compile──▶ pool.jsonl
    dialogs: pool ──controller + user/assistant agents + tool agent (executed mock)──▶
             candidate dialogs ──verify (all layers)──▶ only passing ones written

The application passes in what ``synth`` may not import (``_protocols``): spec checks,
the compile check, the tool agent, the verify callable, the call printer, a chat model.
"""

from synth._synthesis._agents import Agents, OfflineAgents, Turn
from synth._synthesis._catalogue import catalogue, seed_specs as seed_catalogue
from synth._synthesis._controller import (
    DEFAULT_MIX,
    PATTERNS,
    ComplexityController,
    Link,
    Step,
    parse_mix,
)
from synth._synthesis._dedupe import Deduper, signature
from synth._synthesis._dialog import Dialog, Message, get_writer
from synth._synthesis._dialogs import DialogGenerator, DialogStats, toolsets
from synth._synthesis._errors import GenerationFailed
from synth._synthesis._generators import generator_names, make_agents
from synth._synthesis._llm import LLMAgents, LLMProposer, parse_json
from synth._synthesis._offline_pool import OfflineProposer
from synth._synthesis._pool import PoolBuilder, PoolStats, param_types
from synth._synthesis._pool_file import PoolEntry, read_pool
from synth._synthesis._propose import (
    DomainTree,
    Proposer,
    classify,
    make_proposer,
    proposer_names,
    register_proposer,
)
from synth._synthesis._protocols import (
    CallPrinter,
    ChatModel,
    SpecCheck,
    ToolAgent,
    ToolResult,
    ToolSession,
    Verdict,
    Verify,
)

__all__ = [
    "DEFAULT_MIX",
    "PATTERNS",
    "Agents",
    "CallPrinter",
    "ChatModel",
    "ComplexityController",
    "Deduper",
    "Dialog",
    "DialogGenerator",
    "DialogStats",
    "DomainTree",
    "GenerationFailed",
    "LLMAgents",
    "LLMProposer",
    "Link",
    "Message",
    "OfflineAgents",
    "OfflineProposer",
    "PoolBuilder",
    "PoolEntry",
    "PoolStats",
    "Proposer",
    "SpecCheck",
    "Step",
    "ToolAgent",
    "ToolResult",
    "ToolSession",
    "Turn",
    "Verdict",
    "Verify",
    "catalogue",
    "classify",
    "generator_names",
    "get_writer",
    "make_agents",
    "make_proposer",
    "param_types",
    "parse_json",
    "parse_mix",
    "proposer_names",
    "read_pool",
    "register_proposer",
    "seed_catalogue",
    "signature",
    "toolsets",
]
