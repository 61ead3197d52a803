"""Run routine reconstruction over an EdgeWisePersona-format folder and score it.

:func:`run_edgewise` reads only the sessions (never ``applied_routines``),
reconstructs each user's routines with the chosen extractor, optionally writes
the NL profile with the LLM (so its cost is in the timing), and scores against
``routines.jsonl`` when the folder has it. Per-user seconds, LLM calls and
tokens, and the process's peak RSS are recorded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from edgerec_bench.datasets.edgewise import EdgewiseUser, load
from edgerec_bench.eval.edgewise_metrics import score_users
from edgerec_bench.eval.predictions import write_predictions
from edgerec_bench.perf.memory import peak_rss_mb
from edgerec.profile.devices import DeviceSchema
from edgerec.profile.hybrid import make_extractor
from edgerec.profile.nl_profile import summarize
from edgerec.profile.reconstruct import reconstruct_routines

__all__ = ["UserResult", "EdgewiseRun", "run_edgewise", "write_predictions"]


@dataclass
class UserResult:
    """One user's routines and what producing them cost."""

    routines: list[dict[str, Any]]
    seconds: float
    llm_calls: int = 0
    llm_tokens: int = 0
    sessions: int = 0
    profile: str | None = None
    profile_source: str | None = None


@dataclass
class EdgewiseRun:
    """The outcome of a run: predictions per user (file order), costs, metrics."""

    users: list[UserResult]
    extractor: str
    llm: bool
    metrics: dict[str, float] | None = None
    peak_rss_mb: float = 0.0
    model: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def predictions(self) -> list[list[dict[str, Any]]]:
        """The routine list of every user, in file order."""
        return [u.routines for u in self.users]

    def summary(self) -> dict[str, Any]:
        """Metrics and costs as one JSON-ready dict."""
        seconds = [u.seconds for u in self.users]
        out: dict[str, Any] = dict(self.metrics or {})
        out.update({
            "users": len(self.users),
            "sessions": sum(u.sessions for u in self.users),
            "extractor": self.extractor,
            "llm": self.llm,
            "model": self.model,
            "seconds_per_user.mean": round(sum(seconds) / len(seconds), 3) if seconds else 0.0,
            "seconds_per_user.max": round(max(seconds), 3) if seconds else 0.0,
            "llm_calls": sum(u.llm_calls for u in self.users),
            "llm_tokens": sum(u.llm_tokens for u in self.users),
            "llm_profiles_used": sum(1 for u in self.users if (u.profile_source or "").startswith("llm")),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
        })
        return out


def run_edgewise(
    data: str | Path | Sequence[EdgewiseUser],
    *,
    extractor: str = "rules",
    llm: Any = None,
    profiles: bool = True,
    progress: Callable[[int], None] | None = None,
    schema: DeviceSchema | None = None,
) -> EdgewiseRun:
    """Reconstruct (and score, when the truth is known) every user of a dataset.

    ``llm`` is a :class:`edgerec.models.llm.LocalLLM` or None. With an LLM and
    ``profiles``, each user's NL profile is written by the model (its time and
    tokens count); without, the template profile is used. ``progress`` is
    called with 1 after each user. ``schema``: the devices (None: EdgeWisePersona's).
    """
    users = load(data, schema) if isinstance(data, (str, Path)) else list(data)
    extract = make_extractor(extractor, llm, schema=schema)
    results = []
    for user in users:
        before_calls, before_tokens = _llm_counts(llm)
        started = time.perf_counter()
        routines = reconstruct_routines(user.sessions, extractor=extract)
        profile = source = None
        if profiles:
            profile, source = summarize(routines, llm, sessions=len(user.sessions), schema=schema)
        elapsed = time.perf_counter() - started
        after_calls, after_tokens = _llm_counts(llm)
        results.append(UserResult(routines, elapsed, after_calls - before_calls, after_tokens - before_tokens,
                                  len(user.sessions), profile, source))
        if progress is not None:
            progress(1)
    run = EdgewiseRun(results, extractor, llm is not None, model=str(getattr(llm, "path", "") or "") or None)
    if users and all(u.routines is not None for u in users):
        run.metrics = score_users([u.routines or [] for u in users], run.predictions)
    run.peak_rss_mb = peak_rss_mb()
    return run


def _llm_counts(llm: Any) -> tuple[int, int]:
    if llm is None:
        return 0, 0
    stats = llm.stats
    return stats.calls, stats.prompt_tokens + stats.completion_tokens
