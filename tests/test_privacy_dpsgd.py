"""DP-SGD item vectors: one example per user, co-consumed items end up close, epsilon in the ledger, lazy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from edgerec.errors import InputError, MissingExtraError
from edgerec.privacy import accounting
from edgerec.privacy.data import Histories
from edgerec.privacy.dpsgd import DpsgdConfig, cosine_neighbours, text_basis, train_item_vectors, user_examples
from edgerec.privacy.ledger import Ledger

CLUSTERS, PER_CLUSTER = 4, 6
CONFIG = DpsgdConfig(dim=8, history=10, targets=3, epochs=4, batch_size=128, lr=20.0, top_n=5, model="free",
                     vectors="output")


def _clustered(users: int = 400, seed: int = 3) -> Histories:
    """Each user consumes items of one cluster only, so items co-occur within clusters."""
    rng = np.random.default_rng(seed)
    seqs = []
    for u in range(users):
        c = u % CLUSTERS
        seqs.append(rng.choice(np.arange(c * PER_CLUSTER, (c + 1) * PER_CLUSTER), size=8))
    n = CLUSTERS * PER_CLUSTER
    return Histories.from_arrays([f"u{u}" for u in range(users)], [f"i{i}" for i in range(n)], seqs)


@pytest.fixture(scope="module")
def trained():
    hist = _clustered()
    return hist, train_item_vectors(hist, epsilon=8.0, delta=1e-3, config=CONFIG, seed=1)


def test_user_examples_are_one_per_user_and_bounded():
    h = Histories.from_arrays(["a", "b", "c"], list("vwxyz"), [[0, 1, 2, 3, 4], [1], [4, 4, 3]])
    x, y, users = user_examples(h, history=2, targets=2)
    assert users == [0, 2]  # b has one item: nothing to predict
    np.testing.assert_allclose(x.sum(axis=1), 1.0)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    assert np.count_nonzero(x[0]) == 2 and x[0, 1] == x[0, 2] == 0.5  # the 2 most recent before the targets
    assert y[0, 3] == y[0, 4] == 0.5
    assert x[1, 4] == 1.0 and y[1, 4] == 0.5 and y[1, 3] == 0.5  # 2 targets at most len - 1
    with pytest.raises(InputError):
        user_examples(h, history=0, targets=1)


def test_cosine_neighbours_exclude_self_and_keep_the_closest():
    v = np.array([[1.0, 0.0], [0.8, 0.2], [0.0, 1.0], [-1.0, 0.0]])
    nb = cosine_neighbours(v, top_n=2)
    for i in range(4):
        assert i not in nb.indices[nb.indptr[i]:nb.indptr[i + 1]].tolist()
    assert nb.indices[nb.indptr[0]:nb.indptr[1]].tolist() == [1, 2] or nb.similarity(0, 1) > nb.similarity(0, 2)
    assert nb.similarity(0, 3) == 0.0  # negative cosine is never a neighbour
    assert (nb.values > 0).all()


def test_co_consumed_items_are_closer_than_others(trained):
    _, vecs = trained
    unit = vecs.vectors / np.linalg.norm(vecs.vectors, axis=1, keepdims=True)
    sims = unit @ unit.T
    cluster = np.arange(CLUSTERS * PER_CLUSTER) // PER_CLUSTER
    same = cluster[:, None] == cluster[None, :]
    off_diag = ~np.eye(len(cluster), dtype=bool)
    assert sims[same & off_diag].mean() > sims[~same].mean() + 0.2
    nb = vecs.neighbours()
    hits = [cluster[j] == cluster[i] for i in range(len(cluster)) for j in nb.indices[nb.indptr[i]:nb.indptr[i + 1]]]
    assert np.mean(hits) > 0.6  # random neighbours would be in the same cluster 5/23 of the time
    catalog = vecs.to_rank_catalog()
    assert catalog.cooccurrence is catalog.sequential and catalog.popularity.shape == (len(cluster),)


def test_ledger_entry_matches_opacus_accountants(trained):
    from opacus.accountants import PRVAccountant, RDPAccountant

    hist, vecs = trained
    e = vecs.entry
    assert e.mechanism == "dpsgd" and e.accountant == "prv" and e.clip_norm == CONFIG.clip_norm
    assert e.sample_rate == pytest.approx(1 / np.ceil(len(hist) / CONFIG.batch_size))
    assert e.steps == CONFIG.epochs * round(1 / e.sample_rate)
    prv, rdp = PRVAccountant(), RDPAccountant()
    prv.history = rdp.history = [(e.noise_multiplier, e.sample_rate, e.steps)]
    assert e.epsilon == pytest.approx(prv.get_epsilon(delta=1e-3), rel=1e-3)
    assert e.epsilon <= 8.0 * 1.01  # calibrated to the target
    assert vecs.epsilon_rdp == pytest.approx(rdp.get_epsilon(delta=1e-3), rel=1e-6)
    assert e.epsilon <= vecs.epsilon_rdp  # PRV is the tighter of the two
    # dp-accounting's RDP of the same DP-SGD event agrees with Opacus's RDP within a few percent
    ledger = Ledger([], budget_delta=1e-3)
    ledger.charge(e)
    dpa_rdp = accounting.epsilon_of([accounting.dpsgd_event(e.noise_multiplier, e.sample_rate, e.steps)], 1e-3)
    assert ledger.total()[0] == pytest.approx(dpa_rdp)
    assert dpa_rdp == pytest.approx(vecs.epsilon_rdp, rel=0.05)
    assert json.loads(json.dumps(e.to_dict()))["steps"] == e.steps


def test_bad_settings_are_refused_before_training():
    hist = _clustered(users=10)
    with pytest.raises(InputError):
        train_item_vectors(hist, epsilon=0.0, delta=1e-3)
    with pytest.raises(InputError):
        train_item_vectors(hist, epsilon=1.0, delta=1e-3, config=DpsgdConfig(vectors="nope"))
    with pytest.raises(InputError, match="text embeddings"):
        train_item_vectors(hist, epsilon=1.0, delta=1e-3, config=DpsgdConfig(model="text"))


def test_text_model_learns_only_a_mixing_matrix_on_the_public_basis():
    hist = _clustered(users=200)
    text = np.random.default_rng(0).normal(size=(hist.n_items, 16))
    basis = text_basis(text, 8)
    np.testing.assert_allclose(np.linalg.norm(basis, axis=1), 1.0)
    cfg = DpsgdConfig(dim=8, history=10, targets=3, epochs=2, batch_size=128, lr=5.0, model="text", vectors="both")
    vecs = train_item_vectors(hist, epsilon=8.0, delta=1e-3, config=cfg, text_embeddings=text)
    learned, fixed = vecs.vectors[:, :8], vecs.vectors[:, 8:]
    np.testing.assert_allclose(fixed, basis, atol=1e-6)  # the output side is the fixed public basis
    assert not np.allclose(learned, basis, atol=1e-3)  # the input side is the basis times the learned matrix


def test_missing_torch_names_the_train_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "opacus", None)  # makes `import opacus` fail
    with pytest.raises(MissingExtraError, match=r"edgerec\[train\]"):
        train_item_vectors(_clustered(users=10), epsilon=1.0, delta=1e-3, config=CONFIG)


def test_importing_dpsgd_loads_neither_torch_nor_opacus(tmp_path):
    from helpers import source_pythonpath

    script = ("import json, sys\nimport edgerec.privacy.dpsgd\n"
              "print(json.dumps([m for m in ('torch', 'opacus') if m in sys.modules]))")
    env = {**os.environ, "PYTHONPATH": source_pythonpath(), "EDGEREC_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
