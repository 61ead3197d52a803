"""Personalised ranking of an app's candidates, on device.

>>> from edgerec.rank import Catalog, Ranker, UserHistory, Interaction
"""

from edgerec.rank.catalog import Catalog
from edgerec.rank.cooccurrence import ItemNeighbours
from edgerec.rank.head import LogisticHead, train_head
from edgerec.rank.history import Interaction, Ranked, UserHistory
from edgerec.rank.ranker import FEATURES, Ranker, RankerConfig

__all__ = ["Catalog", "ItemNeighbours", "Interaction", "Ranked", "UserHistory", "FEATURES", "Ranker", "RankerConfig",
           "LogisticHead", "train_head"]
