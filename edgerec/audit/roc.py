"""Pure metrics of a membership (or attribute) test: ROC, AUC, TPR at low FPR, and an empirical ε lower bound.

An attack gives each candidate a score (higher: more likely a member) and the
truth is a boolean label per candidate. Every function here takes those two
arrays and nothing else.

The ε lower bound follows the hypothesis-testing view of differential privacy:
any test that tells "trained with x" from "trained without x" under an
(ε, δ)-DP mechanism has ``TPR <= e^ε FPR + δ`` and ``1 - FPR <= e^ε (1 - TPR) + δ``.
Each threshold of the attack is such a test, so its rates give a bound. With a
finite number of candidates the observed rates are only estimates, so
:func:`epsilon_lower_bound` uses one-sided Clopper-Pearson bounds (the FPR and FNR
at their upper limits) and splits the error level over every threshold it tries
(Bonferroni): the result holds with the stated confidence, not just on average.

>>> scores = np.array([0.9, 0.8, 0.7, 0.3, 0.2, 0.1])
>>> labels = np.array([1, 1, 0, 1, 0, 0], dtype=bool)
>>> fpr, tpr = roc_points(scores, labels)
>>> fpr.round(3).tolist(), tpr.round(3).tolist()
([0.0, 0.0, 0.0, 0.333, 0.333, 0.667, 1.0], [0.0, 0.333, 0.667, 0.667, 1.0, 1.0, 1.0])
>>> round(auc(scores, labels), 3)
0.889
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from edgerec.errors import InputError, MissingExtraError

__all__ = ["roc_points", "auc", "tpr_at_fpr", "clopper_pearson", "epsilon_lower_bound", "attack_metrics"]


def _check(scores: ArrayLike, labels: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores, dtype=np.float64).ravel()
    y = np.asarray(labels).astype(bool).ravel()
    if len(s) != len(y):
        raise InputError(f"{len(s)} scores but {len(y)} labels")
    if not np.isfinite(s).all():
        raise InputError("attack scores must be finite")
    if y.all() or not y.any():
        raise InputError("an attack needs both members and non-members to be measured")
    return s, y


def _counts(s: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """True and false positives when flagging every score >= each distinct score (descending), from 0."""
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]  # end of each group of tied scores
    tp = np.cumsum(y)[last]
    fp = np.cumsum(~y)[last]
    return np.r_[0, tp], np.r_[0, fp]


def roc_points(scores: ArrayLike, labels: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``(fpr, tpr)`` of every threshold, from (0, 0) to (1, 1); tied scores move together."""
    s, y = _check(scores, labels)
    tp, fp = _counts(s, y)
    return fp / (~y).sum(), tp / y.sum()


def auc(scores: ArrayLike, labels: ArrayLike) -> float:
    """Area under the ROC curve: the chance a random member outscores a random non-member (ties count half).

    >>> auc([1, 1, 1], [True, False, True])
    0.5
    """
    fpr, tpr = roc_points(scores, labels)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def tpr_at_fpr(fpr: ArrayLike, tpr: ArrayLike, target: float) -> float:
    """Best TPR of a threshold whose FPR is at most ``target`` (no interpolation: an honest reading at low FPR).

    >>> tpr_at_fpr([0.0, 0.0, 0.5, 1.0], [0.0, 0.4, 0.9, 1.0], 0.01)
    0.4
    """
    fpr, tpr = np.asarray(fpr, dtype=np.float64), np.asarray(tpr, dtype=np.float64)
    ok = fpr <= target + 1e-12
    return float(tpr[ok].max()) if ok.any() else 0.0


def clopper_pearson(k: ArrayLike, n: ArrayLike, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """One-sided Clopper-Pearson bounds ``(lower, upper)`` of a binomial rate from ``k`` successes in ``n``.

    Each bound alone fails with probability at most ``alpha``. Needs scipy (the ``audit`` extra).

    >>> lo, hi = clopper_pearson(0, 100, 0.05)
    >>> float(lo), round(float(hi), 4)
    (0.0, 0.0295)
    """
    try:
        from scipy.stats import beta
    except ImportError:
        raise MissingExtraError("scipy", "audit") from None
    k, n = np.asarray(k, dtype=np.float64), np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(k > 0, beta.ppf(alpha, np.maximum(k, 1e-12), n - k + 1), 0.0)
        upper = np.where(k < n, beta.ppf(1 - alpha, k + 1, np.maximum(n - k, 1e-12)), 1.0)
    return lower, upper


def epsilon_lower_bound(
    scores: ArrayLike, labels: ArrayLike, *, delta: float = 0.0, confidence: float = 0.95
) -> float:
    """The largest ε that the attack's thresholds prove, with probability ``confidence`` (0 when none does).

    For every threshold, with FPR and FNR at their one-sided Clopper-Pearson upper
    bounds (error level split over all thresholds and both rates):
    ``ε >= max(log((1 - δ - FNR) / FPR), log((1 - δ - FPR) / FNR))``.
    A DP claim of ε is broken when this exceeds it.

    >>> rng = np.random.default_rng(0)
    >>> labels = np.arange(2000) < 1000
    >>> epsilon_lower_bound(rng.random(2000), labels)  # a coin flip proves nothing
    0.0
    >>> round(epsilon_lower_bound(labels.astype(float), labels), 2)  # a perfect attack on 1000 + 1000
    5.34
    """
    if not 0 < confidence < 1:
        raise InputError(f"confidence must be between 0 and 1, got {confidence}")
    s, y = _check(scores, labels)
    tp, fp = _counts(s, y)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    alpha = (1 - confidence) / (2 * len(tp))  # Bonferroni: every threshold, both rates
    _, fpr_hi = clopper_pearson(fp, n_neg, alpha)
    _, fnr_hi = clopper_pearson(n_pos - tp, n_pos, alpha)
    best = 0.0
    for num, den in ((1 - delta - fnr_hi, fpr_hi), (1 - delta - fpr_hi, fnr_hi)):
        ok = (num > 0) & (den > 0)
        if ok.any():
            best = max(best, float(np.max(np.log(num[ok] / den[ok]))))
    return best


def attack_metrics(
    scores: ArrayLike, labels: ArrayLike, *, epsilon: float | None = None, delta: float | None = None,
    confidence: float = 0.95,
) -> dict:
    """The metrics every audit reports, as a JSON-ready dict (see :class:`edgerec.audit.result.AttackResult`).

    >>> m = attack_metrics([0.9, 0.1, 0.8, 0.2], [True, False, True, False])
    >>> m["auc"], m["members"], m["non_members"], m["epsilon"]
    (1.0, 2, 2, None)
    """
    s, y = _check(scores, labels)
    fpr, tpr = roc_points(s, y)
    d = 0.0 if delta is None else float(delta)
    return {
        "auc": auc(s, y),
        "tpr_at_1pct_fpr": tpr_at_fpr(fpr, tpr, 0.01),
        "tpr_at_0_1pct_fpr": tpr_at_fpr(fpr, tpr, 0.001),
        "epsilon": None if epsilon is None else float(epsilon),
        "delta": None if epsilon is None else d,
        "epsilon_lower_bound": epsilon_lower_bound(s, y, delta=d, confidence=confidence),
        "confidence": confidence,
        "members": int(y.sum()),
        "non_members": int((~y).sum()),
        "min_fpr_resolved": 1.0 / int((~y).sum()),
    }
