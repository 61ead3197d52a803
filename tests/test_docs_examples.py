"""Every example in examples/ and every Python snippet in the README runs as written.

Like typer's docs tests: the snippets are the documentation, so they are executed, in
order, in one namespace, in a fresh folder with their own EDGEREC_HOME (the embedder
exported once per test session is linked in, so ranking does not export it again).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO, source_pythonpath

pytestmark = pytest.mark.slow

SNIPPET = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_snippets(markdown: str) -> list[str]:
    """The ```python blocks of a Markdown text, in order."""
    return SNIPPET.findall(markdown)


def test_snippet_finder_reads_only_python_blocks():
    text = "x\n```python\na = 1\n```\n```\nedgerec init\n```\n```python\nb = a + 1\n```\n"
    assert python_snippets(text) == ["a = 1\n", "b = a + 1\n"]


def _env(tmp_path: Path, exported_embedder: Path) -> dict[str, str]:
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "models" / exported_embedder.name).symlink_to(exported_embedder, target_is_directory=True)
    return {**os.environ, "EDGEREC_HOME": str(home), "PYTHONPATH": source_pythonpath(), "TZ": "UTC"}


def test_readme_python_snippets_run(tmp_path, exported_embedder):
    snippets = python_snippets((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(snippets) >= 3, "the README's tours lost their Python snippets"
    script = tmp_path / "readme_snippets.py"
    script.write_text("\n".join(f"# --- README snippet {i + 1}\n{s}" for i, s in enumerate(snippets)), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=_env(tmp_path, exported_embedder),
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]


EXAMPLES = sorted(p for p in (REPO / "examples").glob("*.py"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(example, tmp_path, exported_embedder):
    out = subprocess.run([sys.executable, str(example)], cwd=tmp_path, env=_env(tmp_path, exported_embedder),
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
