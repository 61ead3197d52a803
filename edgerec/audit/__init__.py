"""Attacks on what edgerec releases, as library code (the CLI ``edgerec audit`` and ``privacy/`` notebooks call it).

- :mod:`edgerec.audit.roc`: pure metrics (ROC, AUC, TPR at low FPR, empirical ε lower bound);
- :mod:`edgerec.audit.mia`: user-level membership inference against the cross-user catalog (LiRA, list-based);
- :mod:`edgerec.audit.attribute`: gender inference from ratings, shown lists and local-DP reports;
- :mod:`edgerec.audit.runs`: each audit as one call on an ml-100k folder;
- :mod:`edgerec.audit.forgotten`: membership inference on users forgotten from a catalog vs never-seen users;
- :mod:`edgerec.audit.forensics`, :mod:`edgerec.audit.pii`: canaries after a forget, planted PII in derived outputs.

scikit-learn and matplotlib (the ``audit`` extra) are imported only when an attack or a plot needs them.
"""

from edgerec.audit.result import AttackResult
from edgerec.audit.roc import attack_metrics, auc, epsilon_lower_bound, roc_points, tpr_at_fpr

__all__ = ["AttackResult", "attack_metrics", "auc", "epsilon_lower_bound", "roc_points", "tpr_at_fpr"]
