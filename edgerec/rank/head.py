"""An optional learned head: logistic regression over the ranker's features, fit on device.

The head is trained only from one user's own feedback: for each past event with
a sign (played = 1, dismissed = 0), the features the ranker would have computed
for that item from the events *before* it. Its weights are shrunk towards the
ranker's hand-set linear weights, so a handful of events moves them only a
little. Numpy only; the fit is a few Newton steps on 6 parameters.

>>> x = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
>>> w, b = fit_logistic(x, y, l2=0.01)
>>> bool(w[0] > 0), bool(-b / w[0] > 1.0 and -b / w[0] < 2.0)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edgerec.errors import InputError
from edgerec.rank.history import UserHistory

__all__ = ["fit_logistic", "LogisticHead", "feedback_examples", "train_head"]


def fit_logistic(
    x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, prior: np.ndarray | None = None, iterations: int = 25
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method; returns ``(weights, bias)``.

    The penalty is ``l2 * ||w - prior||^2 / 2`` (``prior`` defaults to zeros);
    the bias is not penalised.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or len(x) != len(y) or len(x) == 0:
        raise InputError("fit_logistic needs a non-empty (n, d) matrix and n labels")
    n, d = x.shape
    prior = np.zeros(d) if prior is None else np.asarray(prior, dtype=np.float64)
    design = np.hstack([x, np.ones((n, 1))])
    theta = np.concatenate([prior, [0.0]])
    penalty = np.full(d + 1, l2)
    penalty[-1] = 1e-6
    target = np.concatenate([prior, [0.0]])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ theta, -30, 30)))
        grad = design.T @ (p - y) + penalty * (theta - target)
        hess = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


@dataclass(frozen=True)
class LogisticHead:
    """Scores features with learned log-odds ``features @ weights + bias``."""

    weights: np.ndarray
    bias: float = 0.0

    def decision(self, features: np.ndarray) -> np.ndarray:
        """Log-odds that the user likes each candidate (higher ranks first)."""
        return np.asarray(features) @ self.weights + self.bias

    def to_dict(self) -> dict:
        """JSON-ready form, e.g. for ``EventStore.put_doc(user, "rank-head", ...)``."""
        return {"weights": [float(w) for w in self.weights], "bias": self.bias}

    @classmethod
    def from_dict(cls, data: dict) -> "LogisticHead":
        """Inverse of :meth:`to_dict`.

        >>> LogisticHead.from_dict({"weights": [1.0, 2.0], "bias": 0.5}).decision(np.array([[1.0, 1.0]])).tolist()
        [3.5]
        """
        return cls(np.array(data["weights"], dtype=np.float64), float(data.get("bias", 0.0)))


def feedback_examples(
    ranker, history: UserHistory, *, min_history: int = 1, max_examples: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    """Features of each signed event's item computed from the events before it, and its label.

    Label 1 for positive strength, 0 for negative. Events about items the
    catalog does not know are skipped; only the last ``max_examples`` events are used.
    """
    feats, labels = [], []
    for i in range(max(min_history, len(history) - max_examples), len(history)):
        if history.strength[i] == 0 or history.items[i] not in ranker.catalog.index:
            continue
        before = UserHistory(history.items[:i], history.strength[:i], history.ts[:i], history.contexts[:i] if history.contexts else ())
        feats.append(ranker.features(before, [history.items[i]])[0])
        labels.append(1.0 if history.strength[i] > 0 else 0.0)
    if not feats:
        return np.zeros((0, 5)), np.zeros(0)
    return np.vstack(feats), np.array(labels)


def train_head(ranker, history: UserHistory, *, l2: float = 1.0, min_examples: int = 6) -> LogisticHead | None:
    """Fit a head on this user's own feedback; ``None`` until there are enough examples of both kinds."""
    x, y = feedback_examples(ranker, history)
    if len(y) < min_examples or y.min() == y.max():
        return None
    w, b = fit_logistic(x, y, l2=l2, prior=ranker.config.weights())
    return LogisticHead(w, b)
