//! Sealed values made by libsodium (not by cx) open with `FieldCipher`: a known
//! answer for the whole `cx1:` format. Vectors: `tests/vectors/privacy/sealed.json`,
//! written by `generate_sealed.py` with PyNaCl's
//! `crypto_aead_xchacha20poly1305_ietf_encrypt` (draft-irtf-cfrg-xchacha-03).

use std::sync::Arc;

use cx_core::CxError;
use cx_core::privacy::{FieldCipher, Key, StaticKeyProvider};
use cx_tests::load_vector;

fn text<'a>(v: &'a serde_json::Value, name: &str) -> &'a str {
    v[name].as_str().unwrap_or_default()
}

#[test]
fn libsodium_sealed_values_open() -> Result<(), CxError> {
    let vectors = load_vector("privacy/sealed.json");
    let cases = vectors["sealed"].as_array().cloned().unwrap_or_default();
    assert_eq!(cases.len(), 4);
    for case in &cases {
        let (key_id, aad) = (text(case, "key_id"), text(case, "aad"));
        let key = Key::parse(text(case, "key"))?;
        let cipher = FieldCipher::new(Arc::new(StaticKeyProvider::new(
            key_id,
            vec![(key_id.to_owned(), key)],
        )?));
        let sealed = text(case, "sealed");
        assert_eq!(FieldCipher::key_id_of(sealed)?, key_id);
        assert_eq!(cipher.open(sealed, aad)?, text(case, "plaintext"));
        assert_eq!(cipher.reseal(sealed, aad)?, None);
        let wrong = format!("{aad}x");
        assert_eq!(
            cipher.open(sealed, &wrong).map_err(|e| e.code()),
            Err("decryption")
        );
    }
    Ok(())
}
