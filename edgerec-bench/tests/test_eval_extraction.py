"""Extraction scores on hand-made sessions with a known answer."""

import pytest

from edgerec_bench.datasets.edgewise import EdgewiseUser
from edgerec_bench.datasets.edgewise_synth import SessionTrace
from edgerec.errors import InputError
from edgerec_bench.eval.extraction import extraction_by_phenomenon, extraction_scores


def _user(n):
    return EdgewiseUser(sessions=[{"meta": {}, "messages": [{"role": "user", "text": str(k)}]} for k in range(n)])


def test_scores_count_items_over_all_sessions():
    answers = {"0": {"tv": {"volume": 20}}, "1": {"ac": {"mode": "cool", "temperature": 22}}, "2": {}}

    def fake(messages):
        return answers[messages[0]["text"]]

    traces = [SessionTrace(routines=[], actions={"tv": {"volume": 20}}, phenomena=frozenset({"a"})),
              SessionTrace(routines=[], actions={"ac": {"mode": "heat", "temperature": 22}}, phenomena=frozenset({"a", "b"})),
              SessionTrace(routines=[], actions={"lights": {"brightness": 5}}, phenomena=frozenset({"b"}))]
    scores = extraction_scores([_user(3)], [traces], extractor=fake)
    # 3 predicted items, 2 right; 4 true items; only the first session exact
    assert scores == pytest.approx({"session_exact": 1 / 3, "precision": 2 / 3, "recall": 2 / 4})
    by = extraction_by_phenomenon([_user(3)], [traces], extractor=fake)
    assert by["a"]["n"] == 2 and by["a"]["session_exact"] == pytest.approx(0.5)
    assert by["b"]["recall"] == pytest.approx(1 / 3)


def test_empty_sessions_are_exact():
    assert extraction_scores([_user(1)], [[SessionTrace(routines=[], actions={})]], extractor=lambda m: {}) == {
        "session_exact": 1.0, "precision": 1.0, "recall": 1.0}


def test_mismatched_lengths_are_an_input_error():
    with pytest.raises(InputError):
        extraction_scores([_user(2)], [[SessionTrace(routines=[], actions={})]], extractor=lambda m: {})
    with pytest.raises(InputError):
        extraction_scores([_user(1)], [], extractor=lambda m: {})
