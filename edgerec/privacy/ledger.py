"""The privacy ledger: every DP release, its parameters, and the composed total.

A :class:`LedgerEntry` records one release (mechanism, epsilon, delta, the
sensitivity or clipping norm, what was released and when). A :class:`Ledger`
holds the entries and a budget; :meth:`Ledger.charge` refuses, with
:class:`~edgerec.errors.PrivacyBudgetExceeded`, any release that would take
the composed total over the budget, *before* the caller releases anything.

Totals are composed by ``dp-accounting`` (:mod:`edgerec.privacy.accounting`),
RDP by default, at the ledger's delta: the budget's delta, or
:data:`DEFAULT_DELTA` when no budget delta is set. At a fixed delta the total
never decreases as entries are added.

>>> ledger = Ledger([], budget_epsilon=2.0, budget_delta=1e-5)
>>> e = ledger.charge(LedgerEntry.gaussian(noise_multiplier=4.0, delta=1e-5, sensitivity=1.0,
...                                        released="popularity", scope="catalog"))
>>> e.id, round(ledger.total()[0], 3) == round(e.epsilon, 3)
(1, True)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone

from edgerec.errors import InputError, PrivacyBudgetExceeded
from edgerec.privacy import accounting

__all__ = ["DEFAULT_DELTA", "Ledger", "LedgerEntry"]

#: Delta at which totals are reported when the ledger has no budget delta.
DEFAULT_DELTA = 1e-6
#: Relative slack on budget checks (the accountants' own numerical tolerance).
_TOL = 1e-9


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class LedgerEntry:
    """One DP release (the fields of the agreed JSON format)."""

    mechanism: str
    epsilon: float
    delta: float
    released: str
    scope: str
    accountant: str = "rdp"
    sensitivity: float | None = None
    clip_norm: float | None = None
    noise_multiplier: float | None = None
    steps: int | None = None
    sample_rate: float | None = None
    at: str = ""
    id: int = 0

    @property
    def pure(self) -> bool:
        """Whether this release is known only as pure epsilon-DP (no noise parameters, delta 0)."""
        return self.delta == 0 and not self.noise_multiplier

    def event(self):
        """This release as a ``dp_accounting`` DpEvent (see :mod:`edgerec.privacy.accounting`)."""
        if self.mechanism == "gaussian" and self.noise_multiplier:
            return accounting.gaussian_event(self.noise_multiplier)
        if self.mechanism == "laplace" and self.noise_multiplier:
            return accounting.laplace_event(self.noise_multiplier)
        if self.mechanism == "dpsgd" and self.noise_multiplier and self.sample_rate and self.steps:
            return accounting.dpsgd_event(self.noise_multiplier, self.sample_rate, self.steps)
        if self.delta == 0:
            return accounting.pure_event(self.epsilon)
        raise InputError(f"ledger entry {self.id}: a {self.mechanism} release needs its noise parameters")

    @classmethod
    def gaussian(cls, *, noise_multiplier: float, delta: float, released: str, scope: str,
                 sensitivity: float | None = None, accountant: str = "rdp") -> "LedgerEntry":
        """A Gaussian release; its epsilon at ``delta`` comes from ``accountant``."""
        eps = accounting.epsilon_of([accounting.gaussian_event(noise_multiplier)], delta, accountant=accountant)
        return cls("gaussian", eps, float(delta), released, scope, accountant, sensitivity=sensitivity,
                   noise_multiplier=float(noise_multiplier))

    def to_dict(self) -> dict:
        """The JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "LedgerEntry":
        """Read the JSON form (unknown keys are an error)."""
        try:
            return cls(**data)
        except TypeError as exc:
            raise InputError(f"not a ledger entry: {exc}") from None


class Ledger:
    """Entries plus a budget; composes totals with ``dp-accounting``."""

    def __init__(self, entries=(), budget_epsilon: float | None = None, budget_delta: float | None = None):
        self.entries: list[LedgerEntry] = list(entries)
        self.budget_epsilon = budget_epsilon
        self.budget_delta = budget_delta

    @property
    def delta(self) -> float:
        """The delta totals are reported at."""
        return self.budget_delta if self.budget_delta is not None else DEFAULT_DELTA

    def _epsilon(self, entries, accountant: str = "rdp") -> float:
        figure = accounting.epsilon_of([e.event() for e in entries], self.delta, accountant=accountant)
        if entries and all(e.pure for e in entries):  # every release pure: the PLD of their dominating pairs
            figure = min(figure, accounting.pure_epsilon([e.epsilon for e in entries], self.delta))
        return figure

    def total(self) -> tuple[float, float]:
        """Composed ``(epsilon, delta)`` of every entry (RDP accountant)."""
        return self._epsilon(self.entries), self.delta

    def cross_check(self) -> float | None:
        """The PLD accountant's epsilon for the same entries, or None when PLD cannot compose them."""
        events = [e.event() for e in self.entries]
        if not accounting.supports(events, "pld"):
            return None
        return accounting.epsilon_of(events, self.delta, accountant="pld")

    def remaining(self) -> float | None:
        """Budget epsilon not yet spent (None without a budget)."""
        return None if self.budget_epsilon is None else max(0.0, self.budget_epsilon - self.total()[0])

    def charge(self, entry: LedgerEntry) -> LedgerEntry:
        """Record ``entry`` (numbered, timestamped) or raise PrivacyBudgetExceeded without recording it."""
        if self.budget_epsilon is not None:
            after = self._epsilon([*self.entries, entry])
            if after > self.budget_epsilon * (1 + _TOL):
                raise PrivacyBudgetExceeded(
                    f"releasing {entry.released} would spend epsilon {after:.3f} in total at delta "
                    f"{self.delta:g}, over the budget of {self.budget_epsilon:g}"
                )
        entry = replace(entry, id=len(self.entries) + 1, at=entry.at or _now())
        self.entries.append(entry)
        return entry

    def set_budget(self, epsilon: float, delta: float | None = None) -> None:
        """Set the budget; one already exceeded by the recorded entries is refused."""
        if not epsilon > 0:
            raise InputError(f"budget epsilon must be positive, not {epsilon!r}")
        if delta is not None and not 0 < delta < 1:
            raise InputError(f"budget delta must be in (0, 1), not {delta!r}")
        old = (self.budget_epsilon, self.budget_delta)
        self.budget_epsilon, self.budget_delta = float(epsilon), (self.budget_delta if delta is None else float(delta))
        if self.entries and self.total()[0] > epsilon * (1 + _TOL):
            spent = self.total()[0]
            self.budget_epsilon, self.budget_delta = old
            raise PrivacyBudgetExceeded(f"the recorded releases already spent epsilon {spent:.3f}, over {epsilon:g}")

    def to_dict(self) -> dict:
        """``{"entries": [...], "total": {...}, "budget": {...}}`` (the ``privacy ledger --json`` shape)."""
        eps, delta = self.total()
        return {
            "entries": [e.to_dict() for e in self.entries],
            "total": {"epsilon": eps, "delta": delta, "accountant": "rdp", "pld_epsilon": self.cross_check()},
            "budget": {"epsilon": self.budget_epsilon, "delta": self.budget_delta},
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Ledger":
        """Read :meth:`to_dict`'s shape (totals are recomputed, never trusted)."""
        budget = data.get("budget") or {}
        return cls([LedgerEntry.from_dict(e) for e in data.get("entries", [])],
                   budget.get("epsilon"), budget.get("delta"))
