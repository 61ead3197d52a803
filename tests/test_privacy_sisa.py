"""SISA-sharded DP-SGD: parallel composition per shard, exact forgetting by retraining one shard, its ledger."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edgerec.errors import InputError, PrivacyBudgetExceeded
from edgerec.privacy import dpsgd
from edgerec.privacy.data import Histories
from edgerec.privacy.dpsgd import DpsgdConfig, cosine_neighbours, train_item_vectors
from edgerec.privacy.ledger import Ledger
from edgerec.privacy.sisa import (ShardedArtifact, aggregate_neighbours, aggregate_vectors, build_sharded, is_sharded,
                                  shard_of)
from edgerec.rank.cooccurrence import ItemNeighbours

CLUSTERS, PER_CLUSTER, SHARDS, SEED, EPS, DELTA = 3, 5, 3, 11, 4.0, 1e-3
CONFIG = DpsgdConfig(dim=6, history=8, targets=2, epochs=3, batch_size=64, lr=20.0, top_n=4, model="free",
                     vectors="output")
FORGET, SOLO = "forget-me-zq7", "solo"


def _clustered(users: int = 150, seed: int = 5) -> Histories:
    """Users consume items of one cluster; one distinctive id to forget, one user with a single item."""
    rng = np.random.default_rng(seed)
    seqs = [rng.choice(np.arange((u % CLUSTERS) * PER_CLUSTER, (u % CLUSTERS + 1) * PER_CLUSTER), size=6)
            for u in range(users)]
    seqs[-2] = seqs[-2][:1]
    ids = [f"u{u}" for u in range(users - 2)] + [SOLO, FORGET]
    return Histories.from_arrays(ids, [f"i{i}" for i in range(CLUSTERS * PER_CLUSTER)], seqs)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    art = build_sharded(_clustered(), epsilon=EPS, delta=DELTA, shards=SHARDS, config=CONFIG, seed=SEED,
                        budget=3 * EPS)
    folder = art.save(tmp_path_factory.mktemp("sisa") / "catalog")
    return art, folder


def test_shard_of_is_stable_in_range_and_spreads_users():
    users = [f"user-{n}" for n in range(2000)]
    shards = [shard_of(u, 8) for u in users]
    assert shards == [shard_of(u, 8) for u in users] and set(shards) == set(range(8))
    assert max(np.bincount(shards)) < 2000 / 8 * 1.3
    assert {shard_of(u, 1) for u in users} == {0}
    with pytest.raises(InputError):
        shard_of("a", 0)


def test_aggregate_vectors_is_the_mean_of_the_shards_cosines():
    rng = np.random.default_rng(0)
    shards = [rng.normal(size=(7, 3)) for _ in range(4)]
    agg = aggregate_vectors(shards)
    units = [v / np.linalg.norm(v, axis=1, keepdims=True) for v in shards]
    np.testing.assert_allclose(agg @ agg.T, np.mean([u @ u.T for u in units], axis=0), atol=1e-12)
    with pytest.raises(InputError):
        aggregate_vectors([])


def test_aggregate_neighbours_averages_top_lists_with_absent_pairs_as_zero():
    rng = np.random.default_rng(1)
    lists = [cosine_neighbours(rng.normal(size=(6, 2)), top_n=2) for _ in range(3)]
    agg = aggregate_neighbours(lists, top_n=5)  # 5 = every other item: nothing is cut
    for a in range(6):
        for b in range(6):
            assert agg.similarity(a, b) == pytest.approx(np.mean([nb.similarity(a, b) for nb in lists]), abs=1e-6)
    top1 = aggregate_neighbours(lists, top_n=1)
    for a in range(6):
        row = agg.values[agg.indptr[a]:agg.indptr[a + 1]]
        assert top1.values[top1.indptr[a]:top1.indptr[a + 1]].tolist() == ([row.max()] if len(row) else [])


def test_build_trains_one_model_per_shard_at_the_full_epsilon(built):
    art, folder = built
    m = art.manifest
    assert is_sharded(folder) and m["shards"] == SHARDS and m["users"] == 150
    rows = m["shard_ledgers"]
    assert sum(r["users"] for r in rows) == 150
    assert [r["users"] for r in rows] == [sum(shard_of(u, SHARDS) == s for u in art.histories.user_ids)
                                         for s in range(SHARDS)]
    assert sum(int(r["ledger"][0]["released"].split("trained on ")[1].split()[0]) for r in rows) == 149  # not solo
    for r in rows:
        (entry,) = r["ledger"]
        assert entry["mechanism"] == "dpsgd" and entry["accountant"] == "prv" and entry["scope"].endswith(str(r["shard"]))
        assert r["epsilon"] == pytest.approx(entry["epsilon"]) and r["epsilon"] <= EPS * 1.01
        assert r["epsilon_rdp"] >= r["epsilon"]  # dp-accounting's RDP cross-check is the looser bound
    assert m["worst_case_epsilon"] == max(r["epsilon"] for r in rows)
    # what ships is the mean-cosine aggregate of the shards' models
    want = cosine_neighbours(aggregate_vectors([mod.vectors for mod in art.models]), CONFIG.top_n)
    for part in ("indptr", "indices", "values"):
        np.testing.assert_array_equal(getattr(art.neighbours, part), getattr(want, part))
    # co-consumed items stay neighbours through the aggregate
    cluster = np.arange(CLUSTERS * PER_CLUSTER) // PER_CLUSTER
    nb = art.neighbours
    hits = [cluster[j] == cluster[i] for i in range(len(cluster)) for j in nb.indices[nb.indptr[i]:nb.indptr[i + 1]]]
    assert np.mean(hits) > 0.5  # random lists: 4/14


def _arrays(folder: Path) -> dict[str, bytes]:
    out = {}
    for f in sorted(folder.rglob("*.npz")):
        with np.load(f, allow_pickle=False) as z:
            out.update({f"{f.relative_to(folder)}:{k}": z[k].tobytes() for k in z.files})
    return out


def _every_byte(folder: Path) -> list[tuple[str, bytes]]:
    """Every file's content, npz members decompressed."""
    out = []
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        if f.suffix == ".npz":
            with zipfile.ZipFile(f) as z:
                out += [(f"{f}:{n}", z.read(n)) for n in z.namelist()]
        else:
            out.append((str(f), f.read_bytes()))
    return out


def test_forget_retrains_only_that_shard_and_leaves_no_trace_of_the_user(built, tmp_path):
    art, folder = built
    copy = tmp_path / "catalog"
    ShardedArtifact.load(folder).save(copy)
    before = _arrays(copy)
    assert any(FORGET.encode() in data or FORGET.encode("utf-32-le") in data for _, data in _every_byte(copy))
    loaded = ShardedArtifact.load(copy)
    shard = shard_of(FORGET, SHARDS)
    spent = loaded.shard_epsilon(shard)
    in_shard = int(np.sum(loaded.shards == shard))
    receipt = loaded.forget_user(FORGET)
    loaded.save(copy)
    after = _arrays(copy)
    # receipt
    assert receipt.user == FORGET and receipt.shard == shard and receipt.users_in_shard == in_shard - 1
    assert receipt.exact and receipt.method == "retrained" and receipt.trainings_in_shard == 2 and receipt.seconds > 0
    assert receipt.epsilon_spent_by_user == pytest.approx(spent)
    assert receipt.shard_epsilon > spent and receipt.worst_case_epsilon == loaded.manifest["worst_case_epsilon"]
    # the other shards' models are byte-identical; the user's shard changed
    for s in range(SHARDS):
        for part in ("vectors", "bias"):
            key = f"builder/shard_{s:03d}.npz:{part}"
            assert (after[key] == before[key]) == (s != shard), (s, part)
    # the user's id is in no file of the folder, in any encoding numpy or json would use
    for name, data in _every_byte(copy):
        assert FORGET.encode() not in data and FORGET.encode("utf-32-le") not in data, name
    # nor their contribution: the retrained shard is exactly a training of that shard without them
    fresh = ShardedArtifact.load(copy)
    rows = np.flatnonzero(fresh.shards == shard)
    without = Histories([fresh.histories.user_ids[i] for i in rows], fresh.histories.item_ids,
                        [fresh.histories.sequences[i] for i in rows])
    assert FORGET not in fresh.histories.user_ids and len(fresh.histories) == 149
    ref = train_item_vectors(without, epsilon=EPS, delta=DELTA, config=CONFIG, seed=SEED + 1000 + shard)
    assert fresh.models[shard].vectors.tobytes() == ref.vectors.tobytes()
    assert fresh.models[shard].bias.tobytes() == ref.bias.tobytes()
    # the ledger: that shard composed two trainings, the others one; the worst case is that shard's
    rows = fresh.manifest["shard_ledgers"]
    assert [len(r["ledger"]) for r in rows] == [2 if s == shard else 1 for s in range(SHARDS)]
    assert [e["id"] for e in rows[shard]["ledger"]] == [1, 2]
    assert fresh.manifest["worst_case_epsilon"] == pytest.approx(rows[shard]["epsilon"])
    assert fresh.manifest["unlearned"] == 1 and fresh.manifest["users"] == 149
    with pytest.raises(InputError, match="not in this catalog"):
        fresh.forget_user(FORGET)


def test_a_retrain_over_the_budget_is_refused_before_training(built, monkeypatch):
    art = ShardedArtifact.load(built[1])
    art.manifest["budget"]["epsilon"] = art.manifest["worst_case_epsilon"]  # room for no retrain at all
    ledgers = [list(x) for x in art.ledgers]

    def no_training(*args, **kwargs):
        raise AssertionError("trained although the budget was exceeded")

    monkeypatch.setattr(dpsgd, "train_item_vectors", no_training)
    with pytest.raises(PrivacyBudgetExceeded, match="over the budget"):
        art.forget_user("u3")
    assert "u3" in art.histories.user_ids and art.ledgers == ledgers and art.manifest["unlearned"] == 0
    with pytest.raises(PrivacyBudgetExceeded):
        build_sharded(_clustered(30), epsilon=EPS, delta=DELTA, shards=2, config=CONFIG, budget=EPS / 2)


def test_forgetting_a_user_no_model_learned_from_retrains_nothing(built, monkeypatch):
    art = ShardedArtifact.load(built[1])
    models, ledgers = [m.vectors.tobytes() for m in art.models], [list(x) for x in art.ledgers]
    monkeypatch.setattr(dpsgd, "train_item_vectors", lambda *a, **k: pytest.fail("retrained for nothing"))
    receipt = art.forget_user(SOLO)  # one item: no training example, so no model ever saw them
    assert receipt.method.startswith("removed") and receipt.exact and receipt.trainings_in_shard == 1
    assert SOLO not in art.histories.user_ids and art.manifest["users"] == 149 and art.manifest["unlearned"] == 1
    assert [m.vectors.tobytes() for m in art.models] == models and art.ledgers == ledgers


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(0, 39), min_size=1, max_size=3, unique=True))
def test_ledger_never_decreases_over_forgets(picks):
    hist = _clustered(40, seed=9)
    art = build_sharded(hist, epsilon=2.0, delta=DELTA, shards=2, config=CONFIG, seed=SEED, budget=100.0)
    previous = [(len(x), art.shard_epsilon(s)) for s, x in enumerate(art.ledgers)]
    worst = art.manifest["worst_case_epsilon"]
    for n in picks:
        art.forget_user(hist.user_ids[n])
        now = [(len(x), art.shard_epsilon(s)) for s, x in enumerate(art.ledgers)]
        for (n0, e0), (n1, e1) in zip(previous, now):
            assert n1 >= n0 and e1 >= e0 - 1e-9
        assert art.manifest["worst_case_epsilon"] >= worst - 1e-9
        # the stated figures are what the accountants compute for the recorded trainings
        for s, row in enumerate(art.manifest["shard_ledgers"]):
            assert row["epsilon"] == pytest.approx(dpsgd.prv_epsilon(art.ledgers[s], DELTA))
            assert row["epsilon_rdp"] == pytest.approx(Ledger(art.ledgers[s], budget_delta=DELTA).total()[0])
        previous, worst = now, art.manifest["worst_case_epsilon"]


def test_load_refuses_a_folder_that_is_not_a_sharded_catalog(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "edgerec-catalog"}))
    assert not is_sharded(tmp_path) and not is_sharded(tmp_path / "nope")
    with pytest.raises(InputError):
        ShardedArtifact.load(tmp_path)


def test_aggregate_neighbours_of_one_list_is_that_list():
    nb = ItemNeighbours.from_coo(np.array([0, 0, 1]), np.array([1, 2, 0]), np.array([0.9, 0.1, 0.9]), 3, top_n=2)
    agg = aggregate_neighbours([nb], top_n=2)
    for part in ("indptr", "indices", "values"):
        np.testing.assert_array_equal(getattr(agg, part), getattr(nb, part))
