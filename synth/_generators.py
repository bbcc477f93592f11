"""Generators by name: ``offline`` (templates, the default) and ``llm`` (a chat model).

One name picks both halves of the pipeline (the pool proposer and the dialog agents),
so ``--llm offline|URL`` means the same thing to ``synth pool`` and ``synth dialogs``.
"""

from __future__ import annotations

from collections.abc import Callable

from synth._agents import Agents, OfflineAgents
from synth._llm import LLMAgents
from synth._protocols import ChatModel
from toolspec.errors import ConfigError

_AGENTS: dict[str, Callable[[ChatModel | None], Agents]] = {
    "offline": lambda model: OfflineAgents(),
    "llm": LLMAgents,
}


def generator_names() -> list[str]:
    return sorted(_AGENTS)


def make_agents(name: str, *, model: ChatModel | None = None) -> Agents:
    """The user and assistant agents of generator ``name``; unknown names list the known."""
    factory = _AGENTS.get(name)
    if factory is None:
        raise ConfigError(
            f"unknown generator {name!r}; known generators: {', '.join(generator_names())}"
        )
    return factory(model)
