"""The Bayes-optimal trigger ceiling: exact meta likelihoods, the MAP choice, and ``edgerec eval edgewise-ceiling``."""

import itertools
import json
import math
import random
from collections import Counter

from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.datasets.edgewise_synth import SynthConfig, _routine_session, synthesize_user
from edgerec_bench.datasets.edgewise_world import make_routines, matches, sample_meta
from edgerec_bench.eval.edgewise_ceiling import (FIELDS, GroupSession, as_triggers, conditional_prior,
                                                 group_log_likelihood, group_sessions, map_choice, meta_distribution,
                                                 routine_step_probability, score_candidates, session_distribution,
                                                 trigger_ceiling, trigger_prior)

runner = CliRunner()


def _meta(**fields):
    base = {"time_of_day": "afternoon", "day_of_week": "weekday", "sun_phase": "daylight", "weather": "sunny",
            "outdoor_temp": "mild"}
    return {**base, **fields}


def _pair_marginals(dist):
    """The distribution of every pair of fields (the generator's dependencies are pairs)."""
    out = Counter()
    for key, p in dist.items():
        for i, j in itertools.combinations(range(len(FIELDS)), 2):
            out[(i, j, key[i], key[j])] += p
    return out


def test_afternoon_and_afternoon_daylight_are_indistinguishable():
    group = [GroupSession(_meta(weather=w, outdoor_temp=t)) for w, t in [("sunny", "hot"), ("rainy", "cold")] * 3]
    afternoon = as_triggers({"time_of_day": "afternoon"})
    both = as_triggers({"time_of_day": "afternoon", "sun_phase": "daylight"})
    assert group_log_likelihood(group, afternoon) == group_log_likelihood(group, both)
    # so the prior alone decides between them, whichever way it leans
    for lean in (0.3, 0.7):
        scores = score_candidates(group, {afternoon: lean, both: 1 - lean})
        assert map_choice(scores)[0] == (afternoon if lean > 0.5 else both)
    # a daylight trigger alone is not the same: daylight also comes in the morning and evening
    assert group_log_likelihood(group, as_triggers({"sun_phase": "daylight"})) < group_log_likelihood(group, afternoon)


def test_eight_weekday_sessions_give_weekday_a_ratio_of_seven_fifths_to_the_eighth():
    group = [GroupSession(_meta(time_of_day="evening", sun_phase="after_sunset"))] * 8
    with_day = group_log_likelihood(group, as_triggers({"time_of_day": "evening", "day_of_week": "weekday"}))
    without = group_log_likelihood(group, as_triggers({"time_of_day": "evening"}))
    assert math.isclose(math.exp(with_day - without), (7 / 5) ** 8, rel_tol=1e-9)
    assert math.isclose(math.exp(group_log_likelihood(group, as_triggers({"day_of_week": "weekday"}))
                                 - group_log_likelihood(group, frozenset())), (7 / 5) ** 8, rel_tol=1e-9)
    # a weekend session rules weekday out
    assert group_log_likelihood([*group, GroupSession(_meta(day_of_week="weekend"))],
                                as_triggers({"day_of_week": "weekday"})) == -math.inf


def test_meta_distribution_is_what_sample_meta_draws():
    rng = random.Random(5)
    for triggers in ({"sun_phase": "before_sunrise"}, {"outdoor_temp": "hot", "day_of_week": "weekend"}, {}):
        draws = Counter(tuple(meta[f] for f in FIELDS) for meta in (sample_meta(rng, triggers) for _ in range(20000)))
        observed = {k: c / 20000 for k, c in draws.items()}
        exact = meta_distribution(triggers)
        assert set(observed) <= set(exact)
        seen, expected = _pair_marginals(observed), _pair_marginals(exact)
        assert max(abs(seen[k] - expected[k]) for k in set(seen) | set(expected)) < 0.015, triggers
    # rejection, not Bayes: before sunrise is morning half the time (not 0.35 / (0.35 + 0.4))
    assert math.isclose(sum(p for k, p in meta_distribution({"sun_phase": "before_sunrise"}).items()
                            if k[0] == "morning"), 0.5)


def test_session_distribution_is_what_a_routine_session_draws():
    # routine 0 (morning) is always the one enacted; routine 1 (weekday) must be avoided, except when
    # the meta may be ambiguous or 50 draws in a row fail
    config = SynthConfig(p_two_routines=0.0, p_ambiguous_meta=0.2, p_partial=0.0, p_extra_request=0.0)
    routines = [{"triggers": {"time_of_day": "morning"}, "actions": {"tv": {"volume": 10}}},
                {"triggers": {"day_of_week": "weekday"}, "actions": {"ac": {"mode": "cool"}}}]
    rng = random.Random(7)
    metas = [_routine_session(rng, config, routines, [1.0, 0.0])[0] for _ in range(6000)]
    weekday = sum(m["day_of_week"] == "weekday" for m in metas) / len(metas)
    dist = session_distribution(routines[0]["triggers"], [routines[1]["triggers"]], p_ambiguous=0.2)
    expected = sum(p for k, p in dist.items() if k[1] == "weekday")
    assert math.isclose(expected, 0.2 * 5 / 7 + 0.8 * (5 / 7) ** 50, rel_tol=1e-9)
    assert abs(weekday - expected) < 0.02
    # against the morning+weekend hypothesis a weekend morning is less likely under "morning" alone, by exactly
    # the share of sessions that could have been weekday ones
    weekend = GroupSession(_meta(time_of_day="morning", day_of_week="weekend"), (),
                           (as_triggers(routines[1]["triggers"]),))
    ratio = math.exp(group_log_likelihood([weekend], as_triggers(routines[0]["triggers"]), p_ambiguous=0.2)
                     - group_log_likelihood([weekend], as_triggers({"time_of_day": "morning",
                                                                     "day_of_week": "weekend"}), p_ambiguous=0.2))
    assert math.isclose(ratio, 0.8 * (1 - (5 / 7) ** 50) + 0.2 * 2 / 7, rel_tol=1e-9)


def test_prior_covers_every_generated_routine_and_favours_the_overlap_copies():
    config = SynthConfig()
    prior = trigger_prior(config, 300)
    assert math.isclose(sum(prior.values()), 1.0)
    assert all(1 <= len(t) <= 3 and meta_distribution(t) for t in prior)
    assert as_triggers({"sun_phase": "daylight", "time_of_day": "evening"}) in prior
    assert as_triggers({"sun_phase": "daylight", "time_of_day": "night"}) not in prior  # incoherent
    # the same prior with more overlap copies makes two- and three-field sets more likely
    hard = trigger_prior(SynthConfig.for_difficulty("hard"), 300)
    assert sum(p for t, p in hard.items() if len(t) >= 2) > sum(p for t, p in prior.items() if len(t) >= 2)


def test_routine_steps_are_what_make_routines_draws():
    config = SynthConfig.for_difficulty("hard")
    drawn = [[as_triggers(r["triggers"]) for r in make_routines(random.Random(f"test-steps:{i}"), config)]
             for i in range(2000)]
    # the first routine: which fields it sets (31 classes), against the exact step probability
    seen = Counter(frozenset(f for f, _ in sets[0]) for sets in drawn)
    exact = Counter()
    for triggers in trigger_prior(config, 1):
        exact[frozenset(f for f, _ in triggers)] += routine_step_probability(triggers, [], config)
    assert math.isclose(sum(exact.values()), 1.0)
    assert max(abs(seen[k] / len(drawn) - exact[k]) for k in set(seen) | set(exact)) < 0.03
    # the second routine given the first: how often it is the first with one value changed
    def one_change(a, b):
        return {f for f, _ in a} == {f for f, _ in b} and len(a & b) == len(a) - 1
    copies = sum(one_change(sets[0], sets[1]) for sets in drawn) / len(drawn)
    firsts = Counter(sets[0] for sets in drawn)
    expected = sum(count / len(drawn) * sum(routine_step_probability(t, [first], config)
                                            for t in trigger_prior(config, 1) if one_change(first, t))
                   for first, count in firsts.items())
    assert expected > 0.3 and abs(copies - expected) < 0.035


def test_the_truth_is_always_a_candidate_of_positive_likelihood():
    # every session of an oracle group satisfies its routine's triggers, and both models give it a
    # positive probability (else a MAP error would be a modelling error, not a ceiling)
    for difficulty in ("easy", "normal", "hard"):
        config = SynthConfig.for_difficulty(difficulty)
        prior = trigger_prior(config, 20)
        for index in range(3):
            user, _ = synthesize_user(index, sessions=120, seed=86, config=config)
            metas = [s["meta"] for s in user.sessions]
            for r, routine in enumerate(user.routines):
                for know_others, p_ambiguous in ((False, 0.0), (True, config.p_ambiguous_meta)):
                    group = group_sessions(metas, user.applied, user.routines, r, know_others=know_others)
                    assert all(matches(s.meta, routine["triggers"]) for s in group)
                    if group:
                        scores = score_candidates(group, prior, p_ambiguous=p_ambiguous)
                        assert as_triggers(routine["triggers"]) in scores, (difficulty, index, r)
                        conditional = conditional_prior([t["triggers"] for t in user.routines], r, scores, config)
                        assert as_triggers(routine["triggers"]) in conditional
                        # no candidate left nests with another routine's set
                        assert not any(t <= as_triggers(o["triggers"]) or as_triggers(o["triggers"]) <= t
                                       for t in conditional for j, o in enumerate(user.routines) if j != r)


def test_ceiling_report_counts_each_routine_with_sessions_once():
    report = trigger_ceiling([15, 60], users=2, seed=87, samples=100)
    users = [synthesize_user(i, sessions=60, seed=87)[0] for i in range(2)]
    for row in report["sizes"]:
        n = row["sessions"]
        with_sessions = sum(any(r in a for a in u.applied[:n]) for u in users for r in range(len(u.routines)))
        assert row["routines"] == with_sessions
        assert row["routines"] + row["routines_without_sessions"] == sum(len(u.routines) for u in users)
        for variant in ("bayes_a", "bayes_b", "bayes_c"):
            v = row[variant]
            assert 0 <= v["indistinguishable"] <= v["errors"] <= row["routines"]
            assert math.isclose(v["exact"], round(1 - v["errors"] / row["routines"], 4))
            assert 0.0 < v["expected"] <= 1.0
        assert 0.0 <= row["miner"]["exact"] <= 1.0


def test_cli_ceiling_json_and_table():
    result = runner.invoke(app, ["eval", "edgewise-ceiling", "--sessions", "20,40", "--users", "1", "--seed", "88",
                                 "--prior-samples", "50", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [r["sessions"] for r in report["sizes"]] == [20, 40] and report["prior_samples"] == 50
    assert set(report["sizes"][0]) >= {"bayes_a", "bayes_b", "bayes_c", "miner", "routines"}
    table = runner.invoke(app, ["eval", "edgewise-ceiling", "--sessions", "20", "--users", "1", "--seed", "88",
                                "--prior-samples", "50", "--difficulty", "hard"])
    assert table.exit_code == 0, table.output
    assert "Bayes (c)" in table.stdout and "hard" in table.stdout


def test_cli_ceiling_bad_input_is_one_line():
    result = runner.invoke(app, ["eval", "edgewise-ceiling", "--sessions", "20,abc", "--users", "1"])
    assert result.exit_code == 2 and "--sessions" in result.stderr
    result = runner.invoke(app, ["eval", "edgewise-ceiling", "--sessions", "0", "--users", "1"])
    assert result.exit_code == 2 and "--sessions" in result.stderr
    result = runner.invoke(app, ["eval", "edgewise-ceiling", "--sessions", "20", "--users", "1",
                                 "--prior-samples", "5", "--difficulty", "extreme"])
    assert result.exit_code == 2 and "difficulty" in result.stderr and len(result.stderr.strip().splitlines()) == 1
