"""Relative changes in a clause ("two degrees warmer", "up by 5", "halve the volume") and their arithmetic.

A relative change says how a setting moves, not where it ends. Its result
depends on the setting's last known value, which only the dialogue reader
knows; here are the pure parts: finding the change in a (normalized) clause,
and applying it to a known value within the setting's range.

>>> change = find_relative("make it two degrees warmer")
>>> change.sign, change.amount, change.factor
(1, 2, None)
>>> apply_relative(change, 20, 16, 30)
22
>>> apply_relative(find_relative("halve the volume"), 45, 0, 100)
22
>>> find_relative("a bit louder").amount is None
True
>>> find_relative("set the tv to 20") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edgerec.profile.number_words import find_numbers

__all__ = ["Relative", "find_relative", "apply_relative"]

_COMPARE_UP = r"warmer|hotter|louder|brighter|higher"
_COMPARE_DOWN = r"cooler|colder|quieter|softer|dimmer|darker|lower"
_UP = rf"{_COMPARE_UP}|up|raise|increase|boost|bump|crank"
_DOWN = rf"{_COMPARE_DOWN}|down|drop|decrease|reduce"
_STEP = r"(?:degrees?|points?|notch(?:es)?|steps?|clicks?|levels?|units?)"
_NUMBER = (r"\d+|(?:(?:twenty|thirty|forty|fifty)[- ])?(?:one|two|three|four|five|six|seven|eight|nine)|ten|"
           r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|a couple(?: of)?|a few")
# "two degrees warmer", "5 louder", "10 % brighter", "3 notches down"
_AMOUNT_FIRST = re.compile(
    rf"\b(?P<n>{_NUMBER})(?:\s+more)?(?:\s+(?:{_STEP}|%|percent))?\s+(?P<dir>{_COMPARE_UP}|{_COMPARE_DOWN})\b|"
    rf"\b(?P<n2>{_NUMBER})\s+{_STEP}\s+(?P<dir2>up|down)\b")
# "up 2 degrees", "warmer by", "down three notches" (a step word is needed: "turn it down 15" is where it ends)
_DIRECTION_FIRST = re.compile(
    rf"\b(?P<dir>up|down|{_COMPARE_UP}|{_COMPARE_DOWN})\s+(?:another\s+|an extra\s+)?(?P<n>{_NUMBER})"
    rf"(?:\s+more)?\s+{_STEP}\b")
# "raise it by 2", "brighter by ten", "turn it down by 5 %" (not "by 9 pm")
_BY = re.compile(rf"\b(?P<dir>{_UP}|{_DOWN})\b(?:\s+\S+){{0,4}}?\s+by\s+(?:another\s+|an extra\s+)?"
                 rf"(?P<n>{_NUMBER})\b(?!\s*(?:pm|am|p\.m|a\.m|o'?clock|:|tonight|tomorrow))")
_FACTOR = re.compile(r"\b(?:(?P<half>halve|half as (?:loud|bright|warm))|"
                     r"(?P<double>double|twice as (?:loud|bright)))\b")
# a direction with no amount: "a bit warmer", "louder please"
_VAGUE = re.compile(rf"\b(?P<dir>{_COMPARE_UP}|{_COMPARE_DOWN})\b")
_COUNT_WORDS = {"a couple": 2, "a couple of": 2, "a few": 3}


@dataclass(frozen=True)
class Relative:
    """A change of a setting: ``sign`` (+1/-1) times ``amount`` (None: not said), or a ``factor``.

    ``start``/``end`` is the span of the change in its clause.
    """

    sign: int
    amount: int | None
    factor: float | None
    start: int
    end: int


def _sign(direction: str) -> int:
    return -1 if re.fullmatch(_DOWN, direction) else 1


def _amount(text: str) -> int | None:
    if text in _COUNT_WORDS:
        return _COUNT_WORDS[text]
    found = find_numbers(text)
    return found[0].value if len(found) == 1 else None


def find_relative(clause: str) -> Relative | None:
    """The relative change a (normalized) clause asks for, or None when it asks for none."""
    match = _FACTOR.search(clause)
    if match:
        return Relative(1, None, 0.5 if match.group("half") else 2.0, match.start(), match.end())
    for pattern in (_AMOUNT_FIRST, _DIRECTION_FIRST, _BY):
        match = pattern.search(clause)
        if match:
            said = match.groupdict()
            amount = _amount(said["n"] or said.get("n2"))
            if amount is not None:
                direction = said["dir"] or said.get("dir2")
                return Relative(_sign(direction), amount, None, match.start(), match.end())
    match = _VAGUE.search(clause)
    if match:
        return Relative(_sign(match.group("dir")), None, None, match.start("dir"), match.end())
    return None


def apply_relative(change: Relative, current: int, low: int, high: int) -> int | None:
    """``current`` moved by ``change`` and kept within ``[low, high]``; None when the amount is not known.

    >>> apply_relative(Relative(1, 3, None, 0, 0), 29, 16, 30)
    30
    >>> apply_relative(Relative(-1, None, None, 0, 0), 29, 16, 30) is None
    True
    """
    if change.factor is not None:
        moved = int(current * change.factor)
    elif change.amount is not None:
        moved = current + change.sign * change.amount
    else:
        return None
    return max(low, min(high, moved))
