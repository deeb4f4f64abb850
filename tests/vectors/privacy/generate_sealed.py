"""Generate `sealed.json`: cx1 sealed values made by libsodium, not by cx.

Each case is sealed with libsodium's AEAD_XChaCha20_Poly1305 (PyNaCl
`nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt`) under a fixed nonce,
with associated data `cx1:<key_id>:` + aad, and written in cx's format
`cx1:<key_id>:<base64url-nopad(nonce || ciphertext || tag)>`. The Rust test
`tests/rust/crypto_vectors.rs` and `tests/python/test_crypto.py` open them with
`FieldCipher`: a known answer for the whole format from an independent
implementation. The first entry of `aead` is draft-irtf-cfrg-xchacha-03 §A.3.1,
copied from the draft and re-checked here with libsodium.

Run: python tests/vectors/privacy/generate_sealed.py  (PyNaCl 1.6.2)
"""

from __future__ import annotations

import base64
import json
import pathlib

import nacl
import nacl.bindings as sodium

KEY1 = bytes(range(0x80, 0xA0))
KEY2 = bytes(range(0x00, 0x20))

DRAFT = {
    "source": "draft-irtf-cfrg-xchacha-03 Appendix A.3.1 (AEAD_XChaCha20_Poly1305)",
    "key": KEY1.hex(),
    "nonce": "404142434445464748494a4b4c4d4e4f5051525354555657",
    "aad": "50515253c0c1c2c3c4c5c6c7",
    "plaintext": (
        b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
        b"for the future, sunscreen would be it."
    ).hex(),
    "ciphertext": (
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
        "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
        "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
        "21f9664c97637da9768812f615c68b13b52e"
    ),
    "tag": "c0875924c1c7987947deafd8780acf49",
}

CASES = [
    ("k1", KEY1, bytes(range(24)), "13800138000", "customers/42/phone"),
    ("k1", KEY1, bytes(range(1, 25)), "", ""),
    ("2026-07", KEY2, bytes(24), "张三，北京市朝阳区，投诉：快递丢件", "feedback/7/text"),
    ("k.2_b", KEY2, bytes([0xFF] * 24), "😀 客服很好 👍", "反馈/7"),
]


def main() -> None:
    ct_tag = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        bytes.fromhex(DRAFT["plaintext"]),
        bytes.fromhex(DRAFT["aad"]),
        bytes.fromhex(DRAFT["nonce"]),
        KEY1,
    )
    assert ct_tag.hex() == DRAFT["ciphertext"] + DRAFT["tag"], "libsodium disagrees with the draft"
    sealed = []
    for key_id, key, nonce, plaintext, aad in CASES:
        header = f"cx1:{key_id}:"
        ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
            plaintext.encode(), (header + aad).encode(), nonce, key
        )
        value = header + base64.urlsafe_b64encode(nonce + ct).decode().rstrip("=")
        sealed.append(
            {
                "key_id": key_id,
                "key": key.hex(),
                "aad": aad,
                "plaintext": plaintext,
                "sealed": value,
            }
        )
    out = {
        "provenance": (
            f"PyNaCl {nacl.__version__} (libsodium) crypto_aead_xchacha20poly1305_ietf_encrypt, "
            "by tests/vectors/privacy/generate_sealed.py"
        ),
        "aead": [DRAFT],
        "sealed": sealed,
    }
    path = pathlib.Path(__file__).with_name("sealed.json")
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
