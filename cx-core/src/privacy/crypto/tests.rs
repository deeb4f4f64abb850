use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use proptest::prelude::*;

use super::providers::TEST_ENV;
use super::*;

const HEX1: &str = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
const HEX2: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const PHONE: &str = "13800138000";
const CHINESE: &str = "张三，北京市朝阳区建国路88号，投诉：快递丢件，请回电 13800138000";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn key(hex: &str) -> Key {
    Key::parse(hex).unwrap()
}

fn cipher(current: &str, keys: &[(&str, &str)]) -> FieldCipher {
    let keys = keys
        .iter()
        .map(|(id, hex)| ((*id).to_owned(), key(hex)))
        .collect();
    FieldCipher::new(Arc::new(StaticKeyProvider::new(current, keys).unwrap()))
}

fn is_decryption(r: &Result<String>) -> bool {
    matches!(r, Err(CxError::Decryption { .. }))
}

/// Known answer of the AEAD primitive: draft-irtf-cfrg-xchacha-03,
/// Appendix A.3.1 (AEAD_XChaCha20_Poly1305), the same plaintext, key and AAD
/// as RFC 8439 §2.8.2.
#[test]
fn xchacha20_poly1305_known_answer_draft_a_3_1() {
    let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
    let aad = unhex("50515253c0c1c2c3c4c5c6c7");
    let nonce: [u8; 24] = unhex("404142434445464748494a4b4c4d4e4f5051525354555657")
        .try_into()
        .unwrap();
    let expected_ct = unhex(concat!(
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb",
        "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452",
        "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9",
        "21f9664c97637da9768812f615c68b13b52e",
    ));
    let expected_tag = unhex("c0875924c1c7987947deafd8780acf49");
    // The key goes through Key::parse and Key::aead, the path FieldCipher uses.
    let aead = key(HEX1).aead().unwrap();
    let out = aead
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .unwrap();
    assert_eq!(&out[..out.len() - 16], expected_ct.as_slice());
    assert_eq!(&out[out.len() - 16..], expected_tag.as_slice());
    let back = aead
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &out,
                aad: &aad,
            },
        )
        .unwrap();
    assert_eq!(back, plaintext);
}

/// The sealed format is exactly `cx1:<id>:b64url(nonce ‖ ct ‖ tag)` with the
/// header and the caller's aad as associated data: decrypt it by hand.
#[test]
fn sealed_format_decrypts_with_the_raw_primitive() {
    let c = cipher("k1", &[("k1", HEX1)]);
    let sealed = c.seal(CHINESE, "customers/42/notes").unwrap();
    let body = sealed.strip_prefix("cx1:k1:").unwrap();
    let bytes = URL_SAFE_NO_PAD.decode(body).unwrap();
    assert_eq!(bytes.len(), 24 + CHINESE.len() + 16);
    let (nonce, ct) = bytes.split_at(24);
    let nonce: [u8; 24] = nonce.try_into().unwrap();
    let raw = XChaCha20Poly1305::new_from_slice(&unhex(HEX1)).unwrap();
    let plain = raw
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: ct,
                aad: b"cx1:k1:customers/42/notes",
            },
        )
        .unwrap();
    assert_eq!(plain, CHINESE.as_bytes());
}

#[test]
fn round_trips_chinese_empty_and_emoji() {
    let c = cipher("k1", &[("k1", HEX1)]);
    for text in [PHONE, CHINESE, "", "😀 客服很好 👍", "a:b:c\n\0"] {
        for aad in ["", "customers/42/phone", "反馈/7"] {
            let sealed = c.seal(text, aad).unwrap();
            assert!(sealed.is_ascii());
            assert!(FieldCipher::is_sealed(&sealed));
            assert_eq!(FieldCipher::key_id_of(&sealed).unwrap(), "k1");
            assert_eq!(c.open(&sealed, aad).unwrap(), text);
        }
    }
}

#[test]
fn sealing_twice_gives_different_values() {
    let c = cipher("k1", &[("k1", HEX1)]);
    assert_ne!(c.seal(PHONE, "").unwrap(), c.seal(PHONE, "").unwrap());
}

#[test]
fn every_byte_flip_of_a_sealed_value_fails() {
    let c = cipher("k1", &[("k1", HEX1)]);
    let sealed = c.seal(CHINESE, "aad").unwrap();
    let header = "cx1:k1:".len();
    for i in 0..sealed.len() {
        for mask in [0x01u8, 0x02, 0x20, 0x40] {
            let mut bytes = sealed.clone().into_bytes();
            bytes[i] ^= mask;
            let Ok(tampered) = String::from_utf8(bytes) else {
                continue;
            };
            let r = c.open(&tampered, "aad");
            if i < header {
                // A flipped key id names another key: unknown, or a decryption failure.
                assert!(
                    is_decryption(&r) || matches!(r, Err(CxError::UnknownKey { .. })),
                    "byte {i} mask {mask:#x}: {r:?}"
                );
            } else {
                assert!(is_decryption(&r), "byte {i} mask {mask:#x}: {r:?}");
            }
        }
    }
}

#[test]
fn every_bit_flip_of_nonce_ciphertext_and_tag_fails() {
    let c = cipher("k1", &[("k1", HEX1)]);
    let sealed = c.seal(PHONE, "aad").unwrap();
    let body = URL_SAFE_NO_PAD
        .decode(sealed.strip_prefix("cx1:k1:").unwrap())
        .unwrap();
    for i in 0..body.len() {
        for bit in 0..8 {
            let mut b = body.clone();
            b[i] ^= 1 << bit;
            let tampered = format!("cx1:k1:{}", URL_SAFE_NO_PAD.encode(&b));
            assert!(
                is_decryption(&c.open(&tampered, "aad")),
                "byte {i} bit {bit}"
            );
        }
    }
}

#[test]
fn every_truncation_and_extension_fails() {
    let c = cipher("k1", &[("k1", HEX1)]);
    let sealed = c.seal(CHINESE, "").unwrap();
    for n in 0..sealed.len() {
        let r = c.open(&sealed[..n], "");
        assert!(is_decryption(&r), "prefix of {n}: {r:?}");
    }
    for extra in ["A", "AA", "AAAA", "="] {
        assert!(is_decryption(&c.open(&format!("{sealed}{extra}"), "")));
    }
}

#[test]
fn wrong_aad_fails() {
    let c = cipher("k1", &[("k1", HEX1)]);
    let sealed = c.seal(PHONE, "customers/42/phone").unwrap();
    for aad in [
        "customers/43/phone",
        "customers/42/name",
        "",
        "customers/42/phone ",
    ] {
        let e = c.open(&sealed, aad).unwrap_err();
        assert_eq!(e.code(), "decryption");
        assert_eq!(e.field(), Some("k1"));
    }
}

#[test]
fn wrong_key_under_the_same_id_fails() {
    let a = cipher("k1", &[("k1", HEX1)]);
    let b = cipher("k1", &[("k1", HEX2)]);
    let sealed = a.seal(PHONE, "").unwrap();
    assert!(matches!(
        b.open(&sealed, ""),
        Err(CxError::Decryption { ref key_id, .. }) if key_id == "k1"
    ));
}

#[test]
fn unknown_key_id_is_unknown_key() {
    let a = cipher("k9", &[("k9", HEX1)]);
    let b = cipher("k1", &[("k1", HEX1)]);
    let sealed = a.seal(PHONE, "").unwrap();
    assert_eq!(
        b.open(&sealed, ""),
        Err(CxError::UnknownKey {
            key_id: "k9".into()
        })
    );
}

#[test]
fn values_that_are_not_sealed_fail_without_echoing_them() {
    let c = cipher("k1", &[("k1", HEX1)]);
    for v in [
        PHONE,
        "cx1:",
        "cx1:k1",
        "cx1::AAAA",
        "cx1:k 1:AAAA",
        "cx2:k1:AAAA",
    ] {
        let e = c.open(v, "").unwrap_err();
        assert_eq!(e.code(), "decryption", "{v}");
        assert!(!FieldCipher::is_sealed(v) || FieldCipher::key_id_of(v).is_err() || v == "cx1:k1");
    }
    let e = c.open(PHONE, "").unwrap_err();
    assert!(!e.to_string().contains(PHONE));
    assert!(FieldCipher::key_id_of(PHONE).is_err());
}

#[test]
fn reseal_moves_values_to_the_current_key() {
    let old = cipher("k1", &[("k1", HEX1)]);
    let sealed = old.seal(CHINESE, "feedback/7/text").unwrap();
    let rotating = cipher("k2", &[("k1", HEX1), ("k2", HEX2)]);
    // Before retirement the old key still opens.
    assert_eq!(rotating.open(&sealed, "feedback/7/text").unwrap(), CHINESE);
    assert!(rotating.needs_rotation(&sealed).unwrap());
    let moved = rotating
        .reseal(&sealed, "feedback/7/text")
        .unwrap()
        .unwrap();
    assert_eq!(FieldCipher::key_id_of(&moved).unwrap(), "k2");
    assert!(!rotating.needs_rotation(&moved).unwrap());
    assert_eq!(rotating.open(&moved, "feedback/7/text").unwrap(), CHINESE);
    // Already current: nothing to do (rerunning a batch is harmless).
    assert_eq!(rotating.reseal(&moved, "feedback/7/text").unwrap(), None);
    // A reseal with the wrong aad fails and changes nothing.
    assert!(rotating.reseal(&sealed, "feedback/8/text").is_err());
    // After retirement: the old value is unknown, the new one opens.
    let retired = cipher("k2", &[("k2", HEX2)]);
    assert!(matches!(
        retired.open(&sealed, "feedback/7/text"),
        Err(CxError::UnknownKey { .. })
    ));
    assert_eq!(retired.open(&moved, "feedback/7/text").unwrap(), CHINESE);
}

#[derive(Debug)]
struct BadIdProvider;

impl KeyProvider for BadIdProvider {
    fn current_key_id(&self) -> Result<String> {
        Ok(HEX1.replace('8', ":"))
    }
    fn key(&self, _: &str) -> Result<Key> {
        Key::parse(HEX1)
    }
}

#[test]
fn an_invalid_current_key_id_is_refused_without_echoing_it() {
    let c = FieldCipher::new(Arc::new(BadIdProvider));
    let e = c.seal(PHONE, "").unwrap_err();
    assert_eq!(e.code(), "invalid_key");
    assert!(!e.to_string().contains("9a9b9c"));
}

#[test]
fn key_parses_hex_and_base64_and_rejects_bad_lengths() {
    let bytes: [u8; 32] = unhex(HEX1).try_into().unwrap();
    let b64 = STANDARD.encode(bytes);
    assert_eq!(b64.len(), 44);
    for text in [
        HEX1.to_owned(),
        HEX1.to_uppercase(),
        b64.clone(),
        format!("  {HEX1}\n"),
        format!("{b64}\n"),
    ] {
        assert_eq!(Key::parse(&text).unwrap().export_hex().as_str(), HEX1);
    }
    assert_eq!(Key::from_bytes(bytes).export_hex().as_str(), HEX1);
    let bad = [
        String::new(),
        HEX1[..62].to_owned(),
        HEX1[..63].to_owned(),
        format!("{HEX1}0"),
        format!("{HEX1}00"),
        HEX1.replace('a', "g"),
        b64[..43].to_owned(),
        format!("{b64}A"),
        STANDARD.encode([7u8; 33]),       // 44 characters, 33 bytes
        STANDARD.encode([7u8; 31]) + "A", // 44 characters, not canonical
        "é".repeat(32),                   // 64 bytes, not hex
        "键".repeat(64),
    ];
    for text in bad {
        let e = Key::parse(&text).unwrap_err();
        assert_eq!(e.code(), "invalid_key", "{text:?}");
    }
}

#[test]
fn generated_keys_are_distinct_and_round_trip_through_hex() {
    let a = Key::generate();
    let b = Key::try_generate().unwrap();
    assert_ne!(a.export_hex(), b.export_hex());
    let again = Key::parse(&a.export_hex()).unwrap();
    let c1 = FieldCipher::new(Arc::new(
        StaticKeyProvider::new("g", vec![("g".into(), a)]).unwrap(),
    ));
    let c2 = FieldCipher::new(Arc::new(
        StaticKeyProvider::new("g", vec![("g".into(), again)]).unwrap(),
    ));
    assert_eq!(c2.open(&c1.seal(PHONE, "").unwrap(), "").unwrap(), PHONE);
}

#[test]
fn static_provider_validates_ids() {
    let k = || key(HEX1);
    assert!(StaticKeyProvider::new("k1", vec![("k1".into(), k())]).is_ok());
    for (current, ids) in [
        ("k2", vec!["k1"]),
        ("k1", vec!["k1", "k1"]),
        ("k:1", vec!["k:1"]),
        ("", vec![""]),
        ("k1", vec!["k1", &"x".repeat(65)]),
    ] {
        let keys = ids.into_iter().map(|id| (id.to_owned(), k())).collect();
        let e = StaticKeyProvider::new(current, keys).unwrap_err();
        assert_eq!(e.code(), "invalid_key");
    }
}

fn with_env<T>(vars: &[(&str, &str)], f: impl FnOnce() -> T) -> T {
    let map: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    TEST_ENV.with(|env| *env.borrow_mut() = Some(map));
    let out = f();
    TEST_ENV.with(|env| *env.borrow_mut() = None);
    out
}

#[test]
fn env_provider_reads_hex_and_base64_keys() {
    let b64 = STANDARD.encode(unhex(HEX2));
    with_env(
        &[
            ("CX_KEY_CURRENT", "k2\n"),
            ("CX_KEY_k1", HEX1),
            ("CX_KEY_k2", &b64),
            ("APP_K_CURRENT", "k1"),
            ("APP_K_k1", HEX1),
        ],
        || {
            let p = EnvKeyProvider::new();
            assert_eq!(p.current_key_id().unwrap(), "k2");
            assert_eq!(p.key("k1").unwrap().export_hex().as_str(), HEX1);
            assert_eq!(p.key("k2").unwrap().export_hex().as_str(), HEX2);
            assert_eq!(
                p.key("k3").unwrap_err(),
                CxError::UnknownKey {
                    key_id: "k3".into()
                }
            );
            let c = FieldCipher::new(Arc::new(p));
            let sealed = c.seal(PHONE, "x").unwrap();
            assert!(sealed.starts_with("cx1:k2:"));
            assert_eq!(c.open(&sealed, "x").unwrap(), PHONE);
            let q = EnvKeyProvider::with_prefix("APP_K_");
            assert_eq!(q.current_key_id().unwrap(), "k1");
            assert_eq!(q.prefix(), "APP_K_");
        },
    );
}

#[test]
fn env_provider_rejects_bad_keys_naming_the_variable() {
    with_env(
        &[("CX_KEY_CURRENT", "k1"), ("CX_KEY_k1", &HEX1[..60])],
        || {
            let e = EnvKeyProvider::new().key("k1").unwrap_err();
            assert_eq!(e.code(), "invalid_key");
            let msg = e.to_string();
            assert!(
                msg.contains("CX_KEY_k1") && msg.contains("60 characters"),
                "{msg}"
            );
            assert!(!msg.contains(&HEX1[..16]));
        },
    );
    with_env(&[], || {
        let e = EnvKeyProvider::new().current_key_id().unwrap_err();
        assert_eq!(e.code(), "invalid_key");
        assert!(e.to_string().contains("CX_KEY_CURRENT"));
    });
    with_env(&[("CX_KEY_CURRENT", "not an id")], || {
        assert_eq!(
            EnvKeyProvider::new().current_key_id().unwrap_err().code(),
            "invalid_key"
        );
    });
}

struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, text: &str, mode: u32) -> TempFile {
        let path = std::env::temp_dir().join(format!("cx-keys-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn file_provider_reads_hex_and_base64_keys() {
    let b64 = STANDARD.encode(unhex(HEX2));
    let text = format!("# cx keys\n\nold = {HEX1}\n  2026-07 =  {b64}  \ncurrent = 2026-07\n");
    let f = TempFile::new("good", &text, 0o600);
    let p = FileKeyProvider::open(&f.0).unwrap();
    assert_eq!(p.current_key_id().unwrap(), "2026-07");
    assert_eq!(p.key_ids(), vec!["2026-07", "old"]);
    assert_eq!(p.key("old").unwrap().export_hex().as_str(), HEX1);
    assert_eq!(p.key("2026-07").unwrap().export_hex().as_str(), HEX2);
    assert_eq!(p.key("nope").unwrap_err().code(), "unknown_key");
    assert_eq!(p.path(), f.0.as_path());
    let dbg = format!("{p:?}");
    assert!(dbg.contains("2026-07") && dbg.contains("old"), "{dbg}");
}

#[cfg(unix)]
#[test]
fn file_provider_refuses_files_readable_by_others() {
    let f = TempFile::new("open", &format!("k1 = {HEX1}\ncurrent = k1\n"), 0o644);
    let e = FileKeyProvider::open(&f.0).unwrap_err();
    assert_eq!(e.code(), "invalid_key");
    let msg = e.to_string();
    assert!(msg.contains(&f.0.display().to_string()), "{msg}");
    assert!(msg.contains("0644"), "{msg}");
    assert!(!msg.contains(&HEX1[..16]));
    let g = TempFile::new("group", &format!("k1 = {HEX1}\ncurrent = k1\n"), 0o640);
    assert!(msg_of(FileKeyProvider::open(&g.0)).contains("0640"));
    let ro = TempFile::new("ro", &format!("k1 = {HEX1}\ncurrent = k1\n"), 0o400);
    assert!(FileKeyProvider::open(&ro.0).is_ok());
}

fn msg_of<T: std::fmt::Debug>(r: Result<T>) -> String {
    r.unwrap_err().to_string()
}

#[test]
fn file_provider_rejects_malformed_files() {
    let cases = [
        (format!("k1 = {}\ncurrent = k1\n", &HEX1[..62]), "line 1"),
        (
            format!("k1 = {HEX1}\nk1 = {HEX2}\ncurrent = k1\n"),
            "line 2",
        ),
        (format!("k1 = {HEX1}\n"), "no `current"),
        (format!("k1 = {HEX1}\ncurrent = k2\n"), "\"k2\""),
        (format!("k1 {HEX1}\ncurrent = k1\n"), "line 1"),
        (format!("k:1 = {HEX1}\ncurrent = k1\n"), "line 1"),
        (
            format!("k1 = {HEX1}\ncurrent = k1\ncurrent = k1\n"),
            "line 3",
        ),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        let f = TempFile::new(&format!("bad{i}"), text, 0o600);
        let e = FileKeyProvider::open(&f.0).unwrap_err();
        assert_eq!(e.code(), "invalid_key", "{text}");
        let msg = e.to_string();
        assert!(msg.contains(needle), "{msg}");
        assert!(
            !msg.contains(&HEX1[..16]) && !msg.contains(&HEX2[..16]),
            "{msg}"
        );
    }
    let missing = std::env::temp_dir().join("cx-keys-does-not-exist");
    assert_eq!(FileKeyProvider::open(&missing).unwrap_err().code(), "io");
}

/// Every formatted form of keys, providers, ciphers and errors is free of key
/// material (hex, base64, base64url, any 12-character window of them) and of
/// plaintext.
#[test]
fn no_key_material_or_plaintext_in_any_formatted_string() {
    let bytes = unhex(HEX1);
    let b64 = STANDARD.encode(&bytes);
    let secrets = [
        HEX1.to_owned(),
        HEX1.to_uppercase(),
        STANDARD.encode(&bytes),
        URL_SAFE_NO_PAD.encode(&bytes),
    ];
    let mut shown: Vec<String> = Vec::new();
    let k = key(HEX1);
    shown.push(format!("{k:?}"));
    shown.push(format!("{k}"));
    shown.push(format!("{:?}", k.clone()));
    let c = cipher("k1", &[("k1", HEX1)]);
    let other = cipher("k1", &[("k1", HEX2)]);
    shown.push(format!("{c:?}"));
    shown.push(format!("{:?}", c.provider()));
    let sealed = c.seal(CHINESE, "customers/1/notes").unwrap();
    let mut errors = vec![
        other.open(&sealed, "customers/1/notes").unwrap_err(),
        c.open(&sealed, "customers/2/notes").unwrap_err(),
        c.open(&sealed[..sealed.len() - 3], "customers/1/notes")
            .unwrap_err(),
        c.open(CHINESE, "").unwrap_err(),
        c.open(&format!("cx1:k1:{CHINESE}"), "").unwrap_err(),
        cipher("k2", &[("k2", HEX2)]).open(&sealed, "").unwrap_err(),
        Key::parse(&HEX1[..63]).unwrap_err(),
        Key::parse(&HEX1.replace('9', "x")).unwrap_err(),
        Key::parse(&format!("{}A", &STANDARD.encode(&bytes)[..43])).unwrap_err(),
        // A key pasted where an id belongs (base64 has `+/=`): the id is not echoed.
        StaticKeyProvider::new(&b64, vec![(b64.clone(), key(HEX1))]).unwrap_err(),
        StaticKeyProvider::new("k1", vec![("k1".into(), key(HEX1))])
            .unwrap()
            .key(&b64)
            .unwrap_err(),
    ];
    errors.extend(with_env(
        &[("CX_KEY_CURRENT", &b64), ("CX_KEY_k1", &HEX1[..50])],
        || {
            vec![
                EnvKeyProvider::new().current_key_id().unwrap_err(),
                EnvKeyProvider::new().key("k1").unwrap_err(),
                EnvKeyProvider::new().key(&b64).unwrap_err(),
            ]
        },
    ));
    let f = TempFile::new(
        "leak",
        &format!("k1 = {}\ncurrent = k1\n", &HEX1[..63]),
        0o600,
    );
    errors.push(FileKeyProvider::open(&f.0).unwrap_err());
    let g = TempFile::new("leak2", &format!("k1 = {HEX1}\ncurrent = k1\n"), 0o600);
    let p = FileKeyProvider::open(&g.0).unwrap();
    shown.push(format!("{p:?}"));
    shown.push(format!(
        "{:?}",
        StaticKeyProvider::new("k1", vec![("k1".into(), key(HEX1))])
    ));
    shown.push(format!("{:?}", EnvKeyProvider::new()));
    for e in &errors {
        shown.push(e.to_string());
        shown.push(format!("{e:?}"));
    }
    for s in &shown {
        for secret in &secrets {
            for w in secret.as_bytes().windows(12) {
                let w = std::str::from_utf8(w).unwrap();
                assert!(!s.contains(w), "{s:?} contains key material {w:?}");
            }
        }
        assert!(
            !s.contains("张三") && !s.contains(PHONE),
            "{s:?} contains plaintext"
        );
    }
}

proptest! {
    #[test]
    fn prop_round_trip_any_text(text in any::<String>(), aad in any::<String>()) {
        let c = cipher("p", &[("p", HEX2)]);
        let sealed = c.seal(&text, &aad).unwrap();
        prop_assert_eq!(FieldCipher::key_id_of(&sealed).unwrap(), "p");
        prop_assert_eq!(c.open(&sealed, &aad).unwrap(), text);
        let other_aad = format!("{aad}/");
        prop_assert!(is_decryption(&c.open(&sealed, &other_aad)));
    }
}
