"""Local differential privacy: a device randomizes its own items before any report leaves it.

A report is one bit vector over a domain of N items. Bit i is set when item i is among the
device's items (at most ``bound`` of them, the most recent first), then every bit is flipped
by OpenDP's ``make_randomized_response_bitvec`` (RAPPOR's permanent randomized response, i.e.
symmetric unary encoding). With ``max_weight=bound`` OpenDP's privacy map bounds the loss for
replacing the device's *whole* item set, so the guarantee is per device, whatever it holds::

    epsilon = 2 * bound * ln((1 - f/2) / (f/2))        f: per-bit flip probability

:func:`flip_probability` solves f from the epsilon asked for, and :class:`Randomizer` checks it
against OpenDP's own map. The noise comes from OpenDP's secure sampler and cannot be seeded: a
seeded randomizer could be undone by whoever learns the seed.

The aggregator sums reports and debiases them with OpenDP's ``debias_randomized_response_bitvec``:
an unbiased estimate of how many devices hold each item among their ``bound`` items.
Co-occurrence uses the same mechanism over a second domain, the pairs of a public list of T
items (the popular ones from a first round), numbered by :func:`pair_index`.

>>> pair_index(0, 1, 4), pair_index(2, 3, 4), pair_domain_size(4)
(0, 5, 6)
>>> unpack(pack([0, 9], 12), 12)
[0, 9]
>>> round(flip_probability(1.0, 1), 4)
0.7551
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from edgerec.errors import InputError, MissingExtraError

__all__ = ["MECHANISM", "DEFAULT_BOUND", "Report", "Randomizer", "Aggregator", "ItemDomain", "make_report",
           "estimate_counts", "flip_probability", "pack", "unpack", "bounded", "pair_index",
           "pair_domain_size", "pairs_among", "pair_matrix"]

#: The ``mechanism`` name in reports and ledger entries.
MECHANISM = "rr_bitvec"
#: Items (or pairs) a device puts in one report unless told otherwise.
DEFAULT_BOUND = 10


def _opendp():
    """OpenDP's prelude with the ``contrib`` features on; MissingExtraError without it."""
    try:
        import opendp.prelude as dp
    except ImportError:
        raise MissingExtraError("opendp", "privacy") from None
    dp.enable_features("contrib")
    return dp


def flip_probability(epsilon: float, bound: int) -> float:
    """The per-bit flip probability f that makes a vector of at most ``bound`` set bits epsilon-LDP.

    >>> f = flip_probability(4.0, 5); abs(2 * 5 * math.log((1 - f / 2) / (f / 2)) - 4.0) < 1e-12
    True
    """
    if not (isinstance(epsilon, (int, float)) and math.isfinite(epsilon) and epsilon > 0):
        raise InputError(f"epsilon must be a positive number, got {epsilon!r}")
    if not isinstance(bound, int) or bound < 1:
        raise InputError(f"bound must be a positive integer, got {bound!r}")
    return 2.0 / (1.0 + math.exp(epsilon / (2.0 * bound)))


def pack(indices: Iterable[int], size: int) -> bytes:
    """Bit vector of ``size`` bits with ``indices`` set (little-endian bit order, OpenDP's)."""
    bits = np.zeros(size, dtype=bool)
    idx = np.fromiter(indices, dtype=np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        raise InputError(f"an item index is outside the domain of {size} items")
    bits[idx] = True
    return np.packbits(bits, bitorder="little").tobytes()


def unpack(data: bytes, size: int) -> list[int]:
    """The set bits of a packed vector, below ``size`` (inverse of :func:`pack`)."""
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")[:size]
    return np.flatnonzero(bits).tolist()


def bounded(items: Iterable[int], bound: int) -> list[int]:
    """The first ``bound`` distinct items, in the given order (callers pass the most recent first).

    >>> bounded([5, 3, 5, 9, 1], 3)
    [5, 3, 9]
    """
    out = list(dict.fromkeys(int(i) for i in items))
    return out[:bound]


@dataclass(frozen=True)
class Randomizer:
    """OpenDP's bit-vector randomized response for one (epsilon, domain, bound)."""

    epsilon: float
    domain: int
    bound: int
    flip: float
    _measurement: object = field(repr=False, compare=False)

    @classmethod
    def create(cls, epsilon: float, domain: int, bound: int = DEFAULT_BOUND) -> "Randomizer":
        """Build the measurement; its privacy map (OpenDP's, not ours) must not exceed ``epsilon``."""
        if not isinstance(domain, int) or domain < 1:
            raise InputError(f"the domain must hold at least one item, got {domain!r}")
        f = flip_probability(epsilon, bound)
        dp = _opendp()
        for _ in range(100):  # float rounding in OpenDP's map may need f nudged up a few ulps
            m = dp.m.make_randomized_response_bitvec(dp.bitvector_domain(max_weight=bound),
                                                     dp.discrete_distance(), f=f)
            if m.map(1) <= epsilon:
                return cls(float(epsilon), domain, bound, f, m)
            f = min(1.0, f * (1.0 + 1e-12))
        raise InputError(f"no flip probability reaches epsilon {epsilon} for {bound} items")

    def randomize(self, indices: Sequence[int]) -> bytes:
        """The randomized, packed bit vector of at most ``bound`` distinct item indices."""
        indices = list(indices)
        if len(set(indices)) != len(indices) or len(indices) > self.bound:
            raise InputError(f"a report holds at most {self.bound} distinct items, got {len(indices)}")
        return self._measurement(np.frombuffer(pack(indices, self.domain), dtype=np.uint8))

    def privacy_loss(self) -> float:
        """Epsilon as OpenDP's privacy map states it for replacing the whole item set."""
        return float(self._measurement.map(1))


@dataclass(frozen=True)
class Report:
    """One locally randomized report, JSON-able; ``payload`` lists the bits that came out set."""

    mechanism: str
    epsilon: float
    domain: int
    bound: int
    flip: float
    payload: tuple[int, ...]

    def to_dict(self) -> dict:
        """``{"mechanism", "epsilon", "domain", "bound", "flip", "payload"}``."""
        return {"mechanism": self.mechanism, "epsilon": self.epsilon, "domain": self.domain,
                "bound": self.bound, "flip": self.flip, "payload": list(self.payload)}

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        """Inverse of :meth:`to_dict`; InputError on anything malformed."""
        try:
            report = cls(str(data["mechanism"]), float(data["epsilon"]), int(data["domain"]), int(data["bound"]),
                         float(data["flip"]), tuple(int(i) for i in data["payload"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"not a local-DP report: {exc}") from None
        if report.mechanism != MECHANISM:
            raise InputError(f"unknown report mechanism {report.mechanism!r}")
        if any(i < 0 or i >= report.domain for i in report.payload):
            raise InputError("a report's payload names a bit outside its domain")
        return report


def make_report(items: Iterable[int], *, epsilon: float, domain_size: int, bound: int = DEFAULT_BOUND) -> Report:
    """A device's report of its item indices (most recent first; only the first ``bound`` count).

    Every bit of the domain is randomized, so the payload is mostly noise by design:
    about ``f/2`` of the bits the device does not hold come out set.
    """
    rr = Randomizer.create(epsilon, domain_size, bound)
    noisy = rr.randomize(bounded(items, bound))
    return Report(MECHANISM, rr.epsilon, domain_size, bound, rr.flip, tuple(unpack(noisy, domain_size)))


class Aggregator:
    """Sums randomized vectors of one (domain, flip) and debiases them with OpenDP, chunk by chunk.

    Debiasing is linear, so chunk estimates add up to the estimate of all answers;
    memory stays at one chunk of answers.
    """

    def __init__(self, domain: int, flip: float, *, chunk: int = 4096):
        self.domain = domain
        self.flip = flip
        self.n = 0
        self._chunk = chunk
        self._pending: list[bytes] = []
        self._total = np.zeros(domain, dtype=np.float64)

    def add(self, answer: bytes) -> None:
        """Add one randomized, packed vector (a :meth:`Randomizer.randomize` output)."""
        self._pending.append(answer)
        self.n += 1
        if len(self._pending) >= self._chunk:
            self._flush()

    def add_report(self, report: Report) -> None:
        """Add one report received from a device."""
        if report.domain != self.domain or not math.isclose(report.flip, self.flip, rel_tol=1e-9):
            raise InputError("reports with different domains or epsilons cannot be aggregated together")
        self.add(pack(report.payload, report.domain))

    def _flush(self) -> None:
        if self._pending:
            est = _opendp().m.debias_randomized_response_bitvec(self._pending, f=self.flip)
            self._total += np.asarray(est, dtype=np.float64)[: self.domain]
            self._pending = []

    def estimate(self) -> np.ndarray:
        """Estimated number of devices holding each item (float64[domain]; may be negative)."""
        self._flush()
        return self._total.copy()


def estimate_counts(reports: Sequence[Report | dict]) -> np.ndarray:
    """The aggregator's estimate of how many devices hold each item (float64[N]) from their reports."""
    reports = [r if isinstance(r, Report) else Report.from_dict(r) for r in reports]
    if not reports:
        raise InputError("no reports to aggregate")
    first = reports[0]
    agg = Aggregator(first.domain, first.flip)
    for r in reports:
        if (r.mechanism, r.epsilon, r.bound) != (first.mechanism, first.epsilon, first.bound):
            raise InputError("reports made with different mechanisms, epsilons or bounds cannot be aggregated together")
        agg.add_report(r)
    return agg.estimate()


# ---------------------------------------------------------------------------- pairs

def pair_domain_size(t: int) -> int:
    """Number of unordered pairs of ``t`` items."""
    return t * (t - 1) // 2


def pair_index(a: int, b: int, t: int) -> int:
    """Index of the pair {a, b} (a != b, both below ``t``) in row-major upper-triangle order."""
    a, b = (a, b) if a < b else (b, a)
    if a == b or a < 0 or b >= t:
        raise InputError(f"not a pair of distinct items below {t}: {a}, {b}")
    return a * (2 * t - a - 1) // 2 + (b - a - 1)


def pairs_among(positions: Sequence[int], bound: int, t: int) -> list[int]:
    """Pair indices of a device's items (positions in the public top-``t`` list, most recent first).

    Pairs are taken newest first: every pair with the 2nd item, then with the 3rd, ...,
    until ``bound`` pairs, so a long history contributes only its recent pairs.

    >>> pairs_among([3, 0, 2], 2, 4)
    [2, 5]
    """
    pos = list(dict.fromkeys(int(p) for p in positions))
    out: list[int] = []
    for j in range(1, len(pos)):
        for i in range(j):
            if len(out) == bound:
                return out
            out.append(pair_index(pos[i], pos[j], t))
    return out


def pair_matrix(counts: np.ndarray, t: int) -> np.ndarray:
    """Symmetric t x t matrix of per-pair values (zero diagonal) from a pair-domain vector."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.shape != (pair_domain_size(t),):
        raise InputError(f"expected {pair_domain_size(t)} pair values for {t} items, got {counts.shape}")
    out = np.zeros((t, t))
    rows, cols = np.triu_indices(t, k=1)
    out[rows, cols] = counts
    out[cols, rows] = counts
    return out


# ---------------------------------------------------------------------------- item ids

@dataclass(frozen=True)
class ItemDomain:
    """Where an item id sits in a report: a public id list (a catalog's items) or hashed buckets.

    >>> d = ItemDomain.from_ids(["a", "b"]); d.size, d.index("b"), d.index("z")
    (2, 1, None)
    >>> ItemDomain.hashed(64).index("song-1") == ItemDomain.hashed(64).index("song-1")
    True
    """

    ids: tuple[str, ...] | None = None
    buckets: int | None = None

    @classmethod
    def from_ids(cls, ids: Iterable[str]) -> "ItemDomain":
        """A domain over a public list of item ids (their order is the bit order)."""
        ids = tuple(str(i) for i in ids)
        if not ids or len(set(ids)) != len(ids):
            raise InputError("an item domain needs at least one id and no duplicates")
        return cls(ids=ids)

    @classmethod
    def hashed(cls, buckets: int) -> "ItemDomain":
        """A domain of ``buckets`` buckets; an id goes to sha256(id) mod buckets (a public hash)."""
        if buckets < 2:
            raise InputError("a hashed item domain needs at least 2 buckets")
        return cls(buckets=int(buckets))

    @property
    def size(self) -> int:
        """Bits in a report over this domain."""
        return len(self.ids) if self.ids is not None else int(self.buckets)

    def index(self, item: str) -> int | None:
        """The bit of ``item``, or None if the domain does not hold it."""
        if self.ids is not None:
            return self._positions.get(item)
        digest = hashlib.sha256(item.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.buckets

    @property
    def _positions(self) -> dict[str, int]:
        found = self.__dict__.get("_pos")
        if found is None:
            found = {item: n for n, item in enumerate(self.ids)}
            object.__setattr__(self, "_pos", found)  # a cache, not a field
        return found

    def describe(self) -> dict:
        """What the aggregator needs to read the bits back (no user data)."""
        if self.ids is not None:
            digest = hashlib.sha256("\n".join(self.ids).encode("utf-8")).hexdigest()[:16]
            return {"kind": "ids", "items": len(self.ids), "digest": digest}
        return {"kind": "hashed", "buckets": self.buckets, "hash": "sha256-mod"}
