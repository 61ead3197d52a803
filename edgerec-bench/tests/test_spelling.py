"""The one number speller the generators share, read back by the SDK's parser."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from edgerec.profile.number_words import parse_number_words
from edgerec_bench.datasets.spelling import number_words


def test_known_spellings():
    assert [number_words(n) for n in (0, 13, 20, 45, 100, 101, 999)] == [
        "zero", "thirteen", "twenty", "forty-five", "one hundred", "one hundred and one",
        "nine hundred and ninety-nine"]
    assert number_words(45, hyphen=False) == "forty five" and number_words(40, hyphen=False) == "forty"
    assert number_words(100, a_hundred=True) == "a hundred"
    assert number_words(250, a_hundred=True) == "two hundred and fifty"  # "a" only for one hundred


@given(st.integers(0, 999), st.booleans(), st.booleans())
def test_every_spelling_reads_back(n, hyphen, a_hundred):
    words = number_words(n, hyphen=hyphen, a_hundred=a_hundred)
    assert parse_number_words(words) == n
    assert ("-" in words) == (hyphen and 21 <= n % 100 and n % 10 != 0)
    assert number_words(-n - 1, hyphen=hyphen, a_hundred=a_hundred) == "minus " + number_words(
        n + 1, hyphen=hyphen, a_hundred=a_hundred)


@given(st.integers(1000, 10**9))
def test_large_numbers_stay_digits(n):
    assert number_words(n) == str(n)
