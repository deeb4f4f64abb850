"""Encryption at rest (cx.privacy.FieldCipher and key providers), mirroring the Rust tests.

The reference implementation is libsodium (through PyNaCl): values sealed by cx are opened
with `crypto_aead_xchacha20poly1305_ietf_decrypt` and the other way round.
"""

from __future__ import annotations

import base64
import json
import pickle
import stat
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cx
from cx.exceptions import (
    CxError,
    CxIOError,
    DecryptionError,
    InvalidKeyError,
    UnknownKeyError,
)
from cx.privacy import FieldCipher, env_keys, file_keys, generate_key, static_keys

HEX1 = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
HEX2 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
PHONE = "13800138000"
CHINESE = "张三，北京市朝阳区建国路88号，投诉：快递丢件，请回电 13800138000"
VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "privacy" / "sealed.json"


def _cipher(current: str = "k1", **keys: str) -> FieldCipher:
    return FieldCipher(static_keys(current, keys or {"k1": HEX1}))


def _secrets(hex_key: str) -> list[str]:
    raw = bytes.fromhex(hex_key)
    return [
        hex_key,
        hex_key.upper(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    ]


def _assert_no_key_material(text: str, *hex_keys: str) -> None:
    for hex_key in hex_keys or (HEX1, HEX2):
        for secret in _secrets(hex_key):
            for i in range(len(secret) - 11):
                assert secret[i : i + 12] not in text, f"{text!r} contains key material"
    assert "张三" not in text, f"{text!r} contains plaintext"
    assert PHONE not in text, f"{text!r} contains plaintext"


def _error_texts(e: BaseException) -> list[str]:
    return [str(e), repr(e), *map(str, e.args)]


@pytest.mark.parametrize("text", [PHONE, CHINESE, "", "😀 客服很好 👍", "a:b:c\n\x00"])
@pytest.mark.parametrize("aad", ["", "customers/42/phone", "反馈/7"])
def test_round_trip(text: str, aad: str) -> None:
    c = _cipher()
    sealed = c.seal(text, aad=aad)
    assert sealed.isascii()
    assert sealed.startswith("cx1:k1:")
    assert FieldCipher.is_sealed(sealed)
    assert FieldCipher.key_id_of(sealed) == "k1"
    assert c.open(sealed, aad=aad) == text


def test_sealing_twice_differs() -> None:
    c = _cipher()
    assert c.seal(PHONE) != c.seal(PHONE)


def test_keys_as_hex_base64_and_bytes_are_the_same_key() -> None:
    raw = bytes.fromhex(HEX1)
    sealed = _cipher().seal(PHONE)
    for key in [HEX1.upper(), base64.b64encode(raw).decode()]:
        assert _cipher(k1=key).open(sealed) == PHONE
    assert FieldCipher(static_keys("k1", {"k1": raw})).open(sealed) == PHONE


def test_every_character_change_fails() -> None:
    c = _cipher()
    sealed = c.seal(CHINESE, aad="aad")
    header = len("cx1:k1:")
    for i, ch in enumerate(sealed):
        other = "B" if ch == "A" else "A"
        tampered = sealed[:i] + other + sealed[i + 1 :]
        expected: tuple[type[CxError], ...] = (
            (DecryptionError, UnknownKeyError) if i < header else (DecryptionError,)
        )
        with pytest.raises(expected):
            c.open(tampered, aad="aad")


def test_every_bit_of_nonce_ciphertext_and_tag_is_authenticated() -> None:
    c = _cipher()
    sealed = c.seal(PHONE)
    body = base64.urlsafe_b64decode(sealed[len("cx1:k1:") :] + "==")
    for i in range(len(body)):
        for bit in range(8):
            b = bytearray(body)
            b[i] ^= 1 << bit
            text = base64.urlsafe_b64encode(bytes(b)).decode().rstrip("=")
            with pytest.raises(DecryptionError):
                c.open("cx1:k1:" + text)


def test_every_truncation_fails() -> None:
    c = _cipher()
    sealed = c.seal(CHINESE)
    for n in range(len(sealed)):
        with pytest.raises(DecryptionError):
            c.open(sealed[:n])


def test_wrong_aad_fails() -> None:
    c = _cipher()
    sealed = c.seal(PHONE, aad="customers/42/phone")
    for aad in ["customers/43/phone", "customers/42/name", ""]:
        with pytest.raises(DecryptionError) as e:
            c.open(sealed, aad=aad)
        assert (e.value.code, e.value.field) == ("decryption", "k1")


def test_wrong_key_under_the_same_id_fails() -> None:
    sealed = _cipher(k1=HEX1).seal(PHONE)
    with pytest.raises(DecryptionError) as e:
        _cipher(k1=HEX2).open(sealed)
    assert e.value.field == "k1"


def test_unknown_key_id() -> None:
    sealed = _cipher("k9", k9=HEX1).seal(PHONE)
    with pytest.raises(UnknownKeyError) as e:
        _cipher().open(sealed)
    assert (e.value.code, e.value.field) == ("unknown_key", "k9")
    assert not isinstance(e.value, KeyError)


def test_not_sealed_values_fail_without_echo() -> None:
    for value in [PHONE, "cx1:", "cx1:k1", "cx1::AAAA", "cx2:k1:AAAA"]:
        with pytest.raises(DecryptionError) as e:
            _cipher().open(value)
        assert PHONE not in str(e.value)
    with pytest.raises(DecryptionError):
        FieldCipher.key_id_of(PHONE)
    assert not FieldCipher.is_sealed(PHONE)


def test_reseal_rotation_and_retirement() -> None:
    old = _cipher("k1", k1=HEX1)
    sealed = old.seal(CHINESE, aad="feedback/7/text")
    rotating = _cipher("k2", k1=HEX1, k2=HEX2)
    assert rotating.current_key_id() == "k2"
    assert rotating.open(sealed, aad="feedback/7/text") == CHINESE
    assert rotating.needs_rotation(sealed)
    moved = rotating.reseal(sealed, aad="feedback/7/text")
    assert moved is not None
    assert FieldCipher.key_id_of(moved) == "k2"
    assert not rotating.needs_rotation(moved)
    assert rotating.reseal(moved, aad="feedback/7/text") is None
    with pytest.raises(DecryptionError):
        rotating.reseal(sealed, aad="feedback/8/text")
    retired = _cipher("k2", k2=HEX2)
    with pytest.raises(UnknownKeyError):
        retired.open(sealed, aad="feedback/7/text")
    assert retired.open(moved, aad="feedback/7/text") == CHINESE


def test_interoperates_with_libsodium() -> None:
    nacl = pytest.importorskip("nacl.bindings")
    key = bytes.fromhex(HEX1)
    c = _cipher()
    sealed = c.seal(CHINESE, aad="customers/1/notes")
    body = base64.urlsafe_b64decode(sealed[len("cx1:k1:") :] + "==")
    nonce, ct = body[:24], body[24:]
    plain = nacl.crypto_aead_xchacha20poly1305_ietf_decrypt(
        ct, b"cx1:k1:customers/1/notes", nonce, key
    )
    assert plain.decode() == CHINESE
    # libsodium seals, cx opens: the format is exactly header + b64url(nonce || ct || tag).
    nonce = bytes(range(24))
    ct = nacl.crypto_aead_xchacha20poly1305_ietf_encrypt(
        PHONE.encode(), b"cx1:k1:customers/2/phone", nonce, key
    )
    made = "cx1:k1:" + base64.urlsafe_b64encode(nonce + ct).decode().rstrip("=")
    assert c.open(made, aad="customers/2/phone") == PHONE


def test_libsodium_vectors_open() -> None:
    """Values sealed by libsodium (tests/vectors/privacy/generate_sealed.py) open in cx."""
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert len(vectors["sealed"]) == 4
    for case in vectors["sealed"]:
        c = FieldCipher(static_keys(case["key_id"], {case["key_id"]: case["key"]}))
        assert c.open(case["sealed"], aad=case["aad"]) == case["plaintext"]
        with pytest.raises(DecryptionError):
            c.open(case["sealed"], aad=case["aad"] + "x")


@given(st.text(), st.text())
def test_round_trip_any_text(text: str, aad: str) -> None:
    c = _cipher("p", p=HEX2)
    sealed = c.seal(text, aad=aad)
    assert c.open(sealed, aad=aad) == text
    with pytest.raises(DecryptionError):
        c.open(sealed, aad=aad + "/")


def test_env_keys_hex_and_base64(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXTEST_KEY_CURRENT", "k2")
    monkeypatch.setenv("CXTEST_KEY_k1", HEX1)
    monkeypatch.setenv("CXTEST_KEY_k2", base64.b64encode(bytes.fromhex(HEX2)).decode() + "\n")
    p = env_keys(prefix="CXTEST_KEY_")
    assert repr(p) == "env_keys(prefix='CXTEST_KEY_')"
    c = FieldCipher(p)
    sealed = c.seal(PHONE)
    assert sealed.startswith("cx1:k2:")
    assert _cipher("k2", k2=HEX2).open(sealed) == PHONE
    assert c.open(_cipher(k1=HEX1).seal(PHONE)) == PHONE
    # Read at each use: switching CURRENT rotates without a new provider.
    monkeypatch.setenv("CXTEST_KEY_CURRENT", "k1")
    assert FieldCipher.key_id_of(c.seal(PHONE)) == "k1"
    with pytest.raises(UnknownKeyError):
        c.open(_cipher("k3", k3=HEX1).seal(PHONE))


def test_env_keys_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXTEST_KEY_CURRENT", "k1")
    c = FieldCipher(env_keys(prefix="CXTEST_KEY_"))
    for bad in [HEX1[:63], HEX1 + "0", HEX1.replace("a", "g"), "", "短"]:
        monkeypatch.setenv("CXTEST_KEY_k1", bad)
        with pytest.raises(InvalidKeyError) as e:
            c.seal(PHONE)
        assert "CXTEST_KEY_k1" in str(e.value)
        for t in _error_texts(e.value):
            _assert_no_key_material(t)
    monkeypatch.delenv("CXTEST_KEY_CURRENT")
    with pytest.raises(InvalidKeyError, match="CXTEST_KEY_CURRENT"):
        c.seal(PHONE)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys.txt"
    b64 = base64.b64encode(bytes.fromhex(HEX2)).decode()
    path.write_text(f"# cx keys\nold = {HEX1}\n2026-07 = {b64}\ncurrent = 2026-07\n")
    path.chmod(0o600)
    return path


def test_file_keys(key_file: Path) -> None:
    p = file_keys(key_file)
    assert repr(p) == f"file_keys('{key_file}', current='2026-07', key_ids=['2026-07', 'old'])"
    assert p.current_key_id() == "2026-07"
    c = FieldCipher(p)
    assert _cipher("2026-07", **{"2026-07": HEX2}).open(c.seal(PHONE)) == PHONE
    assert c.open(_cipher("old", old=HEX1).seal(PHONE)) == PHONE
    assert file_keys(str(key_file)).current_key_id() == "2026-07"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_file_keys_refuses_files_readable_by_others(key_file: Path, mode: int) -> None:
    key_file.chmod(mode)
    with pytest.raises(InvalidKeyError) as e:
        file_keys(key_file)
    msg = str(e.value)
    assert str(key_file) in msg
    assert f"{stat.S_IMODE(mode):04o}" in msg
    _assert_no_key_material(msg)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (f"k1 = {HEX1[:62]}\ncurrent = k1\n", "line 1"),
        (f"k1 = {HEX1}\nk1 = {HEX2}\ncurrent = k1\n", "line 2"),
        (f"k1 = {HEX1}\n", "current"),
        (f"k1 = {HEX1}\ncurrent = k2\n", "k2"),
        (f"k1 {HEX1}\ncurrent = k1\n", "line 1"),
    ],
)
def test_file_keys_malformed(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "keys.txt"
    path.write_text(text)
    path.chmod(0o600)
    with pytest.raises(InvalidKeyError) as e:
        file_keys(path)
    assert needle in str(e.value)
    for t in _error_texts(e.value):
        _assert_no_key_material(t)


def test_file_keys_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CxIOError):
        file_keys(tmp_path / "absent.txt")


@pytest.mark.parametrize(
    ("current", "keys"),
    [
        ("k2", {"k1": HEX1}),
        ("k:1", {"k:1": HEX1}),
        ("", {"": HEX1}),
        ("k1", {"k1": HEX1[:40]}),
        ("k1", {"k1": bytes(31)}),
    ],
)
def test_static_keys_invalid(current: str, keys: dict[str, str | bytes]) -> None:
    with pytest.raises(InvalidKeyError) as e:
        static_keys(current, keys)
    for t in _error_texts(e.value):
        _assert_no_key_material(t)


def test_static_keys_type_errors() -> None:
    with pytest.raises(TypeError):
        static_keys("k1", {"k1": 5})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        FieldCipher(object())  # type: ignore[arg-type]


def test_generate_key() -> None:
    k = generate_key()
    assert len(k) == 64
    assert int(k, 16) >= 0
    assert k == k.lower()
    assert k != generate_key()
    assert _cipher(k1=k).open(_cipher(k1=k).seal(PHONE)) == PHONE


class DictProvider:
    """A provider written in Python (as a KMS client would be)."""

    def __init__(self, current: str, keys: dict[str, str]) -> None:
        self.current = current
        self.keys = keys
        self.calls = 0

    def current_key_id(self) -> str:
        return self.current

    def key(self, key_id: str) -> str:
        self.calls += 1
        return self.keys[key_id]

    def __repr__(self) -> str:  # a careless repr that shows keys: cx must not use it
        return f"DictProvider({self.keys})"


def test_python_provider() -> None:
    p = DictProvider("k2", {"k1": HEX1, "k2": HEX2})
    c = FieldCipher(p)
    assert repr(c) == "FieldCipher(<DictProvider key provider>)"
    sealed = c.seal(CHINESE, aad="x")
    assert c.open(sealed, aad="x") == CHINESE
    assert c.open(_cipher(k1=HEX1).seal(PHONE)) == PHONE
    assert p.calls == 3
    p.current = "k1"
    assert c.needs_rotation(sealed)
    moved = c.reseal(sealed, aad="x")
    assert moved is not None
    assert FieldCipher.key_id_of(moved) == "k1"


def test_python_provider_errors_become_typed() -> None:
    c = FieldCipher(DictProvider("k1", {"k1": HEX1}))
    with pytest.raises(UnknownKeyError) as e:
        c.open(_cipher("k9", k9=HEX1).seal(PHONE))
    assert e.value.field == "k9"
    assert isinstance(e.value.__cause__, KeyError)

    class Failing(DictProvider):
        def key(self, key_id: str) -> str:
            raise ConnectionError("KMS unreachable")

    with pytest.raises(InvalidKeyError) as e2:
        FieldCipher(Failing("k1", {})).seal(PHONE)
    assert "Failing.key() raised ConnectionError" in str(e2.value)
    assert isinstance(e2.value.__cause__, ConnectionError)

    class BadCurrent(DictProvider):
        def current_key_id(self) -> str:
            raise RuntimeError("no config")

    with pytest.raises(InvalidKeyError) as e3:
        FieldCipher(BadCurrent("k1", {})).seal(PHONE)
    assert isinstance(e3.value.__cause__, RuntimeError)

    for bad_key in [HEX1[:60], 42, b"\x00" * 32]:
        c = FieldCipher(DictProvider("k1", {"k1": bad_key}))  # type: ignore[dict-item]
        with pytest.raises(InvalidKeyError) as e4:
            c.seal(PHONE)
        for t in _error_texts(e4.value):
            _assert_no_key_material(t)
    # An id that is not a valid key id (here: a key pasted as the id) is refused unechoed.
    b64 = base64.b64encode(bytes.fromhex(HEX1)).decode()
    with pytest.raises(InvalidKeyError) as e5:
        FieldCipher(DictProvider(b64, {b64: HEX1})).seal(PHONE)
    _assert_no_key_material(str(e5.value))


def test_python_provider_from_threads() -> None:
    c = FieldCipher(DictProvider("k1", {"k1": HEX1}))
    texts = [f"{PHONE}-{i}" for i in range(200)]
    with ThreadPoolExecutor(4) as pool:
        sealed = list(pool.map(c.seal, texts))
        back = list(pool.map(c.open, sealed))
    assert back == texts


def test_no_key_material_in_reprs_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    p = static_keys("k1", {"k1": HEX1, "k2": HEX2})
    c = FieldCipher(p)
    shown += [repr(p), str(p), repr(c), str(c)]
    monkeypatch.setenv("CX_KEY_CURRENT", "k1")
    monkeypatch.setenv("CX_KEY_k1", HEX1)
    shown += [repr(env_keys()), repr(FieldCipher(env_keys()))]
    shown += [repr(FieldCipher(DictProvider("k1", {"k1": HEX1})))]
    sealed = c.seal(CHINESE, aad="a")
    failures: list[Callable[[], object]] = [
        lambda: _cipher(k1=HEX2).open(sealed, aad="a"),
        lambda: c.open(sealed, aad="b"),
        lambda: c.open(sealed[:-2], aad="a"),
        lambda: c.open(CHINESE),
        lambda: c.open("cx1:k1:" + CHINESE),
        lambda: _cipher("k3", k3=HEX2).open(sealed, aad="a"),
        lambda: static_keys("k1", {"k1": HEX1[:63]}),
    ]
    for f in failures:
        with pytest.raises(CxError) as e:
            f()
        shown += _error_texts(e.value)
    for text in shown:
        _assert_no_key_material(text)


def test_cipher_and_providers_do_not_pickle() -> None:
    for obj in [static_keys("k1", {"k1": HEX1}), _cipher()]:
        with pytest.raises(TypeError):
            pickle.dumps(obj)


def test_exceptions_are_exported_and_pickle() -> None:
    for cls in [DecryptionError, UnknownKeyError, InvalidKeyError]:
        assert issubclass(cls, cx.CxError)
        assert getattr(cx, cls.__name__) is cls
    with pytest.raises(DecryptionError) as e:
        _cipher().open(PHONE)
    back = pickle.loads(pickle.dumps(e.value))
    assert (type(back), back.code, back.field) == (DecryptionError, "decryption", "")
