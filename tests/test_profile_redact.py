"""Contact details are masked before extraction; settings said with numbers are not."""

import pytest
from hypothesis import given, strategies as st

from edgerec.audit.household import ROUTINE_REQUESTS
from edgerec.profile.extract import extract_actions
from edgerec.profile.redact import MASK, mask_contact_details
from home_sessions import DIALOGUES

digits = st.text(alphabet="0123456789", min_size=3, max_size=4)


@given(st.sampled_from(["+44 ", "+1 ", ""]), st.tuples(digits, digits, digits), st.sampled_from([" ", "-", "."]))
def test_phone_numbers_are_masked_whole(prefix, groups, sep):
    number = prefix + sep.join(groups)
    masked = mask_contact_details(f"ring {number} if the alarm goes off")
    assert masked == f"ring {MASK} if the alarm goes off"


@pytest.mark.parametrize("text", [t for _, phrasings in ROUTINE_REQUESTS.values() for t in phrasings]
                         + [t for group in DIALOGUES.values() for d in group for t in d]
                         + ["Set the AC to 22 at 7:30 and the TV volume to 20 25", "brightness 40 on the main road"])
def test_requests_without_contact_details_are_unchanged(text):
    assert mask_contact_details(text) == text


# Each of these put a piece of the phone number into the alarm volume before masking (seen in the PII audit).
@pytest.mark.parametrize("text, kept", [
    ("Security armed, thanks. My number is +44 20 7946 0597 if anything goes wrong.",
     {"security": {"armed": True}}),
    ("if the alarm goes off ring +44 20 7946 0597, that's my neighbour. AC heat 23 please.",
     {"ac": {"mode": "heat", "temperature": 23}, "security": {"armed": False}}),
])
def test_no_piece_of_a_phone_number_becomes_a_setting(text, kept):
    assert extract_actions([{"role": "user", "text": text}]) == kept


def test_emails_and_web_addresses_are_masked():
    text = "mail ana.b+home@post.example or see www.example.org/ana, volume 20"
    assert mask_contact_details(text) == f"mail {MASK} or see {MASK} volume 20"
