"""Numbers in English words, for every dialogue generator (the SDK reads them back with
:mod:`edgerec.profile.number_words`).

Each generator keeps its own random choices (digits or words, "a hundred" or
"one hundred", "forty-five" or "forty five") and passes them here as flags, so
one function writes every spelled number in the generated data.

>>> number_words(45), number_words(45, hyphen=False), number_words(100), number_words(100, a_hundred=True)
('forty-five', 'forty five', 'one hundred', 'a hundred')
>>> number_words(0), number_words(-4), number_words(210), number_words(1500)
('zero', 'minus four', 'two hundred and ten', '1500')
"""

from __future__ import annotations

__all__ = ["number_words"]

_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(n: int, *, hyphen: bool = True, a_hundred: bool = False) -> str:
    """``n`` in words: "minus" before negatives, "and" after the hundreds, digits from 1000 on.

    ``hyphen`` joins tens and ones with "-" (else a space); ``a_hundred`` says
    "a hundred" instead of "one hundred" for 100 to 199.

    >>> number_words(121, hyphen=False, a_hundred=True)
    'a hundred and twenty one'
    """
    if n < 0:
        return "minus " + number_words(-n, hyphen=hyphen, a_hundred=a_hundred)
    if n < 20:
        return _SMALL[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        if not ones:
            return _TENS[tens]
        return f"{_TENS[tens]}{'-' if hyphen else ' '}{_SMALL[ones]}"
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "a hundred" if hundreds == 1 and a_hundred else f"{_SMALL[hundreds]} hundred"
        return head if not rest else f"{head} and {number_words(rest, hyphen=hyphen)}"
    return str(n)  # nobody spells out 1234 when talking to a device
