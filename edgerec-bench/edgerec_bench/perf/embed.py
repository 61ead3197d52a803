"""``edgerec bench embed``: int8 vs fp32 ONNX embedding throughput and agreement.

Both ONNX models (and, when torch is installed, the sentence-transformers fp32
model they were exported from) embed the same sentences in the same run.
Rounds alternate between the models so that a noisy neighbour on a shared CPU
slows each of them alike; the median round counts.
"""

from __future__ import annotations

import statistics
import time
from typing import Callable, Sequence

import numpy as np

from edgerec.errors import InputError, MissingExtraError

__all__ = ["SENTENCES", "bench_embed", "cosine_rows"]

#: A fixed, varied set: catalog titles, smart-home requests, questions, news,
#: numbers, a very short and a long text.
SENTENCES: tuple[str, ...] = (
    "A slow-burning horror film set in an abandoned lighthouse.",
    "Upbeat jazz standards for a rainy Sunday morning.",
    "Turn the living room lights to a warm colour at 40 percent.",
    "Set the air conditioning to 22 degrees and the fan to low.",
    "What is the weather going to be like tomorrow afternoon?",
    "Documentary about the migration of humpback whales.",
    "The central bank left interest rates unchanged on Thursday.",
    "Romantic comedy where two rival bakers fall in love.",
    "Play something relaxing on the kitchen speaker.",
    "Arm the security system when everyone has left the house.",
    "How do I replace the battery in a smoke detector?",
    "Children's animated adventure with talking animals.",
    "The match was postponed because of heavy snow.",
    "Increase the TV volume to 25 and switch to HDMI2.",
    "A thriller about a hacker who uncovers a conspiracy.",
    "Quiet piano music for reading.",
    "jazz",
    "ok",
    "Remind me to water the plants every Tuesday evening.",
    "Science fiction epic about a generation ship lost between stars.",
    "The recipe needs 200 grams of flour, two eggs and a pinch of salt.",
    "Dim the bedroom lights after sunset on weekdays.",
    "Classic western with a lone rider and a corrupt sheriff.",
    "Is it going to be too cold to cycle to work?",
    "Stand-up comedy special recorded live in Dublin.",
    "Heavy metal album with fast drums and distorted guitars.",
    "Turn everything off, I'm going to bed.",
    "An epic fantasy saga of dragons, exiled queens and a long winter "
    "that lasts for years, told through the eyes of a young squire who "
    "rises to command an army and learns that every victory has a price.",
    "Crime drama following a detective in 1970s Naples.",
    "Put the speaker equalizer on bass boost for the party.",
    "Das Wetter ist heute schön und warm.",
    "Nature sounds: waves, rain and distant thunder.",
)


def cosine_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of each row of ``a`` with the same row of ``b``.

    >>> cosine_rows(np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[1.0, 1.0], [0.0, 1.0]])).round(3)
    array([0.707, 1.   ])
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return (a * b).sum(axis=1) / np.maximum(norms, 1e-12)


def _throughput(encode: Callable[[Sequence[str]], np.ndarray], texts: Sequence[str]) -> float:
    start = time.perf_counter()
    encode(texts)
    return len(texts) / (time.perf_counter() - start)


def bench_embed(
    *,
    n: int = 256,
    batch_size: int = 32,
    threads: int = 2,
    rounds: int = 3,
    torch_baseline: bool = True,
    sentences: Sequence[str] = SENTENCES,
) -> dict:
    """Measure the default embedder: sentences/s for fp32 and int8 ONNX, agreement, sizes.

    Also times loading the int8 model (sha256 check included) and embedding
    one sentence at a time (the median of 20), as a ranker does for a query.

    ``n`` texts (``sentences`` repeated) are embedded per round and model,
    in ``rounds`` alternating rounds. With ``torch_baseline`` and torch
    installed, sentence-transformers fp32 runs in the same rounds and is the
    reference for agreement. Exports the model first if it is not cached.
    """
    if n < 1 or rounds < 1 or not sentences:
        raise InputError("bench embed needs n >= 1, rounds >= 1 and at least one sentence")
    from edgerec.models.embed import Embedder, default_embedder, default_model_dir, read_manifest

    fp32 = default_embedder(quantized=False, threads=threads)
    int8 = default_embedder(quantized=True, threads=threads)
    texts = [sentences[i % len(sentences)] for i in range(n)]
    models: dict[str, Callable] = {
        "fp32": lambda t: fp32.encode(t, batch_size=batch_size),
        "int8": lambda t: int8.encode(t, batch_size=batch_size),
    }
    torch_error = None
    if torch_baseline:
        try:
            from edgerec.models.embed_export import sentence_transformers_encoder

            reference = sentence_transformers_encoder(threads=threads)
            models["torch"] = lambda t: reference(t, batch_size=batch_size)
        except MissingExtraError as exc:
            torch_error = str(exc)

    vectors = {name: encode(list(sentences)) for name, encode in models.items()}  # also warms up
    speeds: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(rounds):
        for name, encode in models.items():
            speeds[name].append(_throughput(encode, texts))
    median = {name: statistics.median(values) for name, values in speeds.items()}

    manifest = read_manifest(default_model_dir())
    files = manifest["files"]
    start = time.perf_counter()
    Embedder.from_dir(default_model_dir(), quantized=True, threads=threads)  # sha256 check included
    load_s = time.perf_counter() - start
    query_ms = []
    for i in range(20):
        start = time.perf_counter()
        int8.encode([sentences[i % len(sentences)]])
        query_ms.append((time.perf_counter() - start) * 1000)
    int8_vs_fp32 = cosine_rows(vectors["int8"], vectors["fp32"])
    result = {
        "model": manifest.get("name"),
        "sentences": n,
        "distinct_sentences": len(sentences),
        "batch_size": batch_size,
        "threads": threads,
        "rounds": rounds,
        "fp32_sentences_per_s": round(median["fp32"], 1),
        "int8_sentences_per_s": round(median["int8"], 1),
        "int8_vs_fp32_speedup": round(median["int8"] / median["fp32"], 2),
        "cosine_int8_vs_fp32_mean": round(float(int8_vs_fp32.mean()), 4),
        "cosine_int8_vs_fp32_min": round(float(int8_vs_fp32.min()), 4),
        "int8_load_s": round(load_s, 3),
        "int8_one_sentence_ms_p50": round(statistics.median(query_ms), 2),
        "fp32_model_bytes": files["fp32"]["bytes"],
        "int8_model_bytes": files["int8"]["bytes"],
        "size_ratio": round(files["fp32"]["bytes"] / files["int8"]["bytes"], 2),
    }
    if "torch" in models:
        int8_vs_torch = cosine_rows(vectors["int8"], vectors["torch"])
        fp32_vs_torch = cosine_rows(vectors["fp32"], vectors["torch"])
        result.update(
            torch_sentences_per_s=round(median["torch"], 1),
            int8_vs_torch_speedup=round(median["int8"] / median["torch"], 2),
            cosine_int8_vs_torch_mean=round(float(int8_vs_torch.mean()), 4),
            cosine_int8_vs_torch_min=round(float(int8_vs_torch.min()), 4),
            cosine_fp32_vs_torch_mean=round(float(fp32_vs_torch.mean()), 6),
        )
    elif torch_error:
        result["torch_baseline"] = f"skipped: {torch_error}"
    return result
