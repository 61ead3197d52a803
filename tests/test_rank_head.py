"""The optional learned head, trained from one user's own feedback."""

import numpy as np
import pytest

from edgerec.errors import InputError
from edgerec.rank import Catalog, Interaction, Ranker, UserHistory
from edgerec.rank.head import LogisticHead, feedback_examples, fit_logistic, train_head


def test_fit_logistic_separates_and_shrinks_to_prior():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 2))
    y = (x[:, 0] - x[:, 1] > 0).astype(float)
    w, _ = fit_logistic(x, y, l2=0.1)
    assert w[0] > 1 and w[1] < -1
    w_strong, _ = fit_logistic(x, y, l2=1e6, prior=np.array([0.3, 0.7]))
    assert np.allclose(w_strong, [0.3, 0.7], atol=1e-3)
    with pytest.raises(InputError):
        fit_logistic(np.zeros((0, 2)), np.zeros(0))


@pytest.fixture
def obscure_taste():
    """Popular and obscure items look alike in text; this user plays obscure ones and dismisses popular ones."""
    rng = np.random.default_rng(4)
    n = 60
    emb = rng.standard_normal((n, 8)).astype(np.float32) * 0.1
    emb[:, 0] += 1.0
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    popularity = np.where(np.arange(n) < 30, 100.0, 1.0)  # items 0..29 popular, 30..59 obscure
    catalog = Catalog([f"i{k}" for k in range(n)], embeddings=emb, popularity=popularity)
    events = []
    for t in range(24):
        events.append(Interaction(f"i{30 + t}", 1.0, 2.0 * t))
        events.append(Interaction(f"i{t}", -1.0, 2.0 * t + 1))
    return catalog, UserHistory.from_interactions(events)


def test_head_learns_the_users_own_preference(obscure_taste):
    catalog, history = obscure_taste
    ranker = Ranker(catalog)
    x, y = feedback_examples(ranker, history)
    assert len(y) == 47 and set(y.tolist()) == {0.0, 1.0}
    head = train_head(ranker, history, l2=0.1)
    assert head.weights[3] < 0  # popularity now counts against
    candidates = ["i25", "i55", "i26", "i56"]
    default_top = ranker.rank(history, candidates, k=2)
    learned_top = Ranker(catalog, head=head).rank(history, candidates, k=2)
    assert {r.id for r in default_top} != {"i55", "i56"}  # hand-set weights favour popular items
    assert {r.id for r in learned_top} == {"i55", "i56"}
    assert LogisticHead.from_dict(head.to_dict()).decision(x).tolist() == pytest.approx(head.decision(x).tolist())


def test_no_head_without_both_kinds_of_feedback(obscure_taste):
    catalog, history = obscure_taste
    only_likes = UserHistory.from_interactions([Interaction(f"i{k}", 1.0, float(k)) for k in range(10)])
    assert train_head(Ranker(catalog), only_likes) is None


def test_rank_for_user_uses_a_head_once_feedback_suffices(tmp_path):
    from datetime import datetime, timedelta, timezone

    from edgerec.rank.candidates import rank_for_user
    from edgerec.store import EventStore

    rng = np.random.default_rng(5)
    vecs = {f"i{k}": v for k, v in enumerate(rng.standard_normal((40, 6)).astype(np.float32))}

    def embed(texts):
        out = np.vstack([vecs[t] for t in texts])
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    t0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
    with EventStore.create(tmp_path / "s.db", key=bytes(32)) as store:
        for k in range(12):
            store.log("u", "play" if k % 2 else "dismiss", item=f"i{k}", ts=t0 + timedelta(hours=k))
        events = list(store.events(user="u"))
    cands = [(f"i{k}", f"i{k}") for k in range(40)]
    plain = rank_for_user(events, "u", cands, embed_catalog=embed, embed_private=embed, k=40, learn=False, context={})
    learned = rank_for_user(events, "u", cands, embed_catalog=embed, embed_private=embed, k=40, context={})
    assert sorted(r.id for r in learned) == sorted(r.id for r in plain)
    assert [r.score for r in learned] != [r.score for r in plain]
