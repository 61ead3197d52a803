import pytest
from hypothesis import given, strategies as st
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from edgerec.store import crypto


def test_seal_round_trip_and_fresh_nonces():
    key = crypto.new_key()
    a = crypto.seal(key, b"payload", b"aad")
    b = crypto.seal(key, b"payload", b"aad")
    assert a != b
    assert crypto.open_sealed(key, a, b"aad") == b"payload"


@pytest.mark.parametrize("mutate", ["key", "aad", "flip", "truncate"])
def test_open_rejects_any_change(mutate):
    key = crypto.new_key()
    blob = crypto.seal(key, b"secret", b"row 1")
    other_key, aad = key, b"row 1"
    if mutate == "key":
        other_key = crypto.new_key()
    elif mutate == "aad":
        aad = b"row 2"
    elif mutate == "flip":
        blob = blob[:-1] + bytes([blob[-1] ^ 1])
    else:
        blob = blob[:20]
    with pytest.raises(crypto.AuthenticationFailed):
        crypto.open_sealed(other_key, blob, aad)


def test_wrap_unwrap_requires_same_kek_and_aad():
    kek, dek = crypto.new_key(), crypto.new_key()
    wrapped = crypto.wrap_key(kek, dek, b"subject")
    assert crypto.unwrap_key(kek, wrapped, b"subject") == dek
    with pytest.raises(crypto.AuthenticationFailed):
        crypto.unwrap_key(crypto.new_key(), wrapped, b"subject")
    with pytest.raises(crypto.AuthenticationFailed):
        crypto.unwrap_key(kek, wrapped, b"other subject")


def test_scrypt_depends_on_passphrase_salt_and_params():
    p = crypto.ScryptParams(n=2**10)
    base = crypto.derive_kek_from_passphrase("pw", b"s" * 16, p)
    assert base == crypto.derive_kek_from_passphrase("pw", b"s" * 16, p)
    assert base != crypto.derive_kek_from_passphrase("pw2", b"s" * 16, p)
    assert base != crypto.derive_kek_from_passphrase("pw", b"t" * 16, p)
    assert base != crypto.derive_kek_from_passphrase("pw", b"s" * 16, crypto.ScryptParams(n=2**11))
    assert crypto.ScryptParams.from_dict(p.to_dict()) == p


def test_key_file_kek_needs_32_bytes():
    with pytest.raises(ValueError):
        crypto.derive_kek_from_key(b"short", b"s" * 16)


def test_make_aad_is_unambiguous():
    assert crypto.make_aad("ab", "c") != crypto.make_aad("a", "bc")
    assert crypto.make_aad(1, 2) != crypto.make_aad(2, 1)


def test_event_aad_binds_every_field():
    base = dict(prefix=b"p", row_id=1, ts=5, subject_tag=b"s" * 16, type_tag=b"t" * 16, item_tag=b"i" * 16)
    ref = crypto.event_aad(**base)
    for field, value in [("row_id", 2), ("ts", 6), ("subject_tag", b"S" * 16), ("type_tag", b"T" * 16),
                         ("item_tag", None), ("prefix", b"q")]:
        assert crypto.event_aad(**{**base, field: value}) != ref, field


def test_blind_index_is_keyed_and_domain_separated():
    k1, k2 = crypto.new_key(), crypto.new_key()
    assert crypto.blind_index(k1, "user", "a") == crypto.blind_index(k1, "user", "a")
    assert crypto.blind_index(k1, "user", "a") != crypto.blind_index(k2, "user", "a")
    assert crypto.blind_index(k1, "user", "a") != crypto.blind_index(k1, "item", "a")
    assert len(crypto.blind_index(k1, "user", "a")) == 16


@given(st.lists(st.tuples(st.binary(max_size=300), st.binary(max_size=40)), max_size=20))
def test_bulk_nonce_layout_round_trips(items):
    key = bytes(32)
    aead = AESGCM(key)
    nonces = crypto.random_nonces(len(items))
    assert len(set(nonces)) == len(nonces)
    sealed = [n + aead.encrypt(n, p, a) for n, (p, a) in zip(nonces, items)]
    assert [crypto.open_sealed(key, blob, aad) for blob, (_, aad) in zip(sealed, items)] == [p for p, _ in items]
