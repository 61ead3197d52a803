"""The release's top-n selection: the fast cut equals a full sort, ties and all."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from edgerec.privacy.release import _lexsorted, _select


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(0, 3), st.integers(8, 60))
def test_fast_selection_equals_full_sort(seed, top_n, slack, width):
    rng = np.random.default_rng(seed)
    sims = rng.integers(-2, 4, size=(7, width)).astype(np.float64)  # few distinct values: many ties
    sims[rng.random(sims.shape) < 0.1] = -np.inf
    cols = np.array([rng.permutation(width) for _ in range(7)], dtype=np.int64)
    cols[:, -1] = -1  # a padding column
    sims[:, -1] = -np.inf
    got_cols, got = _select(cols, sims, top_n, slack=slack)
    ref_cols, ref = _lexsorted(cols, sims, top_n)
    keep = ref > 0
    assert np.array_equal(got_cols, np.where(keep, ref_cols, -1))
    assert np.array_equal(got, np.where(keep, ref, 0.0))
