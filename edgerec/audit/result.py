"""What an attack returns: its scores on labelled candidates, and the metrics auditors read.

>>> r = AttackResult("demo", np.array([0.9, 0.2, 0.7, 0.4]), np.array([True, False, True, False]))
>>> r.metrics()["auc"], r.metrics()["attack"]
(1.0, 'demo')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from edgerec.audit.roc import attack_metrics, roc_points

__all__ = ["AttackResult", "Progress"]

#: ``progress(stage, done, total)``: how library code reports long work (the CLI draws the bar).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class AttackResult:
    """One attack's scores (higher: more likely a member / the positive class) and the truth.

    ``epsilon`` and ``delta`` are what the attacked release claims (None: not private).
    ``details`` holds attack-specific facts worth printing (e.g. how many reference catalogs).
    """

    attack: str
    scores: np.ndarray
    labels: np.ndarray
    epsilon: float | None = None
    delta: float | None = None
    details: dict = field(default_factory=dict)

    def metrics(self, *, confidence: float = 0.95) -> dict:
        """AUC, TPR at 1% and 0.1% FPR, the claimed ε and the empirical lower bound, counts, the attack's name."""
        out = attack_metrics(self.scores, self.labels, epsilon=self.epsilon, delta=self.delta, confidence=confidence)
        return {**out, "attack": self.attack, **self.details}

    def roc_points(self) -> tuple[np.ndarray, np.ndarray]:
        """``(fpr, tpr)`` of every threshold, for the log-axes ROC plot."""
        return roc_points(self.scores, self.labels)
