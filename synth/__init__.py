"""The ToolACE-style synthesis pipeline, with executed mocks as the tool agent.

    pool:    seeds ──proposer──▶ candidates ──spec checks, dedupe, compile──▶ pool.jsonl
    dialogs: pool ──controller + user/assistant agents + tool agent (executed mock)──▶
             candidate dialogs ──verify (all layers)──▶ only passing ones written
    select:  dialogs ──complexity score (model loss or offline proxy)──▶ kept dialogs

``synth`` stands on ``mock_apis`` and ``verifier`` (``_wiring``: the spec and compile
checks, the executed-mock tool agent, the verify callable over the layers the
application builds, the judge's chat client); the pipeline takes those as the small
types of ``_protocols`` so that tests run it on plain functions.

Exports load on first use (``toolspec.lazy_exports``).
"""

from typing import TYPE_CHECKING

from toolspec import lazy_exports

_EXPORTS: dict[str, tuple[str, ...]] = {
    "synth._agents": (
        "Agents",
        "OfflineAgents",
        "Turn",
    ),
    "synth._catalogue": (
        "catalogue",
        "seed_catalogue",
    ),
    "synth._controller": (
        "DEFAULT_MIX",
        "PATTERNS",
        "ComplexityController",
        "Link",
        "Step",
        "parse_mix",
    ),
    "synth._dedupe": (
        "Deduper",
        "signature",
    ),
    "synth._dialog": (
        "Dialog",
        "Message",
        "get_writer",
    ),
    "synth._dialogs": (
        "DialogGenerator",
        "toolsets",
    ),
    "synth._errors": ("GenerationFailed",),
    "synth._generators": (
        "generator_names",
        "make_agents",
    ),
    "synth._llm": (
        "LLMAgents",
        "LLMProposer",
        "parse_json",
    ),
    "synth._offline_pool": ("OfflineProposer",),
    "synth._pool": (
        "PoolBuilder",
        "PoolStats",
        "param_types",
    ),
    "synth._pool_file": (
        "PoolEntry",
        "parse_pool",
        "read_pool",
    ),
    "synth._propose": (
        "DomainTree",
        "Proposer",
        "classify",
        "make_proposer",
        "proposer_names",
        "register_proposer",
    ),
    "synth._protocols": (
        "ChatModel",
        "SpecCheck",
        "ToolAgent",
        "ToolResult",
        "ToolSession",
        "Verdict",
        "Verify",
    ),
    "synth._select": (
        "PROXY",
        "loss",
        "proxy",
        "render",
        "select",
    ),
    "synth._writer": (
        "Attempt",
        "DialogStats",
        "DialogWriter",
    ),
    "synth._wiring": (
        "VERIFY_LAYERS",
        "LogprobScorer",
        "MockToolAgent",
        "PipelineVerify",
        "SyncChat",
        "spec_check",
        "verifying_agents",
    ),
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # names re-exported for type checkers (``X as X``)
    from synth._agents import (
        Agents as Agents,
        OfflineAgents as OfflineAgents,
        Turn as Turn,
    )
    from synth._catalogue import (
        catalogue as catalogue,
        seed_catalogue as seed_catalogue,
    )
    from synth._controller import (
        DEFAULT_MIX as DEFAULT_MIX,
        PATTERNS as PATTERNS,
        ComplexityController as ComplexityController,
        Link as Link,
        Step as Step,
        parse_mix as parse_mix,
    )
    from synth._dedupe import (
        Deduper as Deduper,
        signature as signature,
    )
    from synth._dialog import (
        Dialog as Dialog,
        Message as Message,
        get_writer as get_writer,
    )
    from synth._dialogs import (
        DialogGenerator as DialogGenerator,
        toolsets as toolsets,
    )
    from synth._errors import (
        GenerationFailed as GenerationFailed,
    )
    from synth._generators import (
        generator_names as generator_names,
        make_agents as make_agents,
    )
    from synth._llm import (
        LLMAgents as LLMAgents,
        LLMProposer as LLMProposer,
        parse_json as parse_json,
    )
    from synth._offline_pool import (
        OfflineProposer as OfflineProposer,
    )
    from synth._pool import (
        PoolBuilder as PoolBuilder,
        PoolStats as PoolStats,
        param_types as param_types,
    )
    from synth._pool_file import (
        PoolEntry as PoolEntry,
        parse_pool as parse_pool,
        read_pool as read_pool,
    )
    from synth._propose import (
        DomainTree as DomainTree,
        Proposer as Proposer,
        classify as classify,
        make_proposer as make_proposer,
        proposer_names as proposer_names,
        register_proposer as register_proposer,
    )
    from synth._protocols import (
        ChatModel as ChatModel,
        SpecCheck as SpecCheck,
        ToolAgent as ToolAgent,
        ToolResult as ToolResult,
        ToolSession as ToolSession,
        Verdict as Verdict,
        Verify as Verify,
    )
    from synth._select import (
        PROXY as PROXY,
        loss as loss,
        proxy as proxy,
        render as render,
        select as select,
    )
    from synth._wiring import (
        VERIFY_LAYERS as VERIFY_LAYERS,
        LogprobScorer as LogprobScorer,
        MockToolAgent as MockToolAgent,
        PipelineVerify as PipelineVerify,
        SyncChat as SyncChat,
        spec_check as spec_check,
        verifying_agents as verifying_agents,
    )
