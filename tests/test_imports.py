"""Heavy runtimes stay off the store path: importing edgerec and running store commands loads no torch."""

import json
import os
import subprocess
import sys

from tests.conftest import KEY, REPO

HEAVY = ["torch", "opacus", "llama_cpp", "onnxruntime", "sentence_transformers"]


def test_import_edgerec_and_store_commands_import_no_heavy_runtime(tmp_path):
    key = tmp_path / "k"
    key.write_bytes(KEY)
    db = tmp_path / "s.db"
    script = f"""
import sys, json
from typer.testing import CliRunner
import edgerec
from edgerec.cli.main import app
r = CliRunner()
for args in (["init"], ["log", "--user", "u", "--type", "t"], ["events", "--json"], ["stats"],
             ["export", "--user", "u"], ["forget", "--user", "u", "--yes"]):
    res = r.invoke(app, args + ["--db", {str(db)!r}, "--key-file", {str(key)!r}])
    assert res.exit_code == 0, (args, res.output)
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""
    env = {**os.environ, "PYTHONPATH": str(REPO), "EDGEREC_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_public_api_is_small_and_importable():
    import edgerec

    assert "EventStore" in edgerec.__all__
    for name in edgerec.__all__:
        assert hasattr(edgerec, name)
