"""Privacy accounting with Google's ``dp-accounting`` (the only module that imports it).

Nothing here composes privacy loss by hand: every figure comes from the
library's accountants. Mechanisms are described as ``dp_accounting`` DpEvents:

- ``gaussian`` (OpenDP's discrete or continuous Gaussian, noise multiplier
  ``sigma / l2_sensitivity``) -> ``GaussianDpEvent``;
- ``laplace`` (``scale / l1_sensitivity``) -> ``LaplaceDpEvent``;
- ``dpsgd`` -> ``steps`` self-compositions of a Poisson-sampled Gaussian;
- any other mechanism known only by its ``epsilon`` (pure DP, e.g. local
  reports) -> ``ZCDpEvent(epsilon**2 / 2)`` (pure epsilon-DP implies that zCDP).
  When every release is pure, :func:`pure_epsilon` composes them with the PLD
  accountant instead, each as binary randomized response at its epsilon, which
  dominates every epsilon-DP mechanism (Kairouz, Oh and Viswanath 2015); that
  is much tighter than the zCDP route (two epsilon = 1 releases: 2.0 rather
  than about 5 at delta 1e-6).

The default accountant is RDP: its bound holds for the discrete Gaussian too
(that mechanism satisfies the same zCDP as the continuous one, Canonne, Kamath
and Steinke 2020), while the PLD of the continuous Gaussian is exact only for
the continuous mechanism. PLD figures are reported beside it as a cross-check.

>>> round(epsilon_of([gaussian_event(2.0)], 1e-3, accountant="rdp"), 3)
1.546
"""

from __future__ import annotations

from collections.abc import Sequence

from edgerec.errors import InputError, MissingExtraError

__all__ = [
    "ACCOUNTANTS",
    "calibrate_gaussian",
    "dpsgd_event",
    "epsilon_of",
    "gaussian_event",
    "laplace_event",
    "pure_epsilon",
    "pure_event",
    "supports",
]

#: Accountants this module can run.
ACCOUNTANTS = ("rdp", "pld")


def _dpa():
    try:
        import dp_accounting
        from dp_accounting import mechanism_calibration, pld, rdp  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingExtraError("dp-accounting", "privacy") from exc
    return dp_accounting


def gaussian_event(noise_multiplier: float):
    """A Gaussian mechanism with noise ``noise_multiplier`` times its L2 sensitivity."""
    if not noise_multiplier > 0:
        raise InputError(f"noise multiplier must be positive, not {noise_multiplier!r}")
    return _dpa().GaussianDpEvent(float(noise_multiplier))


def laplace_event(noise_multiplier: float):
    """A Laplace mechanism with scale ``noise_multiplier`` times its L1 sensitivity."""
    if not noise_multiplier > 0:
        raise InputError(f"noise multiplier must be positive, not {noise_multiplier!r}")
    return _dpa().LaplaceDpEvent(float(noise_multiplier))


def dpsgd_event(noise_multiplier: float, sample_rate: float, steps: int):
    """``steps`` rounds of DP-SGD: Poisson sampling at ``sample_rate`` of a Gaussian with that multiplier."""
    dpa = _dpa()
    return dpa.SelfComposedDpEvent(dpa.PoissonSampledDpEvent(float(sample_rate), gaussian_event(noise_multiplier)),
                                   int(steps))


def pure_event(epsilon: float):
    """A mechanism known only to be ``epsilon``-DP, as the zCDP it implies (``rho = epsilon**2 / 2``)."""
    if not epsilon >= 0:
        raise InputError(f"epsilon must be >= 0, not {epsilon!r}")
    return _dpa().ZCDpEvent(float(epsilon) ** 2 / 2)


def pure_epsilon(epsilons: Sequence[float], delta: float) -> float:
    """Epsilon at ``delta`` of pure-DP releases at ``epsilons``, composed by the PLD accountant.

    Each release is represented by its dominating pair, binary randomized response at
    that epsilon, under replace-one neighbouring (the relation of a pure-DP report).

    >>> round(pure_epsilon([1.0, 1.0], 1e-6), 3)
    2.0
    """
    if not epsilons:
        return 0.0
    if not 0 < delta < 1:
        raise InputError(f"delta must be in (0, 1), not {delta!r}")
    import math

    dpa = _dpa()
    acc = dpa.pld.PLDAccountant(neighboring_relation=dpa.NeighboringRelation.REPLACE_ONE)
    for epsilon in epsilons:
        if not epsilon >= 0:
            raise InputError(f"epsilon must be >= 0, not {epsilon!r}")
        if epsilon > 0:
            acc.compose(dpa.RandomizedResponseDpEvent(2.0 / (1.0 + math.exp(epsilon)), 2))
    return float(acc.get_epsilon(delta))


def _accountant(name: str):
    dpa = _dpa()
    if name == "rdp":
        return dpa.rdp.RdpAccountant()
    if name == "pld":
        return dpa.pld.PLDAccountant()
    raise InputError(f"unknown accountant {name!r}; choose one of {', '.join(ACCOUNTANTS)}")


def supports(events: Sequence, accountant: str = "rdp") -> bool:
    """Whether ``accountant`` can compose every event (PLD has no zCDP events)."""
    acc = _accountant(accountant)
    return all(acc.supports(e) for e in events)


def epsilon_of(events: Sequence, delta: float, *, accountant: str = "rdp") -> float:
    """Epsilon at ``delta`` of all ``events`` composed by ``accountant`` (0 for no events).

    >>> epsilon_of([], 1e-5)
    0.0
    """
    if not events:
        return 0.0
    if not 0 < delta < 1:
        raise InputError(f"delta must be in (0, 1), not {delta!r}")
    acc = _accountant(accountant)
    for event in events:
        if not acc.supports(event):
            raise InputError(f"the {accountant} accountant cannot compose {type(event).__name__}")
        acc.compose(event)
    return float(acc.get_epsilon(delta))


def calibrate_gaussian(epsilon: float, delta: float, *, accountant: str = "rdp") -> float:
    """Smallest Gaussian noise multiplier whose release is (``epsilon``, ``delta``)-DP under ``accountant``.

    >>> round(calibrate_gaussian(1.0, 1e-3), 2)
    2.9
    """
    if not epsilon > 0:
        raise InputError(f"epsilon must be positive, not {epsilon!r}")
    if not 0 < delta < 1:
        raise InputError(f"delta must be in (0, 1), not {delta!r}")
    mc = _dpa().mechanism_calibration
    z = mc.calibrate_dp_mechanism(
        lambda: _accountant(accountant), gaussian_event, float(epsilon), float(delta),
        mc.LowerEndpointAndGuess(1e-3, 1.0),
    )
    return float(z)
