"""BFCL-compatible evaluation: score model results exactly as BFCL's AST checker does.

``score_results`` checks a BFCL result file against BFCL's possible answers (shipped in
``data/``, Apache-2.0) for any single-turn category; ``check_entry`` scores one result;
``decode_output`` reads model output as BFCL's decoders do (without evaluating it);
``run_model`` queries an OpenAI-compatible endpoint and writes a resumable result file.
The multi-turn categories run on BFCL's stateful backends in the process sandbox:
``fetch_backends`` extracts them from BFCL's pinned release, ``load_backends`` reads them,
``MultiTurnRunner`` checks ``(MultiTurnEntry, result)`` pairs as BFCL's multi-turn checker.

Exports load on first use (``toolspec.lazy_exports``): importing one name, or a sub-module,
loads only what that needs.
"""

from typing import TYPE_CHECKING

from toolspec import lazy_exports

_EXPORTS: dict[str, tuple[str, ...]] = {
    "verifier.bfcl._backends": (
        "BFCL_EVAL_VERSION",
        "Backends",
        "BackendsError",
        "default_backends_dir",
        "fetch_backends",
        "load_backends",
    ),
    "verifier.bfcl._mt_check": ("MultiTurnEntry", "check_multi_turn"),
    "verifier.bfcl._mt_run": ("MultiTurnRunner", "load_multi_turn"),
    "verifier.bfcl._mt_infer": ("run_multi_turn",),
    "verifier.bfcl._categories": (
        "CATEGORIES",
        "MULTI_TURN_CATEGORIES",
        "Category",
        "category_of_id",
        "resolve_categories",
    ),
    "verifier.bfcl._check": (
        "CheckJob",
        "CheckJobs",
        "MultiTurnCheck",
        "ResultsError",
        "Verdict",
        "check_entry",
        "check_jobs",
        "check_results",
        "read_results",
    ),
    "verifier.bfcl._data": (
        "DEFAULT_DATA_DIR",
        "BfclDataError",
        "Entry",
        "load_entries",
    ),
    "verifier.bfcl._decode": (
        "decode_output",
        "has_call",
        "is_call_list",
    ),
    "verifier.bfcl._runner": (
        "RunSettings",
        "RunStats",
        "done_ids",
        "request_body",
        "run_model",
    ),
    "verifier.bfcl._score": (
        "Report",
        "multi_turn_checker",
        "score_results",
    ),
    "verifier.bfcl._summary": ("summarize",),
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # names re-exported for type checkers (``X as X``)
    from verifier.bfcl._backends import (
        BFCL_EVAL_VERSION as BFCL_EVAL_VERSION,
        Backends as Backends,
        BackendsError as BackendsError,
        default_backends_dir as default_backends_dir,
        fetch_backends as fetch_backends,
        load_backends as load_backends,
    )
    from verifier.bfcl._categories import (
        CATEGORIES as CATEGORIES,
        MULTI_TURN_CATEGORIES as MULTI_TURN_CATEGORIES,
        Category as Category,
        category_of_id as category_of_id,
        resolve_categories as resolve_categories,
    )
    from verifier.bfcl._check import (
        CheckJob as CheckJob,
        CheckJobs as CheckJobs,
        MultiTurnCheck as MultiTurnCheck,
        ResultsError as ResultsError,
        Verdict as Verdict,
        check_entry as check_entry,
        check_jobs as check_jobs,
        check_results as check_results,
        read_results as read_results,
    )
    from verifier.bfcl._data import (
        DEFAULT_DATA_DIR as DEFAULT_DATA_DIR,
        BfclDataError as BfclDataError,
        Entry as Entry,
        load_entries as load_entries,
    )
    from verifier.bfcl._decode import (
        decode_output as decode_output,
        has_call as has_call,
        is_call_list as is_call_list,
    )
    from verifier.bfcl._mt_check import (
        MultiTurnEntry as MultiTurnEntry,
        check_multi_turn as check_multi_turn,
    )
    from verifier.bfcl._mt_infer import run_multi_turn as run_multi_turn
    from verifier.bfcl._mt_run import (
        MultiTurnRunner as MultiTurnRunner,
        load_multi_turn as load_multi_turn,
    )
    from verifier.bfcl._runner import (
        RunSettings as RunSettings,
        RunStats as RunStats,
        done_ids as done_ids,
        request_body as request_body,
        run_model as run_model,
    )
    from verifier.bfcl._score import (
        Report as Report,
        multi_turn_checker as multi_turn_checker,
        score_results as score_results,
    )
    from verifier.bfcl._summary import summarize as summarize
