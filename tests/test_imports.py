"""What the store path loads: importing edgerec, `edgerec --help` and the store commands load no heavy
runtime and nothing of the benchmark kit (edgerec_bench), even with the kit installed."""

import json
import os
import subprocess
import sys

from helpers import KEY, source_pythonpath

HEAVY = ["torch", "opacus", "llama_cpp", "onnxruntime", "sentence_transformers"]
STORE_COMMANDS = (["init"], ["log", "--user", "u", "--type", "t"], ["import", "{events}"], ["events", "--json"],
                  ["stats"], ["verify"], ["export", "--user", "u"], ["rotate-key", "--new-key-file", "{key2}"],
                  ["forget", "--user", "u", "--yes"])


def _loaded_after(script: str, tmp_path) -> dict:
    """Run ``script`` in a fresh interpreter; it prints a JSON object as its last line."""
    env = {**os.environ, "PYTHONPATH": source_pythonpath(), "EDGEREC_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


REPORT = f"""
import importlib.util, json, sys
print(json.dumps({{"heavy": [m for m in {HEAVY!r} if m in sys.modules],
                   "bench": sorted(m for m in sys.modules if m.split(".")[0] == "edgerec_bench"),
                   "kit_importable": importlib.util.find_spec("edgerec_bench") is not None}}))
"""


def test_import_edgerec_loads_no_heavy_runtime_and_no_bench_kit(tmp_path):
    loaded = _loaded_after("import edgerec, edgerec.cli.main\n" + REPORT, tmp_path)
    assert loaded["heavy"] == [] and loaded["bench"] == []


def test_help_and_store_commands_load_no_heavy_runtime_and_no_bench_kit(tmp_path):
    key, key2, db = tmp_path / "k", tmp_path / "k2", tmp_path / "s.db"
    key.write_bytes(KEY)
    key2.write_bytes(bytes(range(1, 33)))
    events = tmp_path / "events.jsonl"
    events.write_text('{"user": "u", "type": "play", "item": "m1"}\n')
    commands = [[a.format(events=events, key2=key2) for a in args] for args in STORE_COMMANDS]
    script = f"""
from typer.testing import CliRunner
from edgerec.cli.main import app
r = CliRunner()
res = r.invoke(app, ["--help"])
assert res.exit_code == 0 and all(name in res.output for name in ("eval", "bench", "datasets")), res.output
key = {str(key)!r}
for args in {commands!r}:
    res = r.invoke(app, args + ["--db", {str(db)!r}, "--key-file", key])
    assert res.exit_code == 0, (args, res.output)
    if args[0] == "rotate-key":
        key = {str(key2)!r}
""" + REPORT
    loaded = _loaded_after(script, tmp_path)
    assert loaded["heavy"] == [] and loaded["bench"] == []
    assert loaded["kit_importable"]  # else this test could not fail


def test_public_api_is_small_and_importable():
    import edgerec

    assert "EventStore" in edgerec.__all__
    for name in edgerec.__all__:
        assert hasattr(edgerec, name)


def test_public_entry_points_are_exported_lazily(tmp_path):
    script = """
import json, sys
import edgerec
light = [m for m in ("edgerec.rank.candidates", "edgerec.profile.builder", "numpy") if m in sys.modules]
from edgerec import ProfileBuilder, rank_from_store
from edgerec.profile.builder import ProfileBuilder as owner_pb
from edgerec.rank.candidates import rank_from_store as owner_rank
print(json.dumps({"light": light, "same": ProfileBuilder is owner_pb and rank_from_store is owner_rank,
                  "listed": sorted(n for n in ("ProfileBuilder", "rank_from_store") if n in edgerec.__all__)}))
"""
    loaded = _loaded_after(script, tmp_path)
    assert loaded == {"light": [], "same": True, "listed": ["ProfileBuilder", "rank_from_store"]}
