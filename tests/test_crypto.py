"""Field encryption: AES-GCM sealing under a keyring that rotates (strom/core/crypto.py, no Django)."""

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strom.core.crypto import KeyringError, TamperedCiphertext, new_keyring_line, parse_keyring


def key_line(key_id: str, material: bytes) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(material).decode()}"


# Plainly made-up key material, 32 bytes each.
OLD_KEY = b"test-key-old-for-strom-tests-32b"
NEW_KEY = b"test-key-new-for-strom-tests-32b"
OLD_LINE = key_line("old", OLD_KEY)
NEW_LINE = key_line("new", NEW_KEY)
KEYRING = parse_keyring(NEW_LINE)

SECRET = "Testa Fictionalperson, passport TEST-000000, phone +000 0000 0000"


def test_it_opens_what_it_sealed():
    sealed = KEYRING.seal(SECRET, context="cases.person.name")
    assert KEYRING.open(sealed, context="cases.person.name") == SECRET


def test_it_never_shows_the_plaintext_in_the_sealed_value():
    sealed = KEYRING.seal(SECRET)
    assert SECRET not in sealed
    for word in SECRET.replace(",", "").split():
        if len(word) >= 5:  # shorter runs can turn up in random base64 by chance
            assert word not in sealed
    assert base64.urlsafe_b64encode(SECRET.encode()).decode()[:16] not in sealed


def test_it_seals_the_same_value_differently_each_time():
    assert KEYRING.seal(SECRET) != KEYRING.seal(SECRET)


def test_it_names_the_key_it_sealed_with():
    assert KEYRING.seal(SECRET).startswith("new$")


def flip(text: str, index: int) -> str:
    replacement = "B" if text[index] == "A" else "A"
    return text[:index] + replacement + text[index + 1 :]


def flip_in_payload(where):
    def apply(sealed: str) -> str:
        key_id, _, payload = sealed.partition("$")
        return f"{key_id}${flip(payload, where(payload))}"

    return apply


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(flip_in_payload(lambda payload: len(payload) // 2), id="flipped in the middle"),
        pytest.param(flip_in_payload(lambda payload: 3), id="flipped in the nonce"),
        pytest.param(flip_in_payload(lambda payload: len(payload) - 6), id="flipped in the tag"),
        pytest.param(lambda sealed: sealed[:-8], id="truncated"),
        pytest.param(lambda sealed: sealed.partition("$")[0] + "$", id="payload removed"),
        pytest.param(lambda sealed: sealed.partition("$")[2], id="key id removed"),
        pytest.param(lambda sealed: sealed.replace("new$", "nex$"), id="unknown key id"),
        pytest.param(lambda sealed: sealed + "A", id="payload extended"),
        pytest.param(lambda sealed: "new$%%%%", id="not base64"),
    ],
)
def test_it_refuses_a_tampered_value(tamper):
    sealed = KEYRING.seal(SECRET)
    with pytest.raises(TamperedCiphertext):
        KEYRING.open(tamper(sealed))


def test_it_opens_values_sealed_under_an_old_key_after_rotation():
    sealed_before = parse_keyring(OLD_LINE).seal(SECRET, context="cases.person.name")
    rotated = parse_keyring(f"{NEW_LINE},{OLD_LINE}")

    assert rotated.open(sealed_before, context="cases.person.name") == SECRET
    assert rotated.needs_rotation(sealed_before)

    sealed_after = rotated.seal(SECRET, context="cases.person.name")
    assert sealed_after.startswith("new$")
    assert not rotated.needs_rotation(sealed_after)
    assert rotated.open(sealed_after, context="cases.person.name") == SECRET


def test_it_refuses_a_value_sealed_under_a_removed_key():
    sealed_before = parse_keyring(OLD_LINE).seal(SECRET)
    with pytest.raises(TamperedCiphertext):
        parse_keyring(NEW_LINE).open(sealed_before)


def test_it_refuses_a_value_when_the_key_under_its_id_has_changed():
    sealed = parse_keyring(key_line("k1", OLD_KEY)).seal(SECRET)
    with pytest.raises(TamperedCiphertext):
        parse_keyring(key_line("k1", NEW_KEY)).open(sealed)


@pytest.mark.parametrize(
    ("sealed_with", "opened_with"),
    [
        ("cases.person.name", "cases.person.phone"),
        ("cases.person.name", ""),
        ("", "cases.person.name"),
        ("cases.person.name:row-1", "cases.person.name:row-2"),
    ],
)
def test_it_refuses_a_value_opened_in_another_context(sealed_with, opened_with):
    sealed = KEYRING.seal(SECRET, context=sealed_with)
    with pytest.raises(TamperedCiphertext):
        KEYRING.open(sealed, context=opened_with)


def test_it_reads_a_keyring_line_in_order_with_the_first_key_current():
    keyring = parse_keyring(f" {NEW_LINE} , {OLD_LINE} ")
    assert keyring.current_id == "new"
    assert keyring.keys == {"new": NEW_KEY, "old": OLD_KEY}


def test_it_makes_new_keyring_lines_that_it_can_read():
    first, second = new_keyring_line("k2"), new_keyring_line("k2")
    assert first != second
    keyring = parse_keyring(first)
    assert keyring.current_id == "k2"
    assert len(keyring.keys["k2"]) == 32


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        pytest.param(None, "no field-encryption keys", id="missing"),
        pytest.param("", "no field-encryption keys", id="empty"),
        pytest.param("   ", "no field-encryption keys", id="blank"),
        pytest.param(NEW_LINE.replace(":", ""), "key_id:base64key", id="no colon"),
        pytest.param(NEW_LINE.replace("new:", ":"), "key_id:base64key", id="empty key id"),
        pytest.param(NEW_LINE.replace("new:", "new key:"), "key_id:base64key", id="space in key id"),
        pytest.param(NEW_LINE.replace("new:", "n/w:"), "key_id:base64key", id="slash in key id"),
        pytest.param(NEW_LINE.replace("new:", "k" * 33 + ":"), "key_id:base64key", id="key id too long"),
        pytest.param(f"{NEW_LINE},", "key_id:base64key", id="trailing comma"),
        pytest.param("k1:this-is-not-base64!", "not valid base64", id="not base64"),
        pytest.param(NEW_LINE[:12] + "*" + NEW_LINE[12:], "not valid base64", id="stray character"),
        pytest.param(key_line("k1", b"t" * 16), "32 bytes", id="16 bytes"),
        pytest.param(key_line("k1", b"t" * 31), "32 bytes", id="31 bytes"),
        pytest.param(key_line("k1", b"t" * 33), "32 bytes", id="33 bytes"),
        pytest.param("k1:", "32 bytes", id="no key material"),
        pytest.param(f"{NEW_LINE},{key_line('new', OLD_KEY)}", "appears twice", id="duplicate id"),
    ],
)
def test_it_refuses_a_malformed_keyring(line, complaint):
    with pytest.raises(KeyringError, match=complaint):
        parse_keyring(line)


@given(plaintext=st.text(), context=st.text())
def test_it_round_trips_any_text(plaintext, context):
    sealed = KEYRING.seal(plaintext, context=context)
    assert KEYRING.open(sealed, context=context) == plaintext


@given(plaintext=st.text(min_size=1))
def test_it_refuses_any_value_opened_under_another_key(plaintext):
    sealed = parse_keyring(key_line("new", OLD_KEY)).seal(plaintext)
    with pytest.raises(TamperedCiphertext):
        KEYRING.open(sealed)
