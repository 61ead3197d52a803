"""Canary encodings and the byte scanner: every encoding is found wherever it sits, nothing else is."""

import base64
import binascii

from hypothesis import given, settings, strategies as st

from edgerec.audit.canaries import Canary, encodings, new_canary, scan_bytes, scan_file, scan_text

CANARY = Canary("text", "cnry-text-0k3j8v2m1q9z")
junk = st.binary(max_size=40)


@given(junk, junk)
def test_plain_encodings_found_anywhere(before, after):
    value = CANARY.value
    for codec in ("utf-8", "utf-16-le", "utf-16-be"):
        hits = scan_bytes(before + value.encode(codec) + after, [CANARY])
        assert codec in {h.encoding for h in hits}
    for hexed, name in ((binascii.hexlify(value.encode()), "hex"), (binascii.hexlify(value.encode()).upper(), "HEX")):
        assert name in {h.encoding for h in scan_bytes(before + hexed + after, [CANARY])}


@settings(max_examples=60)
@given(junk, junk)
def test_base64_found_inside_a_longer_base64_text(before, after):
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        data = encode(before + CANARY.value.encode() + after)
        assert any("base64" in h.encoding for h in scan_bytes(data, [CANARY])), (before, after)


@given(st.binary(max_size=400))
def test_random_bytes_hold_no_canary(data):
    assert scan_bytes(data, [new_canary("user")]) == []


def test_key_holder_secrets_are_needles_and_encodings_are_long_enough():
    canary = Canary("item", "cnry-item-abcdefabcdef", "item", {"blind-tag:item": b"\x01\x02" * 16})
    hits = scan_bytes(b"xx" + b"\x01\x02" * 16 + b"yy", [canary], "events.db")
    assert [(h.location, h.encoding) for h in hits] == [("events.db", "blind-tag:item")]
    assert all(len(needle) >= 8 for needle in encodings(canary.value).values())


def test_scan_text_is_case_insensitive_and_scan_file_tolerates_a_missing_file(tmp_path):
    assert scan_text(CANARY.value.upper(), [CANARY], "doc")[0].canary == CANARY.name
    assert scan_file(tmp_path / "gone", [CANARY], "gone") == (0, [])
    (tmp_path / "f").write_bytes(CANARY.value.encode("utf-16-le"))
    size, hits = scan_file(tmp_path / "f", [CANARY], "f")
    assert size == 2 * len(CANARY.value) and hits
