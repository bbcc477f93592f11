"""The model layer: the ``Judge`` seam, the offline judge and the LLM judge.

``make_judge("offline" | URL | name)`` builds a judge; ``JudgeLayer(judge)`` is the check
the pipeline calls. A scripted chat server for tests lives in ``verifier._judge._scripted``,
outside the public surface.
"""

from verifier._judge._answer import Answer, Issue, parse_answer
from verifier._judge._base import (
    FunctionJudge,
    Judge,
    JudgeStats,
    JudgeVerdict,
    get_judge,
    judge_names,
    register_judge,
    sample_hash,
)
from verifier._judge._cache import JudgeCache
from verifier._judge._client import ChatClient, RetryPolicy, completions_url
from verifier._judge._layer import JudgeLayer, make_judge
from verifier._judge._llm import LLMJudge
from verifier._judge._offline import OFFLINE_VERSION, OfflineJudge
from verifier._judge._prompts import (
    DEFAULT_PROMPT_VERSION,
    Prompt,
    load_prompt,
    prompt_versions,
    render_dialog,
)
from verifier._trace import Evidence

__all__ = [
    "DEFAULT_PROMPT_VERSION",
    "OFFLINE_VERSION",
    "Answer",
    "ChatClient",
    "Evidence",
    "FunctionJudge",
    "Issue",
    "Judge",
    "JudgeCache",
    "JudgeLayer",
    "JudgeStats",
    "JudgeVerdict",
    "LLMJudge",
    "OfflineJudge",
    "Prompt",
    "RetryPolicy",
    "completions_url",
    "get_judge",
    "judge_names",
    "load_prompt",
    "make_judge",
    "parse_answer",
    "prompt_versions",
    "register_judge",
    "render_dialog",
    "sample_hash",
]
