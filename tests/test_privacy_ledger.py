"""The privacy ledger: totals from dp-accounting, budget refused before release, totals never decrease."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edgerec.errors import PrivacyBudgetExceeded
from edgerec.privacy import accounting
from edgerec.privacy.ledger import Ledger, LedgerEntry


def _entry(z: float, released: str = "counts") -> LedgerEntry:
    return LedgerEntry.gaussian(noise_multiplier=z, delta=1e-5, sensitivity=1.0, released=released, scope="catalog")


def test_single_gaussian_entry_matches_accountant():
    ledger = Ledger([], budget_epsilon=10.0, budget_delta=1e-5)
    ledger.charge(_entry(2.0))
    assert ledger.total()[0] == pytest.approx(accounting.epsilon_of([accounting.gaussian_event(2.0)], 1e-5))
    # PLD is tighter than RDP for a Gaussian, never looser
    assert ledger.cross_check() <= ledger.total()[0]


def test_charge_over_budget_raises_and_records_nothing():
    ledger = Ledger([], budget_epsilon=1.0, budget_delta=1e-5)
    ledger.charge(_entry(8.0))
    before = ledger.to_dict()
    with pytest.raises(PrivacyBudgetExceeded, match="over the budget"):
        ledger.charge(_entry(1.0, "too much"))
    assert ledger.to_dict() == before and len(ledger.entries) == 1


def test_calibrated_noise_meets_target():
    z = accounting.calibrate_gaussian(1.0, 1e-3)
    assert accounting.epsilon_of([accounting.gaussian_event(z)], 1e-3) <= 1.0 + 1e-9
    assert accounting.epsilon_of([accounting.gaussian_event(z * 0.95)], 1e-3) > 1.0


def test_json_round_trip_recomputes_totals():
    ledger = Ledger([], budget_epsilon=5.0, budget_delta=1e-4)
    ledger.charge(_entry(3.0, "popularity"))
    ledger.charge(LedgerEntry("olh", 0.5, 0.0, "one local report", "store", accountant="rdp"))
    again = Ledger.from_dict(ledger.to_dict())
    assert again.to_dict() == ledger.to_dict()
    assert again.cross_check() is None  # PLD cannot compose the zCDP event of a pure-DP report


def test_pure_releases_compose_no_worse_than_adding_their_epsilons():
    ledger = Ledger(budget_delta=1e-6)
    for _ in range(2):
        ledger.charge(LedgerEntry("rr_bitvec", 1.0, 0.0, "a local report", "store"))
    # the zCDP route would say about 5.2 here; the dominating pair gives plain composition or better
    assert ledger.total()[0] == pytest.approx(2.0, abs=1e-3)
    ledger.charge(_entry(4.0))  # a Gaussian joins: back to the RDP composition of everything, never lower
    assert ledger.total()[0] > 2.0


def test_budget_below_spent_is_refused():
    ledger = Ledger()
    ledger.charge(_entry(1.0))
    with pytest.raises(PrivacyBudgetExceeded):
        ledger.set_budget(0.1)
    assert ledger.budget_epsilon is None


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(
    st.floats(0.5, 20.0).map(lambda z: ("gaussian", z)),
    st.floats(0.01, 2.0).map(lambda e: ("pure", e)),
), min_size=1, max_size=6))
def test_total_never_decreases_and_never_below_accountant(releases):
    ledger = Ledger(budget_delta=1e-5)
    events, last = [], 0.0
    for kind, value in releases:
        if kind == "gaussian":
            ledger.charge(_entry(value))
            events.append(accounting.gaussian_event(value))
        else:
            ledger.charge(LedgerEntry("oue", value, 0.0, "a local report", "store"))
            events.append(accounting.pure_event(value))
        total = ledger.total()[0]
        assert total >= last
        pure = [v for k, v in releases[:len(events)] if k == "pure"]
        if len(pure) == len(events):  # all pure: the PLD of their dominating pairs, never above plain composition
            assert accounting.pure_epsilon(pure, 1e-5) - 1e-9 <= total <= sum(pure) * 1.001 + 1e-3  # PLD discretization
        else:
            assert total >= accounting.epsilon_of(events, 1e-5) - 1e-12
        last = total


def test_privacy_modules_import_their_libraries_lazily(tmp_path):
    import json
    import os
    import subprocess
    import sys

    from helpers import source_pythonpath

    script = ("import json, sys\nimport edgerec.privacy.catalog, edgerec.privacy.store_ledger, edgerec.cli.privacy, "
              "edgerec.cli.catalog\nprint(json.dumps([m for m in ('dp_accounting', 'opendp', 'torch', 'opacus', "
              "'sklearn') if m in sys.modules]))")
    env = {**os.environ, "PYTHONPATH": source_pythonpath(), "EDGEREC_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
