"""Numbers written as digits or as English words, found in free text.

>>> parse_number_words("twenty two")
22
>>> [(n.value, n.text) for n in find_numbers("set it to twenty-five, no 30")]
[(25, 'twenty-five'), (30, '30')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["NumberMention", "find_numbers", "parse_number_words"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_WORD = "|".join(sorted([*_UNITS, *_TENS, "hundred"], key=len, reverse=True))
# A run of number words, joined by spaces, hyphens or "and" ("one hundred and five").
_NUMBER_RE = re.compile(
    rf"\b(?:\d+(?:\.\d+)?|(?:a\s+)?(?:{_WORD})(?:(?:\s+|-)(?:and\s+)?(?:{_WORD}))*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberMention:
    """A number found in text: its integer value and character span."""

    value: int
    start: int
    end: int
    text: str


def parse_number_words(text: str) -> int | None:
    """The integer written by ``text`` ("twenty two", "a hundred", "7"), or None.

    >>> parse_number_words("one hundred and five")
    105
    >>> parse_number_words("hello") is None
    True
    """
    text = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return int(round(float(text)))
    words = [w for w in re.split(r"[\s-]+", text) if w and w != "and"]
    if words and words[0] == "a":
        words = words[1:] if len(words) > 1 and words[1] == "hundred" else []
        words = ["one", *words] if words else []
    if not words:
        return None
    value = 0
    for word in words:
        if word in _UNITS:
            if value % 10 or 10 <= value % 100 < 20:  # "two three", "fifteen two"
                return None
            value += _UNITS[word]
        elif word in _TENS:
            if value % 100:  # "five twenty"
                return None
            value += _TENS[word]
        elif word == "hundred" and value < 10:
            value = (value or 1) * 100
        else:
            return None
    return value


def find_numbers(text: str) -> list[NumberMention]:
    """Every number in ``text``, left to right, with its span.

    Runs of number words that do not form one number ("two three") are split
    into single words.

    >>> [n.value for n in find_numbers("volume 20 then fifteen")]
    [20, 15]
    """
    found: list[NumberMention] = []
    for match in _NUMBER_RE.finditer(text):
        value = parse_number_words(match.group(0))
        if value is not None:
            found.append(NumberMention(value, match.start(), match.end(), match.group(0)))
            continue
        for word in re.finditer(rf"\b(?:{_WORD})\b", match.group(0), re.IGNORECASE):
            single = parse_number_words(word.group(0))
            if single is not None:
                start = match.start() + word.start()
                found.append(NumberMention(single, start, start + len(word.group(0)), word.group(0)))
    return found
