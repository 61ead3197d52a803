"""The bench kit's ranking evaluation and ranking benchmark load no heavy runtime either."""

import os
import subprocess
import sys

from helpers import source_pythonpath


def test_movielens_eval_and_rank_bench_import_no_heavy_runtime():
    code = (
        "import sys, edgerec_bench.eval.movielens, edgerec_bench.perf.rank, edgerec_bench.perf.store\n"
        "print(sorted(m for m in ('torch', 'onnxruntime', 'llama_cpp', 'opacus') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": source_pythonpath()})
    assert out.stdout.strip() == "[]"
