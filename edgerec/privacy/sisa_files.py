"""The sharded DP-SGD artifact's folder: what ships (manifest.json, items.json, released.npz) and builder/.

``builder/`` holds what the builder needs to retrain a shard and never ships:
``histories.npz`` (every user's id, shard and raw item sequence),
``shard_NNN.npz`` (each trained shard's item vectors and output bias),
``text.npz`` (the public item text embeddings, when the text model is used)
and ``settings.json`` (the base seed, when one was given). ``released.npz`` has
the keys of the DP catalog's, so a device reads either the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from edgerec.errors import InputError
from edgerec.privacy.data import Histories
from edgerec.privacy.ledger import LedgerEntry
from edgerec.rank.cooccurrence import ItemNeighbours

__all__ = ["load_artifact", "save_artifact"]

_SLOTS = ("cooccurrence", "sequential")


def _shard_file(folder: Path, shard: int) -> Path:
    return folder / "builder" / f"shard_{shard:03d}.npz"


def save_artifact(art, path: Path) -> Path:
    """Write ``art`` (a :class:`~edgerec.privacy.sisa.ShardedArtifact`) to the folder ``path``."""
    builder = path / "builder"
    builder.mkdir(parents=True, exist_ok=True)
    (path / "manifest.json").write_text(json.dumps(art.manifest, indent=1) + "\n", encoding="utf-8")
    (path / "items.json").write_text(json.dumps(list(art.histories.item_ids)) + "\n", encoding="utf-8")
    released = {"popularity": art.popularity}
    for slot in _SLOTS:
        for part in ("indptr", "indices", "values"):
            released[f"{slot}_{part}"] = getattr(art.neighbours, part)
    np.savez_compressed(path / "released.npz", **released)
    seqs = art.histories.sequences
    np.savez_compressed(builder / "histories.npz", users=np.array(art.histories.user_ids, dtype=str),
                        shards=art.shards.astype(np.int64),
                        seq_indptr=np.concatenate(([0], np.cumsum([len(s) for s in seqs]))).astype(np.int64),
                        seq=np.concatenate(seqs).astype(np.int64) if seqs else np.zeros(0, np.int64))
    for shard, model in enumerate(art.models):
        target = _shard_file(path, shard)
        if model is None:
            target.unlink(missing_ok=True)
        else:
            np.savez_compressed(target, vectors=model.vectors, bias=model.bias, examples=np.int64(model.examples))
    if art.text_embeddings is not None:
        np.savez_compressed(builder / "text.npz", embeddings=art.text_embeddings)
    (builder / "settings.json").write_text(json.dumps({"seed": art.seed}) + "\n", encoding="utf-8")
    return path


def load_artifact(cls, path: Path):
    """Read a folder written by :func:`save_artifact` into ``cls`` (ShardedArtifact)."""
    from edgerec.privacy.sisa import FORMAT, ShardModel

    builder = path / "builder"
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        items = json.loads((path / "items.json").read_text(encoding="utf-8"))
        released = dict(np.load(path / "released.npz", allow_pickle=False))
        hist = dict(np.load(builder / "histories.npz", allow_pickle=False))
        settings = json.loads((builder / "settings.json").read_text(encoding="utf-8"))
        models = []
        for shard in range(int(manifest["shards"])):
            f = _shard_file(path, shard)
            if f.is_file():
                m = np.load(f, allow_pickle=False)
                models.append(ShardModel(m["vectors"], m["bias"], int(m["examples"])))
            else:
                models.append(None)
        text = np.load(builder / "text.npz", allow_pickle=False)["embeddings"] if manifest.get("text") else None
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{path} is not a readable sharded edgerec catalog: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise InputError(f"{path}/manifest.json is not a sharded DP-SGD catalog manifest")
    ptr = hist["seq_indptr"]
    histories = Histories([str(u) for u in hist["users"]], [str(i) for i in items],
                          [hist["seq"][ptr[i]:ptr[i + 1]] for i in range(len(hist["users"]))])
    ledgers = [[LedgerEntry.from_dict(e) for e in row["ledger"]] for row in manifest["shard_ledgers"]]
    neighbours = ItemNeighbours(len(items), released["cooccurrence_indptr"], released["cooccurrence_indices"],
                                released["cooccurrence_values"])
    return cls(histories, hist["shards"], manifest, models, ledgers, text_embeddings=text, seed=settings.get("seed"),
               popularity=released["popularity"], neighbours=neighbours)
