"""Build the exec and judge layers the CLI and the service ask for, from settings.

The library takes explicit objects; this is the one place that turns ``--sandbox``,
``--judge`` and the ``TOOLPROOF_*`` settings into them, and that closes them again.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolproof.settings import Settings
    from verifier import LayerCheck


def build_layers(
    layers: tuple[str, ...],
    *,
    sandbox: str,
    judge: str,
    settings: Settings,
    stack: ExitStack,
) -> tuple[dict[str, LayerCheck], dict[str, Any]]:
    """The extra layers and their provenance; ``stack`` closes what they opened."""
    extra: dict[str, LayerCheck] = {}
    provenance: dict[str, Any] = {}
    if "exec" in layers:  # each layer's machinery loads only when it is asked for
        from mock_apis import MockRunner
        from verifier._exec import ExecLayer

        runner = MockRunner(sandbox)
        try:
            runner.check()  # a sandbox that cannot run code fails the command now, not the data
        except BaseException:
            runner.close()
            raise
        stack.enter_context(runner)
        exec_layer = ExecLayer(runner)
        stack.callback(exec_layer.close)
        extra["exec"] = exec_layer
        provenance.update(exec_layer.provenance)
    if "judge" in layers:
        from verifier._judge import JudgeLayer, make_judge

        settings.home.mkdir(parents=True, exist_ok=True)
        judge_layer = JudgeLayer(
            make_judge(
                judge,
                model=settings.judge_model,
                api_key=settings.secret_judge_key,
                cache_path=settings.home / "judge-cache.sqlite",
            )
        )
        extra["judge"] = judge_layer
        provenance.update({k: v for k, v in judge_layer.provenance.items() if v is not None})
    return extra, provenance
