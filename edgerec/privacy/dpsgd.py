"""Item vectors trained with DP-SGD (Opacus), one training example per user: user-level DP.

The only module that imports ``torch`` and ``opacus`` (lazily, inside
:func:`train_item_vectors`); without them it raises
:class:`~edgerec.errors.MissingExtraError` naming ``pip install 'edgerec[train]'``.

The model predicts a user's next items from their recent ones (``DpsgdConfig.model``
picks free item vectors or a mixing matrix on the public text embeddings):

- each user gives exactly one example (:func:`user_examples`): the mean of
  their ``history`` most recent items before the last ``targets`` ones is the
  input, and those last items are the targets. Both are bounded, and since the
  example is the user's only contribution, clipping its gradient bounds the
  whole user;
- the input is a multi-hot row (sum 1), so ``nn.Linear(n_items, dim)`` is the
  mean of the input items' embeddings; ``nn.Linear(dim, n_items)`` gives the
  logits. Opacus materialises per-sample gradients densely (``batch x
  n_items x dim`` per layer), so memory grows with the catalog times ``dim``
  times the batch: 1,682 items x 32 dims x ~100 users is about 20 MB a layer;
- Opacus's ``make_private_with_epsilon`` calibrates the noise to
  (``epsilon``, ``delta``) with its PRV accountant over Poisson-sampled
  batches; the epsilon actually spent is read back from PRV and cross-checked
  with Opacus's RDP accountant, and recorded as a ``dpsgd``
  :class:`~edgerec.privacy.ledger.LedgerEntry` (noise multiplier, sample rate,
  steps, clipping norm).

What ships is post-processing of the trained weights: each item's cosine
top-``top_n`` neighbours by its vector (:func:`cosine_neighbours`), usable in
the ranker's ``cooccurrence`` / ``sequential`` slots, and a popularity read
from the output bias (:meth:`ItemVectors.to_rank_catalog`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from edgerec.errors import InputError, MissingExtraError
from edgerec.privacy.data import Histories
from edgerec.privacy.ledger import LedgerEntry
from edgerec.rank.catalog import Catalog
from edgerec.rank.cooccurrence import ItemNeighbours

__all__ = ["DpsgdConfig", "ItemVectors", "cosine_neighbours", "text_basis", "train_item_vectors", "user_examples"]

#: Rows of the similarity matrix computed at a time in :func:`cosine_neighbours`.
_CHUNK = 1024


@dataclass(frozen=True)
class DpsgdConfig:
    """Model and training settings (defaults chosen on the MovieLens validation split at epsilon 8).

    ``model="text"``: the items' public text embeddings, reduced to ``dim``
    directions (:func:`text_basis`), are fixed input and output vectors; only a
    ``dim x dim`` mixing matrix and the output bias are learned, so far fewer
    coordinates receive noise. ``model="free"``: free input and output item
    vectors (``2 x n_items x dim`` noisy coordinates). ``vectors`` picks which
    side becomes the item vectors (``both``: the two, each unit length).
    """

    dim: int = 32
    history: int = 30
    targets: int = 5
    epochs: int = 20
    batch_size: int = 256
    lr: float = 10.0
    optimizer: str = "sgd"
    clip_norm: float = 1.0
    top_n: int = 100
    vectors: str = "both"
    model: str = "text"
    threads: int = 2

    def to_dict(self) -> dict:
        """JSON form."""
        return asdict(self)


def _torch():
    try:
        import opacus
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingExtraError("torch/opacus", "train") from exc
    return torch, opacus


def user_examples(hist: Histories, history: int, targets: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """One example per user with at least two items: ``(inputs, targets, users)``.

    ``inputs[u]`` is the multi-hot row of the user's ``history`` most recent
    items before their last ``targets`` ones, scaled to sum 1; ``targets[u]``
    the multi-hot of those last items (fewer when the user has few items),
    also scaled to sum 1. ``users`` are the rows of ``hist`` used.

    >>> h = Histories.from_arrays(["a", "b"], list("wxyz"), [[0, 1, 2], [3]])
    >>> x, y, users = user_examples(h, history=5, targets=1)
    >>> x.tolist(), y.tolist(), users
    ([[0.5, 0.5, 0.0, 0.0]], [[0.0, 0.0, 1.0, 0.0]], [0])
    """
    if history < 1 or targets < 1:
        raise InputError(f"history and targets must be >= 1, not {history} and {targets}")
    xs, ys, users = [], [], []
    for row, seq in enumerate(hist.sequences):
        seq = np.asarray(seq, dtype=np.int64)
        if len(seq) < 2:
            continue
        t = min(targets, len(seq) - 1)
        past, nxt = seq[:-t][-history:], seq[-t:]
        x = np.zeros(hist.n_items, dtype=np.float32)
        y = np.zeros(hist.n_items, dtype=np.float32)
        np.add.at(x, past, 1.0)
        np.add.at(y, nxt, 1.0)
        xs.append(x / x.sum())
        ys.append(y / y.sum())
        users.append(row)
    if not users:
        raise InputError("no user has two items: nothing to train on")
    return np.stack(xs), np.stack(ys), users


def cosine_neighbours(vectors: np.ndarray, top_n: int) -> ItemNeighbours:
    """Each item's ``top_n`` most cosine-similar items (positive similarities only, no self).

    >>> v = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    >>> nb = cosine_neighbours(v, top_n=1)
    >>> nb.indices.tolist(), nb.similarity(0, 2)
    ([1, 0, 1], 0.0)
    """
    v = np.asarray(vectors, dtype=np.float64)
    n = len(v)
    if n < 2 or top_n < 1:
        return ItemNeighbours(n, np.zeros(n + 1, dtype=np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32))
    unit = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    k = min(top_n, n - 1)
    rows, cols, sims = [], [], []
    for start in range(0, n, _CHUNK):
        block = unit[start:start + _CHUNK] @ unit.T
        local = np.arange(len(block))
        block[local, start + local] = -np.inf
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        vals = block[local[:, None], top]
        keep = vals > 0
        rows.append(np.broadcast_to((start + local)[:, None], top.shape)[keep])
        cols.append(top[keep])
        sims.append(vals[keep])
    return ItemNeighbours.from_coo(np.concatenate(rows), np.concatenate(cols), np.concatenate(sims), n, top_n=k)


@dataclass
class ItemVectors:
    """What DP-SGD trained: item vectors, the output bias, and the privacy spent."""

    item_ids: list[str]
    vectors: np.ndarray
    bias: np.ndarray
    entry: LedgerEntry | None  # None: trained without DP (``epsilon=None``)
    epsilon_rdp: float | None
    config: DpsgdConfig
    examples: int
    losses: list[float]
    weights: tuple[np.ndarray, np.ndarray] | None = None  # (input side, output side), each (n_items, dim)

    def log_likelihood(self, inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Per row, the model's ``sum(targets * log_softmax(logits))`` for ``user_examples``-shaped rows.

        What a membership auditor scores: the loss of a user's own training example.
        """
        w_in, w_out = self.weights
        logits = np.asarray(inputs, dtype=np.float64) @ w_in @ w_out.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return (np.asarray(targets, dtype=np.float64) * log_p).sum(axis=1)

    def neighbours(self, top_n: int | None = None) -> ItemNeighbours:
        """Cosine top-n neighbours of the item vectors (post-processing: no budget)."""
        return cosine_neighbours(self.vectors, self.config.top_n if top_n is None else top_n)

    def popularity(self) -> np.ndarray:
        """Popularity read from the output bias: ``softmax(bias)`` scaled to the number of targets seen."""
        p = np.exp(self.bias - self.bias.max())
        return (p / p.sum() * self.examples * self.config.targets).astype(np.float32)

    def to_rank_catalog(self, embeddings: np.ndarray | None = None, **options) -> Catalog:
        """A ranker catalog whose collaborative part (both neighbour slots) and popularity come from the model."""
        nb = self.neighbours()
        return Catalog(self.item_ids, embeddings=embeddings, sequential=nb, cooccurrence=nb,
                       popularity=self.popularity(), **options)

    def summary(self) -> dict:
        """JSON-ready description (no vectors)."""
        return {"ledger_entry": self.entry and self.entry.to_dict(), "epsilon_prv": self.entry and self.entry.epsilon,
                "epsilon_rdp": self.epsilon_rdp, "examples": self.examples, "config": self.config.to_dict(),
                "final_loss": self.losses[-1] if self.losses else None}


def text_basis(embeddings: np.ndarray, dim: int) -> np.ndarray:
    """Public item text embeddings reduced to ``dim`` principal directions, rows scaled to unit length.

    >>> text_basis(np.eye(4), 2).shape
    (4, 2)
    """
    emb = np.asarray(embeddings, dtype=np.float64)
    centred = emb - emb.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return _unit(centred @ vt[:dim].T)


def train_item_vectors(hist: Histories, *, epsilon: float | None, delta: float, config: DpsgdConfig | None = None,
                       text_embeddings: np.ndarray | None = None, seed: int = 0,
                       progress: Callable[[int, int], None] | None = None) -> ItemVectors:
    """Train item vectors under user-level (``epsilon``, ``delta``)-DP with Opacus (see module docstring).

    ``epsilon=None`` trains the same model with plain SGD (no clipping, no noise, no
    ledger entry): the non-private baseline that membership audits attack.
    """
    cfg = config or DpsgdConfig()
    if epsilon is not None and not epsilon > 0:
        raise InputError(f"epsilon must be positive, not {epsilon!r}")
    if epsilon is not None and not 0 < delta < 1:
        raise InputError(f"delta must be in (0, 1), not {delta!r}")
    if cfg.vectors not in ("output", "input", "both"):
        raise InputError(f"vectors must be output, input or both, not {cfg.vectors!r}")
    if cfg.model not in ("free", "text"):
        raise InputError(f"model must be free or text, not {cfg.model!r}")
    if cfg.model == "text" and text_embeddings is None:
        raise InputError("the text model needs the items' text embeddings")
    x, y, users = user_examples(hist, cfg.history, cfg.targets)
    torch, opacus = _torch()
    from opacus.accountants import RDPAccountant

    torch.set_num_threads(cfg.threads)
    torch.manual_seed(seed)
    n_items = hist.n_items
    if cfg.model == "text":  # public text basis T (fixed): logits = x T M T' + b, only M (dim x dim) and b learned
        basis = text_basis(text_embeddings, cfg.dim)
        x = (x @ basis).astype(np.float32)
        out = torch.nn.Linear(basis.shape[1], n_items)
        with torch.no_grad():
            out.weight.copy_(torch.from_numpy(basis.astype(np.float32)))
        out.weight.requires_grad_(False)
        mix = torch.nn.Linear(basis.shape[1], basis.shape[1], bias=False)
        with torch.no_grad():
            mix.weight.copy_(torch.eye(basis.shape[1]))
        model = torch.nn.Sequential(mix, out)
    else:
        model = torch.nn.Sequential(torch.nn.Linear(n_items, cfg.dim, bias=False), torch.nn.Linear(cfg.dim, n_items))
    make_opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}.get(cfg.optimizer)
    if make_opt is None:
        raise InputError(f"optimizer must be sgd or adam, not {cfg.optimizer!r}")
    optimizer = make_opt([p for p in model.parameters() if p.requires_grad], lr=cfg.lr)
    data = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = torch.utils.data.DataLoader(data, batch_size=min(cfg.batch_size, len(users)))
    import warnings

    with warnings.catch_warnings():  # Opacus warns about its non-cryptographic RNG; noted in docs/privacy.md
        warnings.simplefilter("ignore")
        engine = opacus.PrivacyEngine(accountant="prv") if epsilon is not None else None
        if engine is not None:
            model, optimizer, loader = engine.make_private_with_epsilon(
                module=model, optimizer=optimizer, data_loader=loader, target_epsilon=float(epsilon),
                target_delta=float(delta), epochs=cfg.epochs, max_grad_norm=cfg.clip_norm)
        losses = []
        for epoch in range(cfg.epochs):
            total, seen = 0.0, 0
            for xb, yb in loader:
                optimizer.zero_grad()
                if len(xb) == 0:  # Poisson sampling can draw an empty batch; the step still adds noise
                    optimizer.step()
                    continue
                loss = -(yb * torch.log_softmax(model(xb), dim=1)).sum(dim=1).mean()
                loss.backward()
                optimizer.step()
                total, seen = total + float(loss) * len(xb), seen + len(xb)
            losses.append(total / max(seen, 1))
            if progress is not None:
                progress(epoch + 1, cfg.epochs)
    entry, eps_rdp = None, None
    if engine is not None:
        eps_prv = float(engine.accountant.get_epsilon(delta=float(delta)))
        rdp = RDPAccountant()
        rdp.history = list(engine.accountant.history)
        eps_rdp = float(rdp.get_epsilon(delta=float(delta)))
        (noise, rate, steps), = _merged(engine.accountant.history)
        entry = LedgerEntry("dpsgd", eps_prv, float(delta),
                            f"item vectors ({n_items} items x {cfg.dim}) trained on {len(users)} users' histories",
                            "catalog", "prv", clip_norm=float(cfg.clip_norm), noise_multiplier=float(noise),
                            steps=int(steps), sample_rate=float(rate))
    inner = model._module if hasattr(model, "_module") else model
    if cfg.model == "text":  # item a's input side T_a M', output side T_b: score(a -> b) = T_a M' . T_b
        w_out = inner[1].weight.detach().numpy().astype(np.float64)
        w_in = w_out @ inner[0].weight.detach().numpy().astype(np.float64).T
    else:
        w_in = inner[0].weight.detach().numpy().T.astype(np.float64)  # (n_items, dim)
        w_out = inner[1].weight.detach().numpy().astype(np.float64)   # (n_items, dim)
    bias = inner[1].bias.detach().numpy().astype(np.float64)
    vectors = {"output": w_out, "input": w_in, "both": np.hstack([_unit(w_in), _unit(w_out)])}[cfg.vectors]
    return ItemVectors(list(hist.item_ids), vectors, bias, entry, eps_rdp, cfg, len(users), losses, (w_in, w_out))


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _merged(history) -> list[tuple[float, float, int]]:
    """Opacus's accountant history ``[(noise, rate, steps), ...]`` with equal settings summed."""
    out: dict[tuple[float, float], int] = {}
    for noise, rate, steps in history:
        out[(noise, rate)] = out.get((noise, rate), 0) + steps
    return [(noise, rate, steps) for (noise, rate), steps in out.items()]
