"""A small ml-100k-shaped folder with planted signals, for the audit tests (written to a temp dir)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_fake_ml100k(folder: Path, *, users: int = 60, items: int = 80, seed: int = 0) -> Path:
    """u.data and u.user: women (a third of users) like items 0-9 more; everyone rates ~25 items."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    women = rng.random(users) < 1 / 3
    lines, people = [], []
    for u in range(users):
        weights = np.ones(items)
        weights[:10] = 6.0 if women[u] else 0.5
        chosen = rng.choice(items, size=25, replace=False, p=weights / weights.sum())
        for n, item in enumerate(chosen):
            rating = int(rng.integers(3, 6)) if (item < 10) == women[u] else int(rng.integers(1, 6))
            lines.append(f"{u + 1}\t{item + 1}\t{rating}\t{880000000 + 1000 * u + n}\n")
        people.append(f"{u + 1}|30|{'F' if women[u] else 'M'}|other|00000\n")
    (folder / "u.data").write_text("".join(lines))
    (folder / "u.user").write_text("".join(people))
    return folder


def has_module(name: str) -> bool:
    """Whether ``name`` can be imported (False also when a parent package is missing)."""
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False
