//! Feedback text: short Chinese and English messages built from templates per
//! touchpoint, kind and complaint cause, with planted personal data and
//! near-miss numbers.

use super::company::{CAUSES, TouchpointSpec};
use super::people;
use super::rng::Rng;
use crate::model::FeedbackKind;

/// Complaint templates per cause (same order as [`CAUSES`]); `{tp}` is the
/// touchpoint name.
const COMPLAINT_ZH: [[&str; 3]; 8] = [
    [
        "说好两天到，等了一周还没收到，物流信息也不更新",
        "快递一直显示运输中，催了好几次都没用",
        "{tp}太慢了，双十一也不能这样吧",
    ],
    [
        "退货寄回去十天了，退款还没到账",
        "申请退款一直在审核中，到底要等多久",
        "退款比下单慢太多了，体验很差",
    ],
    [
        "客服态度很差，问两句就不耐烦",
        "{tp}的客服答非所问，还直接挂断",
        "打了三次电话才有人接，接了也解决不了问题",
    ],
    [
        "收到的商品外包装破了，里面的东西也摔坏了",
        "打开盒子发现屏幕有裂痕，明显是运输中压坏的",
        "杯子碎了两个，包装太简陋",
    ],
    [
        "刚买完就降价了，也不给保价",
        "同样的东西比别家贵不少",
        "优惠券规则太复杂，算下来根本不便宜",
    ],
    [
        "App 一直闪退，付款页面打不开",
        "下单时系统报错，钱扣了订单却没生成",
        "{tp}页面加载半天，点了没反应",
    ],
    [
        "想买的东西一直缺货，到货提醒也没通知",
        "下单后才告诉我没货，白等了三天",
        "门店说有货，去了却没有",
    ],
    [
        "申请的发票一直没开出来",
        "发票抬头开错了，改了两次还是错的",
        "电子发票收不到，邮箱也填对了",
    ],
];

const COMPLAINT_EN: [[&str; 2]; 8] = [
    [
        "Was promised two-day delivery, still waiting after a week.",
        "Tracking hasn't updated in days, very frustrating.",
    ],
    [
        "Returned the item ten days ago and still no refund.",
        "Refund has been 'under review' forever.",
    ],
    [
        "The agent was rude and hung up on me.",
        "Called three times before anyone picked up, and they couldn't help.",
    ],
    [
        "The box arrived crushed and the item inside was broken.",
        "Screen was cracked on arrival, poor packaging.",
    ],
    [
        "Price dropped right after I bought it and no price protection.",
        "Much more expensive than other shops.",
    ],
    [
        "The app keeps crashing at checkout.",
        "Got charged but the order never showed up.",
    ],
    [
        "Item has been out of stock for weeks.",
        "They cancelled my order for lack of stock after three days.",
    ],
    [
        "Still waiting for my invoice.",
        "The invoice had the wrong company name, twice.",
    ],
];

const SUGGESTION_ZH: [&str; 5] = [
    "建议{tp}增加更多选项",
    "希望{tp}的流程能再简化一点",
    "{tp}还行，要是能提供预约时间就更好了",
    "建议在{tp}环节主动推送进度通知",
    "希望{tp}能支持夜间服务",
];
const SUGGESTION_EN: [&str; 3] = [
    "It would be great if {tp} offered more options.",
    "Please simplify the {tp} process a bit.",
    "Suggest sending proactive updates during {tp}.",
];
const QUESTION_ZH: [&str; 5] = [
    "请问{tp}一般需要多久？",
    "{tp}可以改时间吗？",
    "想问一下{tp}有没有会员优惠",
    "请问{tp}在哪里查看进度？",
    "{tp}周末也可以办理吗？",
];
const QUESTION_EN: [&str; 3] = [
    "How long does {tp} usually take?",
    "Can I change the time for {tp}?",
    "Is {tp} available on weekends?",
];
const PRAISE_TAIL_ZH: [&str; 4] = ["，点赞！", "，下次还会再来", "，非常满意", "。"];
const PRAISE_TAIL_EN: [&str; 3] = ["!", ", thanks a lot.", ", will shop again."];

/// Kinds of personal data planted into feedback text.
pub(crate) const PII_KINDS: [&str; 6] =
    ["phone", "email", "id_number", "card_number", "ip", "name"];

/// A generated text and what was planted in it.
pub(crate) struct Text {
    pub text: String,
    /// Index into [`PII_KINDS`] of the personal data planted, if any.
    pub pii: Option<usize>,
    /// Whether a near-miss number (order number, amount) was planted.
    pub near_miss: bool,
}

fn fill(template: &str, tp: &str) -> String {
    template.replace("{tp}", tp)
}

/// Base text for a piece of feedback.
fn base(
    rng: &mut Rng,
    kind: FeedbackKind,
    english: bool,
    tp: &TouchpointSpec,
    cause: Option<usize>,
) -> String {
    let name = if english { tp.name_en } else { tp.name };
    match (kind, english) {
        (FeedbackKind::Complaint, false) => {
            let row = COMPLAINT_ZH[cause.unwrap_or(0) % CAUSES.len()];
            fill(row[rng.index(row.len())], name)
        }
        (FeedbackKind::Complaint, true) => {
            let row = COMPLAINT_EN[cause.unwrap_or(0) % CAUSES.len()];
            row[rng.index(row.len())].to_string()
        }
        (FeedbackKind::Praise, false) => {
            let tail = PRAISE_TAIL_ZH[rng.index(PRAISE_TAIL_ZH.len())];
            format!("{}{tail}", tp.praise_zh)
        }
        (FeedbackKind::Praise, true) => {
            let tail = PRAISE_TAIL_EN[rng.index(PRAISE_TAIL_EN.len())];
            let mut s = tp.praise_en.to_string();
            if let Some(first) = s.get(..1) {
                s = format!("{}{}", first.to_uppercase(), &s[1..]);
            }
            format!("{s}{tail}")
        }
        (FeedbackKind::Suggestion, false) => {
            fill(SUGGESTION_ZH[rng.index(SUGGESTION_ZH.len())], name)
        }
        (FeedbackKind::Suggestion, true) => {
            fill(SUGGESTION_EN[rng.index(SUGGESTION_EN.len())], name)
        }
        (FeedbackKind::Question, false) => fill(QUESTION_ZH[rng.index(QUESTION_ZH.len())], name),
        (FeedbackKind::Question, true) => fill(QUESTION_EN[rng.index(QUESTION_EN.len())], name),
    }
}

/// Personal data sentence of the given kind.
fn pii_sentence(rng: &mut Rng, kind: usize, english: bool) -> String {
    let p = people::name(rng);
    match (kind, english) {
        (0, false) => format!("，麻烦回电 {}", people::mobile_formatted(rng)),
        (0, true) => format!(" Call me back at {}.", people::mobile_formatted(rng)),
        (1, false) => format!("，请发邮件到 {}", people::email(rng, &p.pinyin)),
        (1, true) => format!(" Email me at {}.", people::email(rng, &p.pinyin)),
        (2, false) => format!("，实名信息：身份证 {}", people::id_number(rng)),
        (2, true) => format!(" My ID number is {}.", people::id_number(rng)),
        (3, false) => format!("，退款请退到这张卡 {}", people::card_number(rng)),
        (3, true) => format!(" Refund to card {}.", people::card_number(rng)),
        (4, false) => format!("，登录 IP 是 {}", people::ip(rng)),
        (4, true) => format!(" My IP was {}.", people::ip(rng)),
        (_, false) => format!("，我是{}，收件人也是我", p.zh),
        (_, true) => format!(" This is {} speaking.", p.pinyin),
    }
}

/// Generate the text of one piece of feedback.
///
/// With probability `pii_rate` a sentence with personal data is appended
/// (phone 35%, e-mail 20%, name 15%, ID number 10%, card 10%, IP 10%); with
/// probability 0.10 a near-miss number (an order number failing the Luhn
/// check, or an amount such as ¥1,299.00) is added.
pub(crate) fn feedback_text(
    rng: &mut Rng,
    kind: FeedbackKind,
    english: bool,
    tp: &TouchpointSpec,
    cause: Option<usize>,
    yyyymmdd: &str,
    pii_rate: f64,
) -> Text {
    let mut text = base(rng, kind, english, tp, cause);
    let mut near_miss = false;
    if rng.chance(0.10) {
        near_miss = true;
        let order = people::order_number(rng, yyyymmdd);
        let amount = people::amount_text(rng);
        let add = match (rng.below(2), english) {
            (0, false) => format!("（订单号 {order}）"),
            (_, false) => format!("（订单金额 {amount}）"),
            (0, true) => format!(" (order no. {order})"),
            (_, true) => format!(" (order total {amount})"),
        };
        text.push_str(&add);
    }
    let mut pii = None;
    if rng.chance(pii_rate) {
        // phone, email, id_number, card_number, ip, name
        let kind = rng.categorical(&[0.35, 0.20, 0.10, 0.10, 0.10, 0.15]);
        text.push_str(&pii_sentence(rng, kind, english));
        pii = Some(kind);
    }
    Text {
        text,
        pii,
        near_miss,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::company::touchpoints;

    #[test]
    fn every_kind_and_language_gives_text() {
        let tps = touchpoints();
        let mut r = Rng::new(9);
        for tp in &tps {
            for kind in FeedbackKind::ALL {
                for english in [false, true] {
                    let t = feedback_text(&mut r, kind, english, tp, Some(3), "20240301", 1.0);
                    assert!(!t.text.is_empty() && t.pii.is_some());
                    assert!(!t.text.contains("{tp}"), "{}", t.text);
                }
            }
        }
    }
}
