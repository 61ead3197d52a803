"""A killed fleet simulation leaves no worker processes behind (real processes, real signals)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

# A parent that starts a two-worker pool, sends each worker a long task, prints the workers' pids and waits.
PARENT = textwrap.dedent("""
    import os, time
    from edgerec.privacy.fleet import LocalEngine

    def busy(seconds):
        end = time.time() + seconds
        while time.time() < end:
            pass
        return os.getpid()

    with LocalEngine(workers=2) as engine:
        futures = [engine._pool.submit(busy, 60) for _ in range(2)]
        print(" ".join(str(p) for p in engine._pool._processes), flush=True)
        futures[0].result()
""")


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, exited but not yet reaped, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_workers_end_when_the_simulation_is_killed(sig):
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        line = parent.stdout.readline()
        workers = [int(p) for p in line.split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        time.sleep(0.5)  # both workers are inside their 60-second task
        parent.send_signal(sig)
        parent.wait(timeout=10)
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "a worker outlived the killed simulation"
    finally:
        if parent.poll() is None:
            parent.kill()
