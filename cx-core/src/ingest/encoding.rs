//! Text encodings of input files: UTF-8 (with or without BOM) and GB18030/GBK.
//!
//! CSV structure is parsed on raw bytes and each field is decoded on its own,
//! so that an undecodable byte is reported with its row and byte offset. That
//! is sound for GB18030 (and its subsets GBK and GB2312) because every byte of
//! a multi-byte GB18030 character is ≥ 0x30, while the structural bytes of a
//! CSV file (`"` 0x22, `,` 0x2C, `;` 0x3B, tab 0x09, CR 0x0D, LF 0x0A) are
//! below 0x30 or, for `;`, between the ranges a GB18030 trail byte can take
//! (0x30–0x39, 0x40–0x7E, 0x80–0xFE).

use std::borrow::Cow;

use crate::{CxError, Result};

/// UTF-8 byte order mark.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text encoding of an input file.
///
/// Parses the labels people write: `"utf-8"`, `"utf8"`, `"utf-8-sig"`,
/// `"gb18030"`, `"gbk"`, `"gb2312"`, `"cp936"`, `"auto"` (any case).
/// GBK and GB2312 are decoded as GB18030, their superset.
///
/// # Detection (`Auto`)
/// 1. a UTF-8 byte order mark → UTF-8 (the mark is skipped);
/// 2. else, if the first block read (up to the batch's byte budget, at least
///    64 KiB) is valid UTF-8 → UTF-8;
/// 3. else → GB18030.
///
/// A file that is valid UTF-8 in its first block and has GBK bytes later is
/// read as UTF-8 and the later rows are reported as encoding errors: declare
/// the encoding for such files.
///
/// # Examples
/// ```
/// use cx_core::ingest::Encoding;
/// assert_eq!("GBK".parse::<Encoding>()?, Encoding::Gb18030);
/// assert_eq!("utf-8-sig".parse::<Encoding>()?, Encoding::Utf8);
/// assert!("latin-1".parse::<Encoding>().is_err());
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Encoding {
    /// Detect: BOM → UTF-8; valid UTF-8 sample → UTF-8; else GB18030.
    #[default]
    Auto,
    /// UTF-8, with or without a byte order mark.
    Utf8,
    /// GB18030, which includes GBK and GB2312.
    Gb18030,
}

impl Encoding {
    /// Display name used in errors (`"UTF-8"`, `"GB18030"`, `"auto"`).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "UTF-8",
            Encoding::Gb18030 => "GB18030",
        }
    }

    /// Resolve `Auto` on a sample of the input (BOM already removed or not).
    ///
    /// `sample_is_complete` says whether the sample is the whole input; if not,
    /// a multi-byte character cut at the end of the sample is not held against
    /// UTF-8.
    pub fn detect(self, sample: &[u8], sample_is_complete: bool) -> Encoding {
        match self {
            Encoding::Auto => {
                if sample.starts_with(UTF8_BOM) {
                    return Encoding::Utf8;
                }
                match std::str::from_utf8(sample) {
                    Ok(_) => Encoding::Utf8,
                    // error_len() == None: the sample ends inside a character.
                    Err(e) if e.error_len().is_none() && !sample_is_complete => Encoding::Utf8,
                    Err(_) => Encoding::Gb18030,
                }
            }
            other => other,
        }
    }
}

impl std::str::FromStr for Encoding {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        let key: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        match key.as_str() {
            "auto" | "" => Ok(Encoding::Auto),
            "utf8" | "utf8sig" => Ok(Encoding::Utf8),
            "gb18030" | "gbk" | "gb2312" | "cp936" | "ms936" | "windows936" | "euccn" => {
                Ok(Encoding::Gb18030)
            }
            _ => Err(CxError::option(
                "encoding",
                format!(
                    "unknown encoding {s:?}; use utf-8, utf-8-sig, gb18030, gbk, gb2312 or auto"
                ),
            )),
        }
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Decode one field. `Err(i)` gives the offset of the first bad byte in `bytes`.
///
/// `enc` must be resolved (not `Auto`; `Auto` is treated as UTF-8).
#[inline]
pub(crate) fn decode(enc: Encoding, bytes: &[u8]) -> std::result::Result<Cow<'_, str>, usize> {
    match enc {
        Encoding::Gb18030 if !bytes.is_ascii() => decode_gb18030(bytes).map(Cow::Owned),
        _ => std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|e| e.valid_up_to()),
    }
}

fn decode_gb18030(bytes: &[u8]) -> std::result::Result<String, usize> {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len() * 3 + 16);
    let mut out = String::with_capacity(cap);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            Err(read.saturating_sub(usize::from(bad) + usize::from(after)))
        }
        encoding_rs::DecoderResult::OutputFull => Err(read),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse() {
        for (s, e) in [
            ("utf-8", Encoding::Utf8),
            ("UTF8", Encoding::Utf8),
            ("utf-8-sig", Encoding::Utf8),
            ("gbk", Encoding::Gb18030),
            ("GB2312", Encoding::Gb18030),
            ("gb18030", Encoding::Gb18030),
            ("auto", Encoding::Auto),
        ] {
            assert_eq!(s.parse::<Encoding>().ok(), Some(e), "{s}");
        }
        let err = "latin1".parse::<Encoding>().err();
        assert_eq!(err.map(|e| e.code()), Some("invalid_option"));
    }

    #[test]
    fn detection_rules() {
        let gbk = encoding_rs::GB18030.encode("反馈内容").0.into_owned();
        assert_eq!(Encoding::Auto.detect(&gbk, true), Encoding::Gb18030);
        assert_eq!(
            Encoding::Auto.detect("反馈".as_bytes(), true),
            Encoding::Utf8
        );
        let mut bom = UTF8_BOM.to_vec();
        bom.extend_from_slice(b"a,b");
        assert_eq!(Encoding::Auto.detect(&bom, true), Encoding::Utf8);
        // A character cut at the end of a partial sample is still UTF-8.
        let cut = &"反馈".as_bytes()[..4];
        assert_eq!(Encoding::Auto.detect(cut, false), Encoding::Utf8);
        assert_eq!(Encoding::Gb18030.detect(b"abc", true), Encoding::Gb18030);
    }

    #[test]
    fn decode_reports_offsets() {
        assert_eq!(decode(Encoding::Utf8, b"ab\xFFc"), Err(2));
        let gbk = encoding_rs::GB18030.encode("满意").0.into_owned();
        assert_eq!(
            decode(Encoding::Gb18030, &gbk).ok().as_deref(),
            Some("满意")
        );
        // 0x81 0x20 is not a valid GB18030 sequence.
        assert_eq!(decode(Encoding::Gb18030, b"ab\x81\x20"), Err(2));
    }
}
