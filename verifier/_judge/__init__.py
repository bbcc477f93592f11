"""The model layer: the ``Judge`` seam, the offline judge and the LLM judge."""

from verifier._judge._base import (
    Evidence,
    FunctionJudge,
    Judge,
    JudgeVerdict,
    get_judge,
    judge_names,
    register_judge,
    sample_hash,
)
from verifier._judge._offline import OFFLINE_VERSION, OfflineJudge

__all__ = [
    "OFFLINE_VERSION",
    "Evidence",
    "FunctionJudge",
    "Judge",
    "JudgeVerdict",
    "OfflineJudge",
    "get_judge",
    "judge_names",
    "register_judge",
    "sample_hash",
]
