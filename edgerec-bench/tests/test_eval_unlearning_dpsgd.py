"""The sharded DP-SGD unlearning measurement: who is forgotten, and the rebuild it is compared with."""

from __future__ import annotations

import numpy as np
import pytest

from edgerec.privacy.data import Histories
from edgerec.privacy.dpsgd import DpsgdConfig
from edgerec.privacy.sisa import build_sharded, shard_of
from edgerec_bench.eval.unlearning_dpsgd import forget_and_rebuild, pick_forget_users

CONFIG = DpsgdConfig(dim=4, history=6, targets=2, epochs=2, batch_size=64, lr=10.0, top_n=3, model="free",
                     vectors="output")


def test_pick_forget_users_takes_at_most_one_per_shard():
    users = [f"u{i}" for i in range(200)]
    picked = pick_forget_users(users, shards=4, n=6, seed=3)
    assert len(picked) == 4 and len({shard_of(u, 4) for u in picked}) == 4
    assert picked == pick_forget_users(users, shards=4, n=6, seed=3) != pick_forget_users(users, 4, 6, seed=4)


@pytest.mark.slow  # eight small trainings, Opacus calibration included
def test_forget_and_rebuild_leave_the_same_users_and_touch_one_shard_each():
    rng = np.random.default_rng(0)
    hist = Histories.from_arrays([f"u{i}" for i in range(60)], [f"i{j}" for j in range(8)],
                                 [rng.integers(0, 8, size=5) for _ in range(60)])
    art = build_sharded(hist, epsilon=4.0, delta=1e-3, shards=3, config=CONFIG, seed=0, budget=100.0)
    before = [m.vectors.tobytes() for m in art.models]
    who = pick_forget_users(hist.user_ids, 3, 2, seed=1)
    receipts, rebuilt, seconds = forget_and_rebuild(art, who, seed=5)
    assert [r["user"] for r in receipts] == who and seconds > 0
    assert art.histories.user_ids == rebuilt.histories.user_ids == [u for u in hist.user_ids if u not in who]
    touched = {shard_of(u, 3) for u in who}
    assert [before[s] == m.vectors.tobytes() for s, m in enumerate(art.models)] == [s not in touched
                                                                                     for s in range(3)]
    assert [len(x) for x in rebuilt.ledgers] == [1, 1, 1]  # a rebuild starts every ledger afresh
