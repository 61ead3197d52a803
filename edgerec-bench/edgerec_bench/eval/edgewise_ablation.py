"""What the LLM adds to routine reconstruction and the profile: the same users, with and without it.

:func:`run_ablation` reconstructs every user of an EdgeWisePersona-format
folder once per configuration (:data:`CONFIGS`) and scores each:

* ``rules`` -- rule extraction, mined routines, template profile; no model;
* ``rules + model profile`` -- the same routines, and the grammar-constrained
  NL profile written by the model (:func:`edgerec.profile.nl_profile.summarize`);
* ``hybrid + model profile`` -- the ``hybrid`` extractor (the model's
  likelihood choice among a setting's closed set where the rules left a clause
  open), and the profile;
* ``hybrid + request check + profile`` (only with ``request_check``) -- as
  above, and each user turn that reads like a question, report or plan
  classified by the model as a request or not.

Per configuration: routine exact, Jaccard, the share of users whose model
profile passes both the fact check and the fluency check (``None`` without a
model), model calls, seconds per user (mean and max, profile included) and the
process's peak RSS after the configuration ran (the rules row runs before the
model is loaded). A profile is written once per distinct routine list and its
time is counted for every configuration and user that needs it.

>>> [c.name for c in CONFIGS]
['rules', 'rules + model profile', 'hybrid + model profile', 'hybrid + request check + profile']
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from edgerec.profile.hybrid import make_extractor
from edgerec.profile.nl_profile import summarize
from edgerec.profile.reconstruct import reconstruct_routines
from edgerec_bench.datasets.edgewise import EdgewiseUser
from edgerec_bench.eval.edgewise_metrics import score_users
from edgerec_bench.perf.memory import peak_rss_mb

__all__ = ["Config", "CONFIGS", "run_ablation", "ablation_row", "table_lines"]


@dataclass(frozen=True)
class Config:
    """One configuration of the ablation: which uses of the model are on."""

    name: str
    model: bool
    choose_values: bool = False
    request_check: bool = False


CONFIGS = (Config("rules", model=False), Config("rules + model profile", model=True),
           Config("hybrid + model profile", model=True, choose_values=True),
           Config("hybrid + request check + profile", model=True, choose_values=True, request_check=True))


def ablation_row(name: str, truth: Sequence[Sequence[dict]], predicted: Sequence[Sequence[dict]],
                 seconds: Sequence[float], passed: Sequence[bool] | None, calls: int, rss_mb: float) -> dict[str, Any]:
    """One row of the table from per-user outcomes.

    >>> r = [{"triggers": {"time_of_day": "night"}, "actions": {"tv": {"volume": 20}}}]
    >>> row = ablation_row("rules", [r], [r], [0.5], None, 0, 80.0)
    >>> row["routine_exact"], row["jaccard"], row["nl_pass_rate"], row["seconds_per_user_max"]
    (1.0, 1.0, None, 0.5)
    """
    metrics = score_users([list(t) for t in truth], [list(p) for p in predicted])
    return {
        "config": name,
        "users": len(predicted),
        "routine_exact": round(metrics["acc.routine_exact"], 3),
        "jaccard": round(metrics["jaccard.flattened"], 3),
        "nl_pass_rate": None if passed is None else round(sum(passed) / len(passed), 3) if passed else 0.0,
        "model_calls": calls,
        "seconds_per_user_mean": round(sum(seconds) / len(seconds), 2) if seconds else 0.0,
        "seconds_per_user_max": round(max(seconds), 2) if seconds else 0.0,
        "peak_rss_mb": round(rss_mb, 1),
    }


def run_ablation(users: Sequence[EdgewiseUser], *, llm_factory: Callable[[], Any], request_check: bool = False,
                 progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    """The ablation table over ``users`` (who must carry their true routines).

    ``llm_factory`` returns the model (a :class:`edgerec.models.llm.LocalLLM`);
    it is called once, after the rules row. ``progress(config, done, total)`` is
    called after each user.
    """
    truth = [u.routines or [] for u in users]
    rows = []
    llm = None
    profiles: dict[str, tuple[bool, float, int]] = {}  # routines -> passed, seconds, calls
    for config in CONFIGS:
        if config.request_check and not request_check:
            continue
        if config.model and llm is None:
            llm = llm_factory()
        uses_model = config.choose_values or config.request_check
        extract = (make_extractor("hybrid", llm, choose_values=config.choose_values,
                                  check_requests=config.request_check) if uses_model else make_extractor("rules"))
        predicted, seconds, passed, calls = [], [], [], 0
        for done, user in enumerate(users, 1):
            before = llm.stats.calls if llm is not None else 0
            started = time.perf_counter()
            routines = reconstruct_routines(user.sessions, extractor=extract)
            elapsed = time.perf_counter() - started
            calls += (llm.stats.calls if llm is not None else 0) - before
            if config.model:
                ok, profile_seconds, profile_calls = _profile(llm, routines, len(user.sessions), profiles)
                elapsed += profile_seconds
                calls += profile_calls
                passed.append(ok)
            predicted.append(routines)
            seconds.append(elapsed)
            if progress is not None:
                progress(config.name, done, len(users))
        rows.append(ablation_row(config.name, truth, predicted, seconds, passed if config.model else None, calls,
                                 peak_rss_mb()))
    return {"users": len(users), "sessions_per_user": round(sum(len(u.sessions) for u in users) / len(users), 1)
            if users else 0, "model": str(getattr(llm, "path", "")) or None, "rows": rows}


def table_lines(report: dict[str, Any]) -> list[str]:
    """The report of :func:`run_ablation` as a plain-text table.

    >>> row = {"config": "rules", "routine_exact": 0.5, "jaccard": 0.9, "nl_pass_rate": None, "model_calls": 0,
    ...        "seconds_per_user_mean": 1.0, "seconds_per_user_max": 2.0, "peak_rss_mb": 80.0}
    >>> print("\\n".join(table_lines({"users": 1, "sessions_per_user": 100, "model": None, "rows": [row]})))
    1 users, 100 sessions each; model -
    config                        exact Jaccard NL pass  calls  s/user  max s RSS MB
    rules                         0.500   0.900       -      0    1.00   2.00     80
    """
    lines = [f"{report['users']} users, {report['sessions_per_user']:g} sessions each; model "
             f"{Path(report['model']).name if report['model'] else '-'}",
             f"{'config':28s} {'exact':>6s} {'Jaccard':>7s} {'NL pass':>7s} {'calls':>6s} {'s/user':>7s} "
             f"{'max s':>6s} {'RSS MB':>6s}"]
    for row in report["rows"]:
        passed = "-" if row["nl_pass_rate"] is None else f"{row['nl_pass_rate']:.2f}"
        lines.append(f"{row['config']:28s} {row['routine_exact']:6.3f} {row['jaccard']:7.3f} {passed:>7s} "
                     f"{row['model_calls']:6d} {row['seconds_per_user_mean']:7.2f} "
                     f"{row['seconds_per_user_max']:6.2f} {row['peak_rss_mb']:6.0f}")
    return lines


def _profile(llm: Any, routines: list[dict], sessions: int,
             cache: dict[str, tuple[bool, float, int]]) -> tuple[bool, float, int]:
    """Whether the model's profile of ``routines`` was used, its seconds and calls (written once per list)."""
    key = json.dumps(routines, sort_keys=True, default=str)
    if key not in cache:
        before = llm.stats.calls
        started = time.perf_counter()
        _, source = summarize(routines, llm, sessions=sessions)
        cache[key] = (source.startswith("llm"), time.perf_counter() - started, llm.stats.calls - before)
    return cache[key]
