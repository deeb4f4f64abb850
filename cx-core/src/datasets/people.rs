//! Fake personal data: Chinese names, mobile numbers, e-mail addresses,
//! resident ID numbers with a valid check digit and Luhn-valid card numbers.
//!
//! All of it is invented. Mobile numbers use real prefixes (1[3-9]x) so that
//! redaction patterns are exercised, e-mail domains are the reserved
//! `example.com` / `example.cn`, and ID numbers use real area codes with
//! random birth dates and sequence numbers.

use super::rng::Rng;

/// Common surnames (the most frequent in the 2020 census ranking).
const SURNAMES: [&str; 30] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
/// Their pinyin, for e-mail local parts.
const SURNAMES_PY: [&str; 30] = [
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma",
    "zhu", "hu", "guo", "he", "lin", "luo", "gao", "zheng", "liang", "xie", "song", "tang", "xu",
    "han", "feng", "deng", "cao",
];
/// Common given-name characters with pinyin.
const GIVEN: [(&str, &str); 32] = [
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀", "xiu"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("桂", "gui"),
    ("华", "hua"),
    ("玲", "ling"),
    ("欣", "xin"),
    ("宇", "yu"),
    ("浩", "hao"),
    ("婷", "ting"),
    ("博", "bo"),
    ("子", "zi"),
    ("梓", "zi"),
    ("涵", "han"),
];

/// Mobile prefixes (China Mobile, Unicom, Telecom; 1[3-9]x).
const MOBILE_PREFIXES: [&str; 20] = [
    "134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182",
    "187", "188", "130", "131", "186", "133", "199",
];

/// Area codes (6-digit administrative division codes) used in fake ID numbers.
const AREA_CODES: [&str; 8] = [
    "110105", "310104", "440305", "510107", "330106", "420106", "320102", "610113",
];

/// A fake person: name and its pinyin.
pub(crate) struct FakeName {
    pub zh: String,
    pub pinyin: String,
}

/// A two- or three-character Chinese name.
pub(crate) fn name(rng: &mut Rng) -> FakeName {
    let s = rng.index(SURNAMES.len());
    let mut zh = SURNAMES[s].to_string();
    let mut pinyin = SURNAMES_PY[s].to_string();
    let parts = if rng.chance(0.7) { 2 } else { 1 };
    for _ in 0..parts {
        let (c, p) = GIVEN[rng.index(GIVEN.len())];
        zh.push_str(c);
        pinyin.push_str(p);
    }
    FakeName { zh, pinyin }
}

/// An 11-digit mobile number `1[3-9]x xxxx xxxx` (digits only).
pub(crate) fn mobile(rng: &mut Rng) -> String {
    let prefix = MOBILE_PREFIXES[rng.index(MOBILE_PREFIXES.len())];
    format!("{prefix}{:08}", rng.below(100_000_000))
}

/// A mobile number in one of the formats people type.
pub(crate) fn mobile_formatted(rng: &mut Rng) -> String {
    let m = mobile(rng);
    let (a, b, c) = (&m[0..3], &m[3..7], &m[7..11]);
    match rng.below(5) {
        0 => m.clone(),
        1 => format!("{a}-{b}-{c}"),
        2 => format!("{a} {b} {c}"),
        3 => format!("+86 {a} {b} {c}"),
        _ => format!("+86-{m}"),
    }
}

/// An e-mail address at `example.com` or `example.cn`.
pub(crate) fn email(rng: &mut Rng, pinyin: &str) -> String {
    let domain = if rng.chance(0.5) {
        "example.com"
    } else {
        "example.cn"
    };
    match rng.below(3) {
        0 => format!("{pinyin}{}@{domain}", rng.below(1000)),
        1 => format!("{pinyin}.{}@{domain}", 1970 + rng.below(36)),
        _ => format!("{pinyin}@{domain}"),
    }
}

/// ISO 7064 MOD 11-2 check character of the first 17 digits of a resident
/// ID number (GB 11643-1999).
///
/// # Reference
/// GB 11643-1999 《公民身份号码》 §8; ISO/IEC 7064:2003, MOD 11-2.
pub(crate) fn id_check_char(first17: &[u8]) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const MAP: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = first17
        .iter()
        .zip(W)
        .map(|(d, w)| u32::from(d.wrapping_sub(b'0')) * w)
        .sum();
    MAP[(sum % 11) as usize]
}

/// Whether an 18-character resident ID number has a valid check character.
#[cfg(test)]
fn id_number_valid(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && char::from(b[17]).to_ascii_uppercase() == id_check_char(&b[..17])
}

/// An 18-digit resident ID number with a valid check character.
pub(crate) fn id_number(rng: &mut Rng) -> String {
    let area = AREA_CODES[rng.index(AREA_CODES.len())];
    let year = 1960 + rng.below(46);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let seq = rng.below(1000);
    let first17 = format!("{area}{year:04}{month:02}{day:02}{seq:03}");
    let check = id_check_char(first17.as_bytes());
    format!("{first17}{check}")
}

/// Luhn check digit for a digit string (the payload without its check digit).
///
/// # Reference
/// ISO/IEC 7812-1:2017 Annex B (the Luhn formula).
pub(crate) fn luhn_check_digit(payload: &str) -> u8 {
    let mut sum = 0u32;
    for (i, c) in payload.bytes().rev().enumerate() {
        let mut d = u32::from(c.wrapping_sub(b'0'));
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    ((10 - sum % 10) % 10) as u8
}

/// Whether a digit string passes the Luhn check.
#[cfg(test)]
fn luhn_valid(number: &str) -> bool {
    let n = number.len();
    n >= 2
        && number.bytes().all(|b| b.is_ascii_digit())
        && luhn_check_digit(&number[..n - 1]) == number.as_bytes()[n - 1].wrapping_sub(b'0')
}

/// A 16-digit UnionPay-style card number (prefix 62) passing the Luhn check,
/// written with or without spaces.
pub(crate) fn card_number(rng: &mut Rng) -> String {
    let payload = format!("62{:013}", rng.below(10_000_000_000_000));
    let digits = format!("{payload}{}", luhn_check_digit(&payload));
    if rng.chance(0.5) {
        digits
    } else {
        let groups: Vec<&str> = (0..4).map(|i| &digits[i * 4..i * 4 + 4]).collect();
        groups.join(" ")
    }
}

/// A 16-digit order number `YYYYMMDD` + 8 digits that deliberately FAILS the
/// Luhn check (a near miss that a card-number redactor must leave alone).
pub(crate) fn order_number(rng: &mut Rng, yyyymmdd: &str) -> String {
    let payload = format!("{yyyymmdd}{:07}", rng.below(10_000_000));
    let good = luhn_check_digit(&payload);
    format!("{payload}{}", (good + 1 + rng.below(9) as u8) % 10)
}

/// An IPv4 address (private or public-looking).
pub(crate) fn ip(rng: &mut Rng) -> String {
    if rng.chance(0.5) {
        format!("192.168.{}.{}", rng.below(256), 1 + rng.below(254))
    } else {
        format!(
            "{}.{}.{}.{}",
            [58, 61, 101, 114, 117, 183][rng.index(6)],
            rng.below(256),
            rng.below(256),
            1 + rng.below(254)
        )
    }
}

/// An amount as people write it: `¥1,299.00`.
pub(crate) fn amount_text(rng: &mut Rng) -> String {
    let yuan = 19 + rng.below(4980);
    if yuan >= 1000 {
        format!("¥{},{:03}.00", yuan / 1000, yuan % 1000)
    } else {
        format!("¥{yuan}.00")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_have_valid_check_digits() {
        // Worked example from GB 11643-1999 Appendix: 11010519491231002X.
        assert!(id_number_valid("11010519491231002X"));
        assert!(!id_number_valid("110105194912310021"));
        let mut r = Rng::new(3);
        for _ in 0..200 {
            let id = id_number(&mut r);
            assert!(id_number_valid(&id), "{id}");
        }
    }

    #[test]
    fn luhn_cards_pass_and_order_numbers_fail() {
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
        let mut r = Rng::new(4);
        for _ in 0..200 {
            let c = card_number(&mut r).replace(' ', "");
            assert!(luhn_valid(&c) && c.len() == 16, "{c}");
            let o = order_number(&mut r, "20240301");
            assert!(!luhn_valid(&o) && o.len() == 16, "{o}");
        }
    }

    #[test]
    fn mobiles_have_valid_shape() {
        let mut r = Rng::new(5);
        for _ in 0..100 {
            let m = mobile(&mut r);
            let b = m.as_bytes();
            assert_eq!(b.len(), 11);
            assert!(b[0] == b'1' && (b'3'..=b'9').contains(&b[1]));
        }
    }
}
