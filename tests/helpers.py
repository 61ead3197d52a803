"""Constants and helpers shared by the SDK tests and the bench kit's tests.

pytest puts this folder on ``sys.path`` (``pythonpath`` in pyproject.toml), so a test
in either folder writes ``from helpers import KEY``; the fixtures live in the
repository's root ``conftest.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

#: A raw 32-byte store key: opening a store with it skips the passphrase KDF.
KEY = bytes(range(32))
#: The repository checkout (the SDK's pyproject.toml is here).
REPO = Path(__file__).resolve().parent.parent
#: The bench kit's folder (its own pyproject.toml, package ``edgerec_bench``).
BENCH = REPO / "edgerec-bench"
#: ../shared/data beside the clone (CI); a git worktree one folder deeper looks one level up too.
SHARED_DATA = next(
    (p for p in (REPO.parent / "shared" / "data", REPO.parent.parent / "shared" / "data") if p.is_dir()),
    REPO.parent / "shared" / "data",
)
ML100K = SHARED_DATA / "ml-100k"


def source_pythonpath() -> str:
    """A PYTHONPATH that makes a subprocess import this checkout's ``edgerec`` and ``edgerec_bench``."""
    parts = [str(REPO), str(BENCH)]
    if os.environ.get("PYTHONPATH"):
        parts.append(os.environ["PYTHONPATH"])
    return os.pathsep.join(parts)


def store_files(db_path: Path) -> dict[str, bytes]:
    """Raw bytes of the database file and its WAL / shared-memory / journal companions."""
    out = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(db_path) + suffix)
        if p.exists():
            out[suffix or "db"] = p.read_bytes()
    return out


#: The extra that provides each optional runtime a test may need.
EXTRAS = {
    "llama_cpp": "llm",
    "onnxruntime": "embed",
    "tokenizers": "embed",
    "torch": "train",
    "sentence_transformers": "train",
    "onnx": "train",
    "opacus": "train",
    "sklearn": "audit",
    "matplotlib": "audit",
    "nbclient": "dev",
    "nbformat": "dev",
    "dp_accounting": "privacy",
    "opendp": "privacy",
    "ray": "ray",
    "matplotlib": "audit",
}


def missing_extra(*modules: str) -> str | None:
    """The install line for the first of ``modules`` that cannot be imported, or None when all can.

    Only looks the modules up (``importlib.util.find_spec``); nothing heavy is imported.
    """
    import importlib.util

    for module in modules:
        if importlib.util.find_spec(module) is None:
            return f"needs {module}: pip install 'edgerec[{EXTRAS[module]}]'"
    return None


def requires(*modules: str):
    """Mark a test that needs optional runtimes: it skips, naming the install line, when one is missing.

    ``make test`` installs every extra and ``.ci/run`` fails on any skip, so in CI these always run.
    """
    import pytest

    reason = missing_extra(*modules)
    return pytest.mark.skipif(reason is not None, reason=reason or "")


def user_error(result, fragment: str) -> None:
    """Assert a CLI user error: exit code 2, one line on stderr naming the problem, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.output + result.stderr


def write_tiny_ml(folder: Path, ratings=(3, 4, 5)) -> Path:
    """40 users over 30 movies in two tastes, in ml-100k's layout (u.data, u.item); ratings drawn from ``ratings``."""
    import numpy as np

    rng = np.random.default_rng(1)
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for user in range(1, 41):
        taste = user % 2
        for n, item in enumerate(rng.permutation(15)[:10] + 1 + 15 * taste):
            lines.append(f"{user}\t{item}\t{rng.choice(list(ratings))}\t{1000 + 10 * n}")
    (folder / "u.data").write_text("\n".join(lines) + "\n")
    genres = "|".join(["0"] * 19)
    (folder / "u.item").write_text("".join(f"{i}|Film {i} (1990)|01-Jan-1990||http://x|{genres}\n" for i in range(1, 31)))
    return folder
