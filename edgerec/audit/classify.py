"""The attackers' classifiers: scikit-learn (the ``audit`` extra), imported here only, at first use.

- :func:`fit_classifier`: a standardised logistic regression, for attacks trained on
  shadow data and applied to the target;
- :func:`cross_validated_scores`: out-of-fold scores of a model retrained on each
  training fold, so every user is scored by an attacker that never saw them.

>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(200, 3)); y = x[:, 0] > 0
>>> scores = cross_validated_scores(x, y, folds=5, seed=0)
>>> bool(((scores > 0.5) == y).mean() > 0.9)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edgerec.errors import InputError, MissingExtraError

__all__ = ["Classifier", "fit_classifier", "cross_validated_scores"]


def _sklearn():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise MissingExtraError("scikit-learn", "audit") from None
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return LogisticRegression, make_pipeline, StandardScaler


def _model(c: float, seed: int, scale: bool):
    LogisticRegression, make_pipeline, StandardScaler = _sklearn()
    lr = LogisticRegression(C=c, max_iter=2000, random_state=seed)
    return make_pipeline(StandardScaler(), lr) if scale else lr


@dataclass
class Classifier:
    """A fitted model; :meth:`decision` gives the probability of the positive class."""

    model: object

    def decision(self, x: np.ndarray) -> np.ndarray:
        """Probability of the positive class for each row of ``x``."""
        return self.model.predict_proba(np.asarray(x, dtype=np.float64))[:, 1]


def fit_classifier(x: np.ndarray, y: np.ndarray, *, c: float = 1.0, seed: int = 0, scale: bool = True) -> Classifier:
    """Fit a (standardised) L2 logistic regression on rows ``x`` and boolean labels ``y``."""
    y = np.asarray(y).astype(bool)
    if y.all() or not y.any():
        raise InputError("a classifier needs examples of both classes")
    return Classifier(_model(c, seed, scale).fit(np.asarray(x, dtype=np.float64), y))


def cross_validated_scores(
    x, y: np.ndarray, *, folds: int = 5, c: float = 1.0, seed: int = 0, scale: bool = True
) -> np.ndarray:
    """Out-of-fold positive-class probabilities (stratified ``folds``-fold; ``x`` may be sparse)."""
    _sklearn()
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(y).astype(bool)
    out = np.zeros(len(y))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y):
        model = _model(c, seed, scale).fit(x[train], y[train])
        out[test] = model.predict_proba(x[test])[:, 1]
    return out
