"""The fleet's Ray engine: chunks of simulated devices run as Ray tasks on a private, local Ray runtime.

Ray is the optional ``ray`` extra and is imported here only, when the engine is opened.
Unless the process already runs Ray (then that runtime is used and left running), the
engine starts a local one for the simulation and stops it afterwards:

- ``num_cpus=workers``, no dashboard, node address 127.0.0.1, no log forwarding;
- usage statistics off (``RAY_USAGE_STATS_ENABLED=0`` is set before Ray is imported), so
  Ray reports nothing to anyone.

What Ray still opens is listed in docs/privacy-device.md (its own processes, loopback
ports, a session folder under the temp directory). The tasks are the same function the
in-process engine runs (:func:`edgerec.privacy.fleet._round_chunk`), so the engine changes
where devices are simulated, never what they send.
"""

from __future__ import annotations

import os
from typing import Callable

from edgerec.errors import MissingExtraError

__all__ = ["RayEngine", "ray_settings"]

#: What ``ray.init`` is given (besides ``num_cpus``); module-level so the docs and tests can show it.
RAY_INIT = {"include_dashboard": False, "_node_ip_address": "127.0.0.1", "log_to_driver": False,
            "configure_logging": False, "object_store_memory": 256 * 1024 * 1024}


def _ray():
    """``import ray`` with usage statistics off; MissingExtraError naming the extra without it."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # single-node mode: every server binds 127.0.0.1
    try:
        import ray
    except ImportError:
        raise MissingExtraError("ray", "ray") from None
    return ray


def ray_settings(workers: int) -> dict:
    """The keyword arguments of ``ray.init`` for a local runtime of ``workers`` CPUs.

    >>> ray_settings(2)["num_cpus"], ray_settings(2)["include_dashboard"]
    (2, False)
    """
    return {"num_cpus": int(workers), **RAY_INIT}


class RayEngine:
    """Runs chunks as Ray tasks (one CPU each); results come back in task order."""

    name = "ray"

    def __init__(self, workers: int = 2):
        self.workers = max(1, int(workers))
        self._ray = None
        self._owned = False

    def __enter__(self) -> "RayEngine":
        ray = _ray()
        if not ray.is_initialized():
            ray.init(**ray_settings(self.workers))
            self._owned = True
        self._ray = ray
        return self

    def __exit__(self, *exc) -> None:
        if self._owned and self._ray is not None:
            self._ray.shutdown()
        self._ray, self._owned = None, False

    def map(self, fn: Callable, shared: tuple, tasks: list[tuple], done: Callable[[int], None]) -> list:
        """``[fn(*shared, *task) for task in tasks]`` as Ray tasks; ``done(i)`` as task i finishes.

        ``shared`` goes into Ray's object store once, not once per task.
        """
        ray = self._ray
        remote = ray.remote(num_cpus=1, max_retries=0)(fn)
        shared_refs = [ray.put(value) for value in shared]
        refs = [remote.remote(*shared_refs, *task) for task in tasks]
        position = {ref: i for i, ref in enumerate(refs)}
        pending = list(refs)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            for ref in ready:
                done(position[ref])
        return ray.get(refs)
