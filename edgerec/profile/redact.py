"""Contact details out of dialogue text before any rule or model reads it for settings.

People mention phone numbers, emails and addresses while they talk to their
home. A settings reader must not take "20" from "+44 20 7946 0321" as an alarm
volume, nor "49" from "49 Birchwood Terrace" as a brightness: that would copy a
piece of someone's phone number or address into the routines and the profile.
:func:`mask_contact_details` replaces each such span with a word that holds no
number and names no device, before extraction.

>>> mask_contact_details("If the alarm goes off ring +44 20 7946 0321, then set the TV volume to 20.")
'If the alarm goes off ring (contact), then set the TV volume to 20.'
>>> mask_contact_details("We live at 49 Birchwood Terrace; mail ana.b@post.example. Lights 40%.")
'We live at (contact); mail (contact). Lights 40%.'
"""

from __future__ import annotations

import re

__all__ = ["mask_contact_details", "MASK"]

MASK = "(contact)"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# digit groups joined by spaces, dots, dashes or brackets, with an optional +country code
_PHONE = re.compile(r"(?<![\w.])\+?\(?\d{1,4}\)?(?:[\s.-]*\(?\d{2,5}\)?){1,5}(?![\w])")
_STREET_WORDS = (r"street|st|road|rd|lane|ln|avenue|ave|crescent|terrace|row|drive|dr|way|close|court|place|"
                 r"boulevard|blvd|square|gardens|hill|grove|mews|parade|walk|wharf")
_NOT_A_NAME = r"(?!(?:the|on|in|at|to|and|for|please|of|up|down|it|my)\b)"
_ADDRESS = re.compile(rf"\b\d{{1,5}}[a-z]?\s+(?:{_NOT_A_NAME}[a-z][\w'-]*\s+){{1,3}}(?:{_STREET_WORDS})\b\.?",
                      re.IGNORECASE)
_MIN_PHONE_DIGITS = 7


def _phone(match: re.Match) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return MASK if digits >= _MIN_PHONE_DIGITS else match.group(0)


def mask_contact_details(text: str) -> str:
    """``text`` with emails, web addresses, phone numbers (7+ digits) and street addresses masked.

    Settings said with numbers stay as they were:

    >>> mask_contact_details("AC to 22 degrees at 7:30, volume 20 25, brightness 40 on the main road")
    'AC to 22 degrees at 7:30, volume 20 25, brightness 40 on the main road'
    """
    text = _EMAIL.sub(MASK, text)
    text = _URL.sub(MASK, text)
    text = _ADDRESS.sub(MASK, text)
    return _PHONE.sub(_phone, text)
